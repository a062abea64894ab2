//! A long-running worker on any machine that reaches the session database (`remap worker
//! --db URL`): it registers itself, claims queued jobs of every (or the named) sessions,
//! trains them in this process, heartbeats, and exits when told (SIGTERM, what `scancel`
//! sends: the job in progress stops within one batch and goes back to the queue, resuming
//! from its last checkpoint on whichever worker claims it next) or after an idle time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use remap_store::{
    RunUntil, Scheduler, SchedulerConfig, SessionId, Store, WorkerInfo, host_name, now_ms,
};

use crate::error::SessionError;
use crate::focus::FocusObjective;
use crate::runner::{TrainOverrides, TrainerRunner};

/// How often a worker tells the database it is alive.
const WORKER_HEARTBEAT: Duration = Duration::from_secs(3);
/// How often an idle worker looks for new jobs.
const IDLE_POLL: Duration = Duration::from_millis(500);

/// What a cluster worker serves and how.
#[derive(Clone, Debug, Default)]
pub struct WorkerOptions {
    /// Only these sessions (by name); empty: every session.
    pub sessions: Vec<String>,
    pub overrides: TrainOverrides,
    /// Exit after this long without a job to train; `None`: run until stopped.
    pub idle_exit: Option<Duration>,
    /// `local` or `slurm`.
    pub engine: String,
    /// The engine's id of this process (e.g. Slurm's `123_4`).
    pub engine_job: Option<String>,
}

impl WorkerOptions {
    /// The engine and its id from the environment a worker was started in: Slurm's
    /// `SLURM_ARRAY_JOB_ID_SLURM_ARRAY_TASK_ID` or `SLURM_JOB_ID`, else this process id.
    pub fn engine_from_env(&mut self) {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let slurm = match (var("SLURM_ARRAY_JOB_ID"), var("SLURM_ARRAY_TASK_ID")) {
            (Some(array), Some(task)) => Some(format!("{array}_{task}")),
            _ => var("SLURM_JOB_ID"),
        };
        match slurm {
            Some(id) => {
                self.engine = "slurm".into();
                self.engine_job = Some(id);
            }
            None => {
                if self.engine.is_empty() {
                    self.engine = "local".into();
                }
                self.engine_job
                    .get_or_insert_with(|| std::process::id().to_string());
            }
        }
    }

    /// The name this worker claims jobs under: `slurm-123_4@node`, `local-4711@host`.
    pub fn worker_id(&self, host: &str) -> String {
        let engine = if self.engine.is_empty() {
            "local"
        } else {
            &self.engine
        };
        let id = self
            .engine_job
            .clone()
            .unwrap_or_else(|| std::process::id().to_string());
        format!("{engine}-{id}@{host}")
    }
}

/// Sizes the thread pool every job of this process trains on; call it before anything
/// computes.
pub fn bound_threads(threads: usize) -> Result<(), rayon::ThreadPoolBuildError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
}

/// Serves until `terminate` is raised or the worker was idle for `options.idle_exit`.
/// Returns how many jobs it finished.
pub async fn serve_database(
    store: Store,
    options: WorkerOptions,
    terminate: Arc<AtomicBool>,
) -> Result<usize, SessionError> {
    let scope = session_ids(&store, &options.sessions).await?;
    let host = host_name();
    let worker_id = options.worker_id(&host);
    let runner = TrainerRunner::with_overrides(options.overrides);
    let probe = runner.clone();
    let device = tokio::task::spawn_blocking(move || probe.device_description())
        .await
        .map_err(|e| SessionError::Invalid(format!("choosing the device crashed: {e}")))?
        .map_err(SessionError::Invalid)?;

    let mut config = SchedulerConfig::new(worker_id.clone());
    config.scope = scope;
    config.host = host.clone();
    config.engine_job = options.engine_job.clone();
    let data = runner.data().clone();
    let scheduler = Scheduler::new(store.clone(), Arc::new(runner), config);
    scheduler.set_objective(Arc::new(FocusObjective::new(data)));

    let started_at = now_ms();
    store
        .register_worker(&WorkerInfo {
            id: worker_id.clone(),
            host,
            device: device.clone(),
            engine: options.engine.clone(),
            engine_job: options.engine_job.clone(),
            sessions: (!options.sessions.is_empty()).then(|| options.sessions.clone()),
            current_job: None,
            started_at,
            heartbeat: started_at,
            stopped_at: None,
        })
        .await?;
    tracing::info!(worker = worker_id, device, "worker started");

    let beat = tokio::spawn(keep_registered(
        store.clone(),
        scheduler.clone(),
        worker_id.clone(),
    ));
    let stopper = tokio::spawn(stop_on(terminate.clone(), scheduler.clone()));
    let finished = Arc::new(AtomicUsize::new(0));
    let counter = tokio::spawn(count_finished(scheduler.subscribe(), finished.clone()));

    let result = serve_until_idle(&scheduler, &terminate, options.idle_exit, &finished).await;
    stopper.abort();
    beat.abort();
    counter.abort();
    if let Err(error) = store.worker_stopped(&worker_id).await {
        tracing::warn!(%error, "could not mark the worker stopped");
    }
    result?;
    let done = finished.load(Ordering::SeqCst);
    tracing::info!(worker = worker_id, jobs = done, "worker exits");
    Ok(done)
}

/// Trains while there is work; with an idle limit, returns once nothing was claimable for
/// that long.
async fn serve_until_idle(
    scheduler: &Scheduler,
    terminate: &AtomicBool,
    idle_exit: Option<Duration>,
    finished: &AtomicUsize,
) -> Result<(), SessionError> {
    let Some(limit) = idle_exit else {
        return Ok(scheduler.run(RunUntil::Stopped).await?);
    };
    let mut idle_since = Instant::now();
    loop {
        if terminate.load(Ordering::SeqCst) {
            return Ok(());
        }
        let before = finished.load(Ordering::SeqCst);
        // Returns when nothing is queued for this worker (jobs of dead workers are put back
        // in the queue first).
        scheduler.run(RunUntil::Empty).await?;
        if finished.load(Ordering::SeqCst) != before {
            idle_since = Instant::now();
        }
        if terminate.load(Ordering::SeqCst) || idle_since.elapsed() >= limit {
            return Ok(());
        }
        tokio::time::sleep(IDLE_POLL).await;
    }
}

async fn session_ids(store: &Store, names: &[String]) -> Result<Vec<SessionId>, SessionError> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        ids.push(store.session_by_name(name).await?.id);
    }
    Ok(ids)
}

async fn keep_registered(store: Store, scheduler: Scheduler, worker_id: String) {
    loop {
        let current = scheduler.running_jobs().first().copied();
        if let Err(error) = store.worker_heartbeat(&worker_id, current).await {
            tracing::warn!(%error, "worker heartbeat failed");
        }
        tokio::time::sleep(WORKER_HEARTBEAT).await;
    }
}

async fn stop_on(terminate: Arc<AtomicBool>, scheduler: Scheduler) {
    while !terminate.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tracing::info!("stopping: the job in progress goes back to the queue at its last epoch");
    scheduler.stop();
}

async fn count_finished(
    mut events: tokio::sync::broadcast::Receiver<remap_store::QueueEvent>,
    finished: Arc<AtomicUsize>,
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match events.recv().await {
            // Screened counts: a rung is a finished piece of work.
            Ok(remap_store::QueueEvent::Job { status, .. }) if status.is_final() => {
                finished.fetch_add(1, Ordering::SeqCst);
            }
            Ok(_) | Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_is_named_by_its_engine_job_and_host() {
        let options = WorkerOptions {
            engine: "slurm".into(),
            engine_job: Some("12_1".into()),
            ..WorkerOptions::default()
        };
        assert_eq!(options.worker_id("node3"), "slurm-12_1@node3");
    }
}
