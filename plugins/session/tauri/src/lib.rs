//! Tauri plugin `remap-session`: REMAP for the window. Each command hands its arguments to
//! one use case of [`remap_session::App`] (sessions, the Model Overview, the Inspector, the
//! Drawer, generation, the queue, workers, export); the queue trains in the background and its
//! events reach the window as [`QUEUE_EVENT`]. The app can be switched to another database
//! (a PostgreSQL server shared with a cluster's workers) while the window runs: [`Current`]
//! holds the one in use. No logic lives here.

mod command_names;
mod commands;
mod error;

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use remap_session::App;
use remap_session::MachineSettings;
use remap_session::views::DatabaseView;
use remap_session::worker::WorkerCommand;
use remap_store::{Location, RunUntil, SchedulerConfig, Store, default_worker_id};
use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Emitter, Manager, RunEvent, Runtime};
use tokio::sync::broadcast::error::RecvError;

pub use command_names::COMMANDS;
pub use error::Error;

/// The event that carries every [`remap_store::QueueEvent`] to the window.
pub const QUEUE_EVENT: &str = "remap://queue";

/// The plugin, with the database `remap.db` (and its files) and `ui.json` in `data_dir`.
/// The queue starts training at once, resuming whatever an earlier run left unfinished.
pub fn init<R: Runtime>(data_dir: PathBuf) -> TauriPlugin<R> {
    Builder::new("remap-session")
        // The names in `COMMANDS`, checked by `tests/commands.rs`.
        .invoke_handler(tauri::generate_handler![
            commands::sessions,
            commands::create_session,
            commands::import_architecture,
            commands::create_session_around,
            commands::rename_session,
            commands::set_budget,
            commands::set_focus,
            commands::effects,
            commands::session_on_classes,
            commands::delete_session,
            commands::last_session,
            commands::overview,
            commands::model_detail,
            commands::class_samples,
            commands::drawer,
            commands::add_to_drawer,
            commands::remove_from_drawer,
            commands::compare,
            commands::queue,
            commands::preview_ablations_of,
            commands::queue_ablations,
            commands::search_space,
            commands::preview_variations_of,
            commands::queue_variations,
            commands::queue_handcrafted,
            commands::templates,
            commands::save_template,
            commands::delete_template,
            commands::queue_status,
            commands::move_job,
            commands::cancel_job,
            commands::retry_job,
            commands::pause_queue,
            commands::resume_queue,
            commands::train_to_end,
            commands::machine_settings,
            commands::set_machine_settings,
            commands::export_model,
            commands::check_architecture,
            commands::edit_architecture,
            commands::database,
            commands::workers,
            commands::submit_workers,
            commands::stop_workers,
            commands::connect_database
        ])
        .setup(move |app, _api| {
            let location = Location::Sqlite(data_dir.join("remap.db"));
            let store = tauri::async_runtime::block_on(Store::open(&location))?;
            tracing::info!(database = %location.display(), "store opened");
            let remap = start(app, store, &data_dir)?;
            app.manage(Current {
                app: RwLock::new(remap),
                data_dir: data_dir.clone(),
            });
            Ok(())
        })
        .on_event(|app, event| {
            if let RunEvent::Exit = event
                && let Some(current) = app.try_state::<Current>()
            {
                // Running jobs go back to the queue and resume from their last epoch next time.
                current.get().stop();
            }
        })
        .build()
}

/// The app the window works on now, and where its `ui.json` lives.
pub struct Current {
    app: RwLock<App>,
    data_dir: PathBuf,
}

impl Current {
    /// The app in use (a cheap handle).
    pub fn get(&self) -> App {
        self.app.read().expect("current app").clone()
    }
}

/// An app over `store` whose queue trains at once in copies of this program started as
/// workers (the saved settings in ui.json say how many at once), its events forwarded.
fn start<R: Runtime>(
    app: &tauri::AppHandle<R>,
    store: Store,
    data_dir: &Path,
) -> std::io::Result<App> {
    let remap = App::with_workers(
        store,
        SchedulerConfig::new(default_worker_id()),
        WorkerCommand::current_exe()?,
        MachineSettings::default(),
    )
    .with_ui_state(data_dir.join("ui.json"));
    forward_events(app.clone(), &remap);
    let trainer = remap.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = trainer.train(RunUntil::Stopped).await {
            tracing::error!(%error, "the training queue stopped");
        }
    });
    Ok(remap)
}

/// Switches the window to the database at `url` (empty: this machine's own), `password`
/// set for a server; the jobs training here go back to the old database's queue first.
pub(crate) async fn connect<R: Runtime>(
    handle: &tauri::AppHandle<R>,
    current: &Current,
    url: &str,
    password: &str,
) -> Result<DatabaseView, Error> {
    let invalid = |e: String| Error::from(remap_session::SessionError::Invalid(e));
    let location = match url.trim() {
        "" => Location::Sqlite(current.data_dir.join("remap.db")),
        text => Location::parse(text).map_err(|e| invalid(e.to_string()))?,
    }
    .with_password(password);
    let store = Store::open(&location)
        .await
        .map_err(|e| invalid(e.to_string()))?;
    let old = current.get();
    old.stop();
    old.scheduler()
        .until_stopped(&old.scheduler().running_jobs())
        .await;
    let remap = start(handle, store, &current.data_dir).map_err(|e| invalid(e.to_string()))?;
    remap.forget_last_session();
    let view = remap.database();
    *current.app.write().expect("current app") = remap;
    tracing::info!(database = %view.location, "switched database");
    Ok(view)
}

/// Sends every queue event to the window as [`QUEUE_EVENT`].
fn forward_events<R: Runtime>(app: tauri::AppHandle<R>, remap: &App) {
    let mut events = remap.scheduler().subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Err(error) = app.emit(QUEUE_EVENT, &event) {
                        tracing::warn!(%error, "could not send a queue event to the window");
                    }
                }
                // The window re-reads the store on the next job event.
                Err(RecvError::Lagged(missed)) => tracing::debug!(missed, "queue events lagged"),
                Err(RecvError::Closed) => break,
            }
        }
    });
}
