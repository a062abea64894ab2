//! Tauri plugin `remap-session`: REMAP for the window. Each command hands its arguments to
//! one use case of [`remap_session::App`] (sessions, the Model Overview, the Inspector, the
//! Drawer, generation, the queue, export); the queue trains in the background and its events
//! reach the window as [`QUEUE_EVENT`]. No logic lives here.

mod commands;
mod error;

use std::path::PathBuf;

use remap_session::App;
use remap_store::{Location, RunUntil, SchedulerConfig, Store, default_worker_id};
use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Emitter, Manager, RunEvent, Runtime};
use tokio::sync::broadcast::error::RecvError;

pub use error::Error;

/// The event that carries every [`remap_store::QueueEvent`] to the window.
pub const QUEUE_EVENT: &str = "remap://queue";

/// The plugin, with the database `remap.db` (and its files) and `ui.json` in `data_dir`.
/// The queue starts training at once, resuming whatever an earlier run left unfinished.
pub fn init<R: Runtime>(data_dir: PathBuf) -> TauriPlugin<R> {
    Builder::new("remap-session")
        .invoke_handler(tauri::generate_handler![
            commands::sessions,
            commands::create_session,
            commands::rename_session,
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
            commands::export_model,
            commands::check_architecture
        ])
        .setup(move |app, _api| {
            let location = Location::Sqlite(data_dir.join("remap.db"));
            let store = tauri::async_runtime::block_on(Store::open(&location))?;
            tracing::info!(database = %location.display(), "store opened");
            let remap = App::new(store, SchedulerConfig::new(default_worker_id()))
                .with_ui_state(data_dir.join("ui.json"));
            forward_events(app.clone(), &remap);
            let trainer = remap.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(error) = trainer.train(RunUntil::Stopped).await {
                    tracing::error!(%error, "the training queue stopped");
                }
            });
            app.manage(remap);
            Ok(())
        })
        .on_event(|app, event| {
            if let RunEvent::Exit = event
                && let Some(remap) = app.try_state::<App>()
            {
                // Running jobs go back to the queue and resume from their last epoch next time.
                remap.stop();
            }
        })
        .build()
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
