//! The training queue's scheduler: runs queued jobs in position order, a configurable
//! number at once, with pause/resume, cancel, retry, reordering, crash recovery and
//! progress events. Every state change is persisted (in [`Store`]) before it is announced.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, broadcast, mpsc, watch};
use tokio::task::JoinSet;

use crate::error::StoreError;
use crate::events::QueueEvent;
use crate::jobs::{Heartbeat, RunRecord};
use crate::runner::{CancelFlag, JobRunner, JobSpec, Progress, RunError};
use crate::screening::SharedObjective;
use crate::store::Store;
use crate::types::{EpochMetrics, Job, JobId, JobStatus, ModelId, SessionId, now_ms};

/// How the scheduler behaves.
#[derive(Clone, Debug)]
pub struct SchedulerConfig {
    /// This worker's name in `queue_jobs.claimed_by`. Keep it stable across restarts of the
    /// same installation (jobs it held are then resumed at once) and distinct between
    /// processes that share one database.
    pub worker_id: String,
    /// Jobs trained at once.
    pub concurrency: usize,
    /// Only these sessions' jobs; empty: every session's.
    pub scope: Vec<SessionId>,
    /// The machine's name, recorded with each run.
    pub host: String,
    /// The engine's id of this worker process (e.g. Slurm's `123_4`), recorded with each run.
    pub engine_job: Option<String>,
    /// How long to keep trying while the database cannot be reached (a server restarting, a
    /// dropped connection) before the queue stops with the error.
    pub database_patience: Duration,
    pub heartbeat_every: Duration,
    /// A running job whose heartbeat is older than this belongs to a dead worker.
    pub stale_after: Duration,
    /// How often to look for work queued by other processes.
    pub poll_every: Duration,
    /// Batch events per second per job, at most.
    pub batch_events_per_second: f64,
}

impl SchedulerConfig {
    pub fn new(worker_id: impl Into<String>) -> Self {
        SchedulerConfig {
            worker_id: worker_id.into(),
            concurrency: 1,
            scope: Vec::new(),
            host: host_name(),
            engine_job: None,
            database_patience: Duration::from_secs(300),
            heartbeat_every: Duration::from_secs(2),
            stale_after: Duration::from_secs(30),
            poll_every: Duration::from_millis(500),
            batch_events_per_second: 4.0,
        }
    }
}

/// A worker name stable across restarts on this machine: `local@<hostname>`.
pub fn default_worker_id() -> String {
    format!("local@{}", host_name())
}

/// This machine's name (`localhost` when it has none).
pub fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Runs `op` again while the database cannot be reached, for up to `patience`; any other
/// result (success or another error) is returned at once.
pub(crate) async fn patiently<T, F, Fut>(
    patience: Duration,
    what: &str,
    mut op: F,
) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, StoreError>>,
{
    let started = Instant::now();
    let mut wait = Duration::from_millis(250);
    loop {
        match op().await {
            Err(error) if error.is_unreachable() && started.elapsed() < patience => {
                tracing::warn!(%error, "{what}: the database cannot be reached; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            result => return result,
        }
    }
}

/// When [`Scheduler::run`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunUntil {
    /// When nothing is queued or running (headless `remap session run`).
    Empty,
    /// Only after [`Scheduler::stop`] (the app).
    Stopped,
}

/// Attempts of a job whose worker died (crash, abort, kill) before it is marked failed.
pub const MAX_ATTEMPTS: u32 = 3;

struct Running {
    cancel: CancelFlag,
    /// Distinguishes a user's cancel (job ends `cancelled`) from a shutdown (job goes back
    /// to the queue and resumes later).
    user_cancelled: Arc<AtomicBool>,
}

struct Inner {
    store: Store,
    runner: Arc<dyn JobRunner>,
    config: SchedulerConfig,
    events: broadcast::Sender<QueueEvent>,
    paused: AtomicBool,
    /// Set by [`Scheduler::run`] when it looks at the queue while paused with none of its
    /// jobs running; cleared on resume.
    held: watch::Sender<bool>,
    stopping: AtomicBool,
    /// Jobs trained at once (starts as `config.concurrency`).
    concurrency: AtomicUsize,
    running: Mutex<HashMap<JobId, Running>>,
    wake: Notify,
    /// Signalled whenever a job leaves `running`.
    left: Notify,
    /// What screening ranks by beside validation accuracy (the session's focus).
    objective: std::sync::RwLock<Option<SharedObjective>>,
}

/// The queue's scheduler. Clone it freely; clones share one queue.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

impl Scheduler {
    pub fn new(store: Store, runner: Arc<dyn JobRunner>, config: SchedulerConfig) -> Self {
        let (events, _) = broadcast::channel(1024);
        let jobs = config.concurrency.max(1);
        Scheduler {
            inner: Arc::new(Inner {
                store,
                runner,
                config,
                events,
                paused: AtomicBool::new(false),
                held: watch::Sender::new(false),
                stopping: AtomicBool::new(false),
                concurrency: AtomicUsize::new(jobs),
                running: Mutex::new(HashMap::new()),
                wake: Notify::new(),
                left: Notify::new(),
                objective: std::sync::RwLock::new(None),
            }),
        }
    }

    /// Screening ranks each session's rung results by `objective` from now on.
    pub fn set_objective(&self, objective: SharedObjective) {
        *self.inner.objective.write().expect("objective") = Some(objective);
    }

    /// Promotes the session's screened jobs that their rungs now send on (spec §9.1), by the
    /// objective; called after each screened result and when the objective changes (a new
    /// focus). Returns the promoted jobs, queued and announced.
    pub async fn promote(&self, session_id: SessionId) -> Result<Vec<Job>, StoreError> {
        let promoted = self.inner.promote(session_id).await?;
        if !promoted.is_empty() {
            self.inner.wake.notify_one();
        }
        Ok(promoted)
    }

    /// Events from now on. A receiver that falls behind by more than 1024 events is told so
    /// (`RecvError::Lagged`) and should re-read the store.
    pub fn subscribe(&self) -> broadcast::Receiver<QueueEvent> {
        self.inner.events.subscribe()
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Jobs trained at once from now on (running ones beyond it finish first).
    pub fn set_concurrency(&self, jobs: usize) {
        self.inner.concurrency.store(jobs.max(1), Ordering::SeqCst);
        self.inner.wake.notify_one();
    }

    pub fn concurrency(&self) -> usize {
        self.inner.concurrency.load(Ordering::SeqCst)
    }

    pub fn is_paused(&self) -> bool {
        self.inner.paused.load(Ordering::SeqCst)
    }

    /// Ids of the jobs this scheduler is training now.
    pub fn running_jobs(&self) -> Vec<JobId> {
        let mut ids: Vec<JobId> = self
            .inner
            .running
            .lock()
            .expect("running map")
            .keys()
            .copied()
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Returns once none of `jobs` is training in this scheduler (at once if none is).
    pub async fn until_stopped(&self, jobs: &[JobId]) {
        loop {
            let left = self.inner.left.notified();
            tokio::pin!(left);
            // Registered before looking, so a job leaving in between is not missed.
            left.as_mut().enable();
            if !self.running_jobs().iter().any(|id| jobs.contains(id)) {
                return;
            }
            left.await;
        }
    }

    /// Queues a model (at the end, or at index `at` among queued jobs); with `rung`,
    /// screened: it pauses after that many epochs unless promoted (spec §9.1).
    pub async fn enqueue(
        &self,
        model_id: ModelId,
        at: Option<usize>,
        rung: Option<u32>,
    ) -> Result<Job, StoreError> {
        let job = self.inner.store.enqueue(model_id, at, rung).await?;
        self.inner.announce_job(&job, None);
        if at.is_some() {
            self.inner.announce(QueueEvent::Reordered {
                session_id: job.session_id,
            });
        }
        self.inner.wake.notify_one();
        Ok(job)
    }

    /// Moves a queued job to index `index` among queued jobs.
    pub async fn move_job(&self, job_id: JobId, index: usize) -> Result<(), StoreError> {
        self.inner.store.move_job(job_id, index).await?;
        let job = self.inner.store.job(job_id).await?;
        self.inner.announce(QueueEvent::Reordered {
            session_id: job.session_id,
        });
        Ok(())
    }

    /// Cancels a queued job at once, or a running one within one batch (wherever it runs).
    pub async fn cancel(&self, job_id: JobId) -> Result<JobStatus, StoreError> {
        let status = self.inner.store.cancel_job(job_id).await?;
        match status {
            JobStatus::Cancelled => {
                let job = self.inner.store.job(job_id).await?;
                self.inner.announce_job(&job, None);
            }
            _ => {
                if let Some(running) = self.inner.running.lock().expect("running map").get(&job_id)
                {
                    running.user_cancelled.store(true, Ordering::SeqCst);
                    running.cancel.cancel();
                }
            }
        }
        Ok(status)
    }

    /// Queues a failed, diverged or cancelled job again.
    pub async fn retry(&self, job_id: JobId) -> Result<Job, StoreError> {
        let job = self.inner.store.retry_job(job_id).await?;
        self.inner.announce_job(&job, None);
        self.inner.wake.notify_one();
        Ok(job)
    }

    /// Trains a screened job to the protocol's end, next in the queue, from its checkpoint.
    /// Returns `None` when the job is not screened.
    pub async fn train_to_end(&self, job_id: JobId) -> Result<Option<Job>, StoreError> {
        let job = self.inner.store.train_to_end(job_id).await?;
        if let Some(job) = &job {
            self.inner.announce_job(job, None);
            self.inner.announce(QueueEvent::Reordered {
                session_id: job.session_id,
            });
            self.inner.wake.notify_one();
        }
        Ok(job)
    }

    /// Starts no new jobs until [`Scheduler::resume`]; running ones stop within one batch
    /// and go back to the queue, to resume from their last checkpoint (losing at most the
    /// epoch in progress).
    pub fn pause(&self) {
        if !self.inner.paused.swap(true, Ordering::SeqCst) {
            for running in self.inner.running.lock().expect("running map").values() {
                running.cancel.cancel();
            }
            self.inner.announce(QueueEvent::Paused);
        }
    }

    /// Returns once the queue is paused and [`Scheduler::run`] has since looked at it with
    /// none of its jobs running (they stopped and went back to the queue): from then on it
    /// starts nothing until [`Scheduler::resume`].
    pub async fn until_paused(&self) {
        let mut held = self.inner.held.subscribe();
        // The sender lives as long as `self`, so the wait only ends when held.
        let _ = held.wait_for(|held| *held).await;
    }

    pub fn resume(&self) {
        if self.inner.paused.swap(false, Ordering::SeqCst) {
            self.inner.held.send_replace(false);
            self.inner.announce(QueueEvent::Resumed);
            self.inner.wake.notify_one();
        }
    }

    /// Stops cleanly: no new jobs; running ones stop within a batch and go back to the queue,
    /// to resume from their checkpoints next time. [`Scheduler::run`] then returns.
    pub fn stop(&self) {
        self.inner.stopping.store(true, Ordering::SeqCst);
        for running in self.inner.running.lock().expect("running map").values() {
            running.cancel.cancel();
        }
        self.inner.wake.notify_one();
    }

    /// Trains queued jobs until `until`. First puts back in the queue the jobs a dead
    /// worker (or this one, before a crash) left running.
    pub async fn run(&self, until: RunUntil) -> Result<(), StoreError> {
        let inner = &self.inner;
        let config = &inner.config;
        let mut last_sweep = Instant::now();
        self.requeue_abandoned(true).await?;
        let mut tasks: JoinSet<Result<(), StoreError>> = JoinSet::new();
        let mut failure: Option<StoreError> = None;
        loop {
            let stopping = inner.stopping.load(Ordering::SeqCst);
            if stopping {
                if tasks.is_empty() {
                    break;
                }
            } else if !inner.paused.load(Ordering::SeqCst) {
                while tasks.len() < inner.concurrency.load(Ordering::SeqCst) {
                    let claimed = patiently(config.database_patience, "claiming a job", || {
                        inner.store.claim_next(&config.worker_id, &config.scope)
                    })
                    .await;
                    let job = match claimed {
                        Ok(Some(job)) => job,
                        Ok(None) => break,
                        // Claimed, then deleted with its session before it could be read.
                        Err(StoreError::UnknownJob(id)) => {
                            tracing::info!(job = id, "a claimed job's session was deleted");
                            continue;
                        }
                        Err(error) => return Err(error),
                    };
                    inner.announce_job(&job, None);
                    let running = Running {
                        cancel: CancelFlag::new(),
                        user_cancelled: Arc::new(AtomicBool::new(false)),
                    };
                    if job.cancel_requested {
                        // Cancelled while it was being claimed.
                        running.user_cancelled.store(true, Ordering::SeqCst);
                        running.cancel.cancel();
                    }
                    let cancel = running.cancel.clone();
                    let user_cancelled = running.user_cancelled.clone();
                    inner
                        .running
                        .lock()
                        .expect("running map")
                        .insert(job.id, running);
                    tasks.spawn(train(inner.clone(), job, cancel, user_cancelled));
                }
                if tasks.is_empty() && until == RunUntil::Empty {
                    inner.announce(QueueEvent::Idle);
                    break;
                }
            }
            // Read under the watch's lock, so a resume in between is not overwritten.
            inner.held.send_if_modified(|held| {
                let now = inner.paused.load(Ordering::SeqCst) && tasks.is_empty();
                std::mem::replace(held, now) != now
            });
            if last_sweep.elapsed() >= config.stale_after {
                last_sweep = Instant::now();
                self.requeue_abandoned(false).await?;
            }
            tokio::select! {
                Some(done) = tasks.join_next() => {
                    let outcome = done.unwrap_or_else(|panic| Err(StoreError::Invalid(format!("queue task failed: {panic}"))));
                    if let Err(error) = outcome {
                        tracing::error!(%error, "queue stops");
                        failure.get_or_insert(error);
                        self.stop();
                    }
                }
                _ = inner.wake.notified() => {}
                _ = tokio::time::sleep(config.poll_every) => {}
            }
        }
        match failure {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    async fn requeue_abandoned(&self, restarted: bool) -> Result<(), StoreError> {
        let config = &self.inner.config;
        let stale_before = now_ms() - config.stale_after.as_millis() as i64;
        let worker = restarted.then_some(config.worker_id.as_str());
        let requeued = patiently(config.database_patience, "resuming abandoned jobs", || {
            self.inner
                .store
                .requeue_abandoned(worker, stale_before, &config.scope)
        })
        .await?;
        for job in requeued {
            tracing::info!(
                job = job.id,
                epochs = job.epochs_done,
                "resuming a job left running by a dead worker"
            );
            self.inner.announce_job(&job, None);
        }
        Ok(())
    }
}

impl Inner {
    /// [`Store::promote`] by the objective's score of the session (validation accuracy where
    /// it has none or cannot say), announcing what it queued.
    async fn promote(&self, session_id: SessionId) -> Result<Vec<Job>, StoreError> {
        let objective = self.objective.read().expect("objective").clone();
        let score = match objective {
            Some(objective) => {
                let session = self.store.session(session_id).await?;
                objective.scorer(&session).await.unwrap_or_else(|error| {
                    tracing::warn!(session = session.name, %error, "screening by validation accuracy");
                    None
                })
            }
            None => None,
        };
        let promoted = self.store.promote(session_id, score.as_ref()).await?;
        for job in &promoted {
            self.announce_job(job, None);
        }
        Ok(promoted)
    }

    fn announce(&self, event: QueueEvent) {
        // No listener is not an error: the CLI may run without progress output.
        let _ = self.events.send(event);
    }

    fn announce_job(&self, job: &Job, error: Option<String>) {
        self.announce(QueueEvent::Job {
            job_id: job.id,
            session_id: job.session_id,
            model_id: job.model_id,
            status: job.status,
            error,
        });
    }
}

/// Trains one claimed job to its end and persists how it ended.
async fn train(
    inner: Arc<Inner>,
    job: Job,
    cancel: CancelFlag,
    user_cancelled: Arc<AtomicBool>,
) -> Result<(), StoreError> {
    let result = match train_claimed(&inner, &job, &cancel, &user_cancelled).await {
        // Its session was deleted meanwhile (here or by another process): nothing to keep.
        Err(
            StoreError::UnknownJob(_) | StoreError::UnknownSession(_) | StoreError::UnknownModel(_),
        ) if inner.store.job(job.id).await.is_err() => {
            tracing::info!(
                job = job.id,
                "the job's session was deleted while it trained"
            );
            Ok(())
        }
        result => result,
    };
    inner.running.lock().expect("running map").remove(&job.id);
    inner.left.notify_waiters();
    inner.wake.notify_one();
    result
}

async fn train_claimed(
    inner: &Arc<Inner>,
    job: &Job,
    cancel: &CancelFlag,
    user_cancelled: &Arc<AtomicBool>,
) -> Result<(), StoreError> {
    let store = &inner.store;
    let worker = inner.config.worker_id.clone();
    let patience = inner.config.database_patience;
    let session = patiently(patience, "reading a session", || {
        store.session(job.session_id)
    })
    .await?;
    let model = patiently(patience, "reading a model", || store.model(job.model_id)).await?;
    let epochs_total = model.epochs;
    // The last epoch any worker completed (a database store keeps the checkpoint).
    patiently(patience, "restoring a checkpoint", || {
        store.restore_checkpoint(job)
    })
    .await?;
    let spec = JobSpec {
        job: job.clone(),
        session,
        model,
        checkpoint_path: store.checkpoint_path(job.id),
    };
    let started_at = now_ms();
    let clock = Instant::now();

    let (progress_tx, progress_rx) = mpsc::unbounded_channel::<Progress>();
    let forwarder = tokio::spawn(forward_progress(
        inner.clone(),
        job.clone(),
        epochs_total,
        progress_rx,
    ));

    let lost = Arc::new(AtomicBool::new(false));
    let heartbeat = tokio::spawn(keep_alive(
        inner.clone(),
        job.clone(),
        cancel.clone(),
        user_cancelled.clone(),
        lost.clone(),
    ));

    // The runner runs in its own task so that a panic in it fails this job, not the queue.
    let runner = inner.runner.clone();
    let runner_cancel = cancel.clone();
    let outcome = tokio::spawn(async move {
        let report = reporter(progress_tx, runner_cancel.clone());
        runner.run(&spec, &report, &runner_cancel).await
    })
    .await
    .unwrap_or_else(|panic| Err(RunError::Failed(format!("the trainer crashed: {panic}"))));
    heartbeat.abort();
    // All epochs reported are persisted before the job's end is; a forwarder that failed
    // fails the job, keeping the epochs it did persist.
    let (epochs, outcome) = match forwarded(forwarder.await) {
        Ok(epochs) => (epochs, outcome),
        Err(error) => {
            tracing::error!(job = job.id, %error, "the job's progress was not recorded");
            let stored = patiently(patience, "reading a job", || store.job(job.id)).await?;
            (stored.progress, Err(error))
        }
    };
    if lost.load(Ordering::SeqCst) {
        tracing::warn!(job = job.id, "claim lost to another worker; result dropped");
        return Ok(());
    }

    let base = RunRecord {
        started_at,
        train_seconds: clock.elapsed().as_secs_f64(),
        host: Some(inner.config.host.clone()),
        engine_job: inner.config.engine_job.clone(),
        ..RunRecord::default()
    };
    let record = match outcome {
        Ok(outcome) => RunRecord {
            status: Some(if outcome.diverged {
                JobStatus::Diverged
            } else if outcome.paused {
                JobStatus::Screened
            } else {
                JobStatus::Done
            }),
            epochs: outcome.epochs,
            per_class_accuracy: Some(outcome.per_class_accuracy),
            confusion: Some(outcome.confusion),
            predictions: Some(outcome.predictions),
            log_probs: outcome.log_probs,
            weights: outcome.weights,
            device: outcome.device,
            ..base
        },
        Err(RunError::Stopped) => {
            let by_user = user_cancelled.load(Ordering::SeqCst)
                || patiently(patience, "reading a job", || store.job(job.id))
                    .await?
                    .cancel_requested;
            if !by_user {
                if patiently(patience, "releasing a job", || {
                    store.release_job(job, &worker)
                })
                .await?
                {
                    let mut requeued = job.clone();
                    requeued.status = JobStatus::Queued;
                    inner.announce_job(&requeued, None);
                }
                return Ok(());
            }
            RunRecord {
                status: Some(JobStatus::Cancelled),
                epochs,
                ..base
            }
        }
        Err(RunError::Lost(error)) if job.attempts < MAX_ATTEMPTS => {
            tracing::warn!(job = job.id, %error, "the worker died; the job goes back to the queue");
            if patiently(patience, "releasing a job", || {
                store.release_job(job, &worker)
            })
            .await?
            {
                let mut requeued = job.clone();
                requeued.status = JobStatus::Queued;
                inner.announce_job(&requeued, Some(error));
            }
            return Ok(());
        }
        Err(RunError::Failed(error) | RunError::Lost(error)) => RunRecord {
            status: Some(JobStatus::Failed),
            epochs,
            error: Some(error),
            ..base
        },
    };
    let error = record.error.clone();
    let finished = patiently(patience, "storing a result", || {
        store.finish_job(job, &worker, record.clone())
    })
    .await?;
    if let Some(run) = finished {
        let mut finished = job.clone();
        finished.status = run.status;
        inner.announce_job(&finished, error);
    }
    if job.rung.is_some() {
        patiently(patience, "promoting", || inner.promote(job.session_id)).await?;
    }
    Ok(())
}

/// Hands a runner's progress to the forwarder; should the forwarder be gone (it failed),
/// stops the runner, as nothing it reports would be recorded.
fn reporter(
    forwarder: mpsc::UnboundedSender<Progress>,
    cancel: CancelFlag,
) -> impl Fn(Progress) + Send + Sync {
    move |progress| {
        if forwarder.send(progress).is_err() {
            cancel.cancel();
        }
    }
}

/// The epochs the forwarder persisted, or why the job fails: the forwarder failed.
fn forwarded(
    joined: Result<Vec<EpochMetrics>, tokio::task::JoinError>,
) -> Result<Vec<EpochMetrics>, RunError> {
    joined.map_err(|failure| {
        RunError::Failed(format!(
            "recording the job's progress failed ({failure}); its epochs may be missing"
        ))
    })
}

/// Heartbeats while the job runs; stops the runner when the job is cancelled elsewhere
/// (another process) or the claim is lost.
async fn keep_alive(
    inner: Arc<Inner>,
    job: Job,
    cancel: CancelFlag,
    user_cancelled: Arc<AtomicBool>,
    lost: Arc<AtomicBool>,
) {
    let worker = inner.config.worker_id.clone();
    loop {
        tokio::time::sleep(inner.config.heartbeat_every).await;
        match inner.store.heartbeat(&job, &worker).await {
            Ok(Heartbeat::Held {
                cancel_requested: false,
            }) => {}
            Ok(Heartbeat::Held {
                cancel_requested: true,
            }) => {
                user_cancelled.store(true, Ordering::SeqCst);
                cancel.cancel();
            }
            Ok(Heartbeat::Lost) => {
                lost.store(true, Ordering::SeqCst);
                cancel.cancel();
                return;
            }
            Err(error) => tracing::warn!(job = job.id, %error, "heartbeat failed"),
        }
    }
}

/// Persists epochs and announces progress with an estimated remaining time. Returns the
/// epochs known when the runner ended.
async fn forward_progress(
    inner: Arc<Inner>,
    job: Job,
    epochs_total: u32,
    mut progress: mpsc::UnboundedReceiver<Progress>,
) -> Vec<EpochMetrics> {
    let worker = inner.config.worker_id.clone();
    let min_gap = Duration::from_secs_f64(1.0 / inner.config.batch_events_per_second.max(0.1));
    let mut epochs = job.progress.clone();
    let mut throughput = Throughput::new();
    let mut last_batch_event: Option<Instant> = None;
    while let Some(report) = progress.recv().await {
        match report {
            Progress::Batch {
                epoch,
                batch,
                batches,
            } => {
                throughput.batch(batches);
                let due =
                    last_batch_event.is_none_or(|at| at.elapsed() >= min_gap) || batch == batches;
                if due {
                    last_batch_event = Some(Instant::now());
                    let remaining = u64::from(epochs_total.saturating_sub(epoch))
                        * u64::from(batches)
                        + u64::from(batches.saturating_sub(batch));
                    inner.announce(QueueEvent::Batch {
                        job_id: job.id,
                        epoch,
                        epochs: epochs_total,
                        batch,
                        batches,
                        eta_seconds: throughput.eta(remaining),
                    });
                }
            }
            Progress::Epoch(metrics) => {
                // A resumed runner may re-report an epoch; the newest report of an epoch wins.
                epochs.retain(|known| known.epoch < metrics.epoch);
                epochs.push(metrics.clone());
                match inner.store.record_epochs(&job, &worker, &epochs).await {
                    Ok(true) => {
                        if let Err(error) = inner.store.save_checkpoint(&job).await {
                            tracing::warn!(job = job.id, %error, "could not store a checkpoint");
                        }
                    }
                    Ok(false) => continue,
                    Err(error) => {
                        tracing::warn!(job = job.id, %error, "could not record an epoch");
                        continue;
                    }
                }
                let remaining = u64::from(epochs_total.saturating_sub(metrics.epoch))
                    * throughput.batches_per_epoch;
                let eta_seconds = throughput.eta(remaining);
                inner.announce(QueueEvent::Epoch {
                    job_id: job.id,
                    metrics,
                    epochs: epochs_total,
                    eta_seconds,
                });
            }
        }
    }
    epochs
}

/// Measured batches per second of the current attempt.
struct Throughput {
    started: Instant,
    batches: u64,
    batches_per_epoch: u64,
}

impl Throughput {
    fn new() -> Self {
        Throughput {
            started: Instant::now(),
            batches: 0,
            batches_per_epoch: 0,
        }
    }

    fn batch(&mut self, batches_per_epoch: u32) {
        self.batches += 1;
        self.batches_per_epoch = u64::from(batches_per_epoch);
    }

    /// Seconds for `remaining` batches at the measured rate; `None` before any measurement.
    fn eta(&self, remaining: u64) -> Option<f64> {
        let elapsed = self.started.elapsed().as_secs_f64();
        (self.batches > 0 && elapsed > 0.0)
            .then(|| remaining as f64 * elapsed / self.batches as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch() -> EpochMetrics {
        EpochMetrics {
            epoch: 1,
            train_loss: 1.0,
            train_accuracy: 0.5,
            val_loss: 1.0,
            val_accuracy: 0.5,
            seconds: 0.1,
        }
    }

    #[tokio::test]
    async fn a_failed_forwarder_fails_the_job_with_its_reason() {
        let crashed = tokio::spawn(async { panic!("the forwarder broke") }).await;
        match forwarded(crashed) {
            Err(RunError::Failed(reason)) => {
                assert!(reason.contains("the forwarder broke"), "{reason}");
            }
            other => panic!("not failed: {other:?}"),
        }
        let epochs = vec![epoch()];
        assert_eq!(forwarded(Ok(epochs.clone())).unwrap(), epochs);
    }

    #[test]
    fn a_runner_stops_once_its_forwarder_is_gone() {
        let (tx, rx) = mpsc::unbounded_channel();
        let cancel = CancelFlag::new();
        let report = reporter(tx, cancel.clone());
        report(Progress::Epoch(epoch()));
        assert!(!cancel.is_cancelled(), "the forwarder is listening");
        drop(rx);
        report(Progress::Epoch(epoch()));
        assert!(cancel.is_cancelled());
    }
}
