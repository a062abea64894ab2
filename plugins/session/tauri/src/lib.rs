//! Tauri plugin `remap-session`: REMAP's sessions for the window — create, list, rename,
//! delete; the Model Overview's models and maps; the Inspector's details; the Drawer; the
//! training queue, trained in the background with its events sent as `remap://queue`.
//! The work is done by `remap-session` and `remap-store`; this crate only translates.

mod commands;
mod error;
mod export;
mod generate;
mod queue;
mod state;
mod views;

use std::path::PathBuf;
use std::sync::Arc;

use remap_session::TrainerRunner;
use remap_store::{Location, RunUntil, Scheduler, SchedulerConfig, Store, default_worker_id};
use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Emitter, Manager, RunEvent, Runtime};
use tokio::sync::broadcast::error::RecvError;

pub use error::Error;
pub use generate::{ChildPreview, GenerationPreview, Queued};
pub use queue::QueueState;
pub use state::{Remap, RemapState};
pub use views::*;

/// The event that carries every [`remap_store::QueueEvent`] to the window.
pub const QUEUE_EVENT: &str = "remap://queue";

/// The plugin, with the database `remap.db` (and its files) in `data_dir`. The queue starts
/// training at once, resuming whatever an earlier run of the app left unfinished.
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
            generate::preview_ablations_of,
            generate::queue_ablations,
            generate::search_space,
            generate::preview_variations_of,
            generate::queue_variations,
            generate::queue_handcrafted,
            generate::templates,
            generate::save_template,
            generate::delete_template,
            queue::queue_status,
            queue::move_job,
            queue::cancel_job,
            queue::retry_job,
            queue::pause_queue,
            queue::resume_queue,
            export::export_model
        ])
        .setup(move |app, _api| {
            let location = Location::Sqlite(data_dir.join("remap.db"));
            let store = tauri::async_runtime::block_on(Store::open(&location))?;
            tracing::info!(database = %location.display(), "store opened");
            let runner = TrainerRunner::new();
            let scheduler = Scheduler::new(
                store.clone(),
                Arc::new(runner.clone()),
                SchedulerConfig::new(default_worker_id()),
            );
            forward_events(app.clone(), &scheduler);
            let remap = Arc::new(Remap::new(
                store,
                scheduler.clone(),
                runner,
                data_dir.clone(),
            ));
            if remap.queue_paused() {
                tracing::info!("the queue stays paused, as it was when REMAP closed");
                scheduler.pause();
            }
            tauri::async_runtime::spawn(async move {
                if let Err(error) = scheduler.run(RunUntil::Stopped).await {
                    tracing::error!(%error, "the training queue stopped");
                }
            });
            app.manage::<RemapState>(remap);
            Ok(())
        })
        .on_event(|app, event| {
            if let RunEvent::Exit = event
                && let Some(state) = app.try_state::<RemapState>()
            {
                // Running jobs go back to the queue and resume from their last epoch next time.
                state.scheduler.stop();
            }
        })
        .build()
}

/// Sends every queue event to the window as [`QUEUE_EVENT`].
fn forward_events<R: Runtime>(app: tauri::AppHandle<R>, scheduler: &Scheduler) {
    let mut events = scheduler.subscribe();
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
