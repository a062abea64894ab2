//! [`App`]: REMAP's application — the session database, the training queue with its burn
//! trainer, and the small state the window keeps between starts. The window's Tauri plugin
//! and the `remap` CLI each hold one and call its use cases (the `impl App` blocks of
//! `sessions.rs`, `overview.rs`, `inspect.rs`, `queue.rs`, `generate.rs`, `handcraft.rs` and
//! `export.rs`), translating only arguments and results.

use std::path::PathBuf;
use std::sync::Arc;

use remap_store::{Scheduler, SchedulerConfig, Session, Store};
use remap_training::Dataset;

use crate::data::DataCache;
use crate::error::SessionError;
use crate::focus::FocusObjective;
use crate::machine::{self, MachineSettings};
use crate::runner::TrainerRunner;
use crate::ui_state::{UiState, UiStateFile};
use crate::worker::{ProcessRunner, WorkerCommand, WorkerSettings};

/// The application layer shared by the window and the CLI.
#[derive(Clone)]
pub struct App {
    scheduler: Scheduler,
    data: DataCache,
    /// The worker processes jobs train in (`None`: in this process, as tests do).
    workers: Option<Arc<ProcessRunner>>,
    ui_state: Option<Arc<UiStateFile>>,
}

impl App {
    /// An app over `store` whose queue trains with `config` in this process (it trains
    /// only once [`App::train`] runs).
    pub fn new(store: Store, config: SchedulerConfig) -> Self {
        let runner = TrainerRunner::new();
        let data = runner.data().clone();
        let scheduler = Scheduler::new(store, Arc::new(runner), config);
        scheduler.set_objective(Arc::new(FocusObjective::new(data.clone())));
        App {
            scheduler,
            data,
            workers: None,
            ui_state: None,
        }
    }

    /// An app whose queue trains every job in a worker process started with `command`, as
    /// many at once and with as many threads each as `settings` say on this machine.
    pub fn with_workers(
        store: Store,
        mut config: SchedulerConfig,
        command: WorkerCommand,
        settings: MachineSettings,
    ) -> Self {
        let (jobs, worker_settings) = worker_settings(&settings);
        config.concurrency = jobs;
        let workers = Arc::new(ProcessRunner::new(command, worker_settings));
        let scheduler = Scheduler::new(store, workers.clone(), config);
        let data = DataCache::new();
        scheduler.set_objective(Arc::new(FocusObjective::new(data.clone())));
        App {
            scheduler,
            data,
            workers: Some(workers),
            ui_state: None,
        }
    }

    /// Remembers the window's state (last session shown, queue paused, the machine's
    /// training settings) in `path` (`ui.json` in the data directory); a queue paused when
    /// the app closed stays paused, and the saved settings apply.
    pub fn with_ui_state(mut self, path: PathBuf) -> Self {
        let file = UiStateFile::new(path);
        let saved = file.read();
        if saved.queue_paused {
            tracing::info!("the queue stays paused, as it was when REMAP closed");
            self.scheduler.pause();
        }
        self.apply_machine(&saved.machine);
        self.ui_state = Some(Arc::new(file));
        self
    }

    /// Applies the machine's training settings to jobs started from now on.
    pub(crate) fn apply_machine(&self, settings: &MachineSettings) {
        let (jobs, worker_settings) = worker_settings(settings);
        self.scheduler.set_concurrency(jobs);
        if let Some(workers) = &self.workers {
            workers.set_settings(worker_settings);
        }
    }

    pub fn store(&self) -> &Store {
        self.scheduler.store()
    }

    /// The training queue (subscribe to it for [`remap_store::QueueEvent`]s).
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// The data sets loaded so far (shared with the trainer).
    pub fn data(&self) -> &DataCache {
        &self.data
    }

    /// The session's data set, loaded once per process, off the async runtime's threads.
    pub(crate) async fn dataset(&self, session: &Session) -> Result<Arc<Dataset>, SessionError> {
        let (cache, session) = (self.data().clone(), session.clone());
        tokio::task::spawn_blocking(move || cache.get(&session))
            .await
            .map_err(|e| SessionError::Invalid(format!("loading the data set crashed: {e}")))?
    }

    /// The recorded window state (the default where none is kept).
    pub(crate) fn ui_state(&self) -> UiState {
        self.ui_state
            .as_ref()
            .map(|file| file.read())
            .unwrap_or_default()
    }

    /// Changes the recorded window state (written only when it changes).
    pub(crate) fn update_ui_state(&self, change: impl FnOnce(&mut UiState)) {
        if let Some(file) = &self.ui_state {
            file.update(change);
        }
    }
}

/// Jobs at once and how their workers train, from the machine's training settings.
fn worker_settings(settings: &MachineSettings) -> (usize, WorkerSettings) {
    let parallelism = settings.parallelism(machine::cores());
    let workers = WorkerSettings {
        threads: parallelism.threads,
        budget: parallelism.jobs * parallelism.threads,
        overrides: settings.overrides(),
    };
    (parallelism.jobs, workers)
}
