//! The Queue tab and `remap session run`: the session's jobs in queue order, and control of
//! the queue (reorder, cancel, retry, pause, resume, train).

use std::collections::HashMap;

use remap_store::{JobId, JobStatus, ModelId, RunUntil, SchedulerConfig, SessionId, Store};

use crate::app::App;
use crate::data::load_session_data;
use crate::error::SessionError;
use crate::machine::{self, MachineSettings};
use crate::views::{MachineView, QueueJob, QueueState, SessionInfo};
use crate::worker::WorkerCommand;

/// Where an app's jobs train.
#[derive(Clone, Debug)]
pub enum Training {
    /// In this process, one job at a time unless the scheduler says otherwise (tests).
    InProcess,
    /// In worker processes started with this command, as these settings say.
    Workers(WorkerCommand, MachineSettings),
}

impl App {
    /// An app whose queue trains only the session `name`, `jobs` at a time (`remap session
    /// run`), after checking that its data set still loads: a data set that disappeared is
    /// reported once, before any job is claimed and failed.
    pub async fn for_session(
        store: Store,
        name: &str,
        mut config: SchedulerConfig,
        training: Training,
    ) -> Result<(App, SessionInfo), SessionError> {
        let session = store.session_by_name(name).await?;
        let check = session.clone();
        tokio::task::spawn_blocking(move || load_session_data(&check))
            .await
            .map_err(|e| SessionError::Invalid(format!("loading the data set crashed: {e}")))?
            .map_err(|e| {
                SessionError::Invalid(format!(
                    "session `{name}` cannot train; its jobs stay queued: {e}"
                ))
            })?;
        config.scope = vec![session.id];
        let app = match training {
            Training::InProcess => App::new(store, config),
            Training::Workers(command, settings) => {
                App::with_workers(store, config, command, settings)
            }
        };
        let info = app.session_info(&session).await?;
        Ok((app, info))
    }

    /// The session's jobs: queued and running ones in queue order, then finished ones,
    /// newest first.
    pub async fn queue(&self, session_id: SessionId) -> Result<Vec<QueueJob>, SessionError> {
        let store = self.store();
        let epochs: HashMap<ModelId, u32> = store
            .models(session_id)
            .await?
            .into_iter()
            .map(|m| (m.id, m.epochs))
            .collect();
        let errors: HashMap<JobId, String> = store
            .runs(session_id)
            .await?
            .into_iter()
            .filter_map(|r| Some((r.job_id?, r.error?)))
            .collect();
        let mut jobs = store.jobs(session_id).await?;
        jobs.sort_by_key(|j| match j.status.is_final() {
            false => (false, j.position),
            true => (true, -j.updated_at),
        });
        Ok(jobs
            .iter()
            .map(|j| {
                let epochs = epochs.get(&j.model_id).copied().unwrap_or(0);
                QueueJob::new(j, epochs, errors.get(&j.id).cloned())
            })
            .collect())
    }

    /// Whether the queue is paused, and what it trains now.
    pub fn queue_state(&self) -> QueueState {
        QueueState {
            paused: self.scheduler().is_paused(),
            running: self.scheduler().running_jobs(),
        }
    }

    /// Moves a queued job to `index` among its session's queued jobs (0 = next).
    pub async fn move_job(&self, job_id: JobId, index: usize) -> Result<(), SessionError> {
        Ok(self.scheduler().move_job(job_id, index).await?)
    }

    /// Cancels a queued job, or stops a running one within one batch.
    pub async fn cancel_job(&self, job_id: JobId) -> Result<JobStatus, SessionError> {
        Ok(self.scheduler().cancel(job_id).await?)
    }

    /// Queues a failed, diverged or cancelled job again.
    pub async fn retry_job(&self, job_id: JobId) -> Result<(), SessionError> {
        self.scheduler().retry(job_id).await?;
        Ok(())
    }

    /// Pauses or resumes the queue, and records it for the next start of the app.
    pub fn set_paused(&self, paused: bool) -> QueueState {
        if paused {
            self.scheduler().pause();
        } else {
            self.scheduler().resume();
        }
        self.update_ui_state(|ui| ui.queue_paused = paused);
        self.queue_state()
    }

    /// Trains each of `models` that screening stopped to the protocol's end, next in the
    /// queue and from its checkpoint; returns how many were queued (others are skipped).
    pub async fn train_to_end(&self, models: &[ModelId]) -> Result<usize, SessionError> {
        let mut queued = 0;
        for &model in models {
            let latest = self.store().jobs_of_model(model).await?.pop();
            if let Some(job) = latest.filter(|job| job.status == JobStatus::Screened)
                && self.scheduler().train_to_end(job.id).await?.is_some()
            {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// How this machine trains (jobs at once, threads, device and batch overrides).
    pub fn machine(&self) -> MachineView {
        let settings = self.ui_state().machine;
        MachineView {
            parallelism: settings.parallelism(machine::cores()),
            settings,
            cores: machine::cores(),
        }
    }

    /// Changes how this machine trains, for jobs started from now on, and keeps it for the
    /// next start of the app.
    pub fn set_machine(&self, settings: MachineSettings) -> Result<MachineView, SessionError> {
        settings.validate().map_err(SessionError::Invalid)?;
        self.apply_machine(&settings);
        self.update_ui_state(|ui| ui.machine = settings);
        Ok(self.machine())
    }

    /// Trains queued jobs until `until` (the window: until it closes; the CLI: until the
    /// queue is empty). Jobs a dead process left running resume from their checkpoints.
    pub async fn train(&self, until: RunUntil) -> Result<(), SessionError> {
        Ok(self.scheduler().run(until).await?)
    }

    /// Stops training cleanly: running jobs go back to the queue and resume from their last
    /// finished epoch next time.
    pub fn stop(&self) {
        self.scheduler().stop();
    }
}
