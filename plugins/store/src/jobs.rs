//! The queue's persistent state: enqueue, order, cancel, retry, and the one narrow
//! interface through which workers (threads or processes) take work: [`Store::claim_next`].
//!
//! Every change is a conditional UPDATE whose affected-row count says whether it won, so
//! several processes may share one PostgreSQL queue: two workers never hold one job, and a
//! worker whose claim was taken back (stale heartbeat) can neither report progress nor
//! finish the job.

use std::path::PathBuf;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use crate::convert::{self, to_json};
use crate::entities::{queue_job, training_run};
use crate::error::StoreError;
use crate::files::write_atomic;
use crate::store::Store;
use crate::types::{EpochMetrics, Job, JobId, JobStatus, ModelId, SessionId, TrainingRun, now_ms};

use queue_job::Column as C;

/// What a finished attempt leaves behind, as [`Store::finish_job`] persists it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunRecord {
    /// `Done`, `Diverged`, `Failed` or `Cancelled`.
    pub status: Option<JobStatus>,
    pub epochs: Vec<EpochMetrics>,
    pub per_class_accuracy: Option<Vec<f64>>,
    pub confusion: Option<Vec<Vec<u64>>>,
    pub predictions: Option<Vec<u8>>,
    /// Trained weights, written next to the database.
    pub weights: Option<Vec<u8>>,
    pub device: String,
    pub started_at: i64,
    pub train_seconds: f64,
    pub error: Option<String>,
}

/// What a worker learns from a heartbeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heartbeat {
    /// The job is still this worker's; `cancel_requested` says whether to stop it.
    Held { cancel_requested: bool },
    /// The claim was taken back (the worker looked dead); stop without reporting.
    Lost,
}

/// The guard every worker-side update carries: this job, running, claimed by this
/// worker, in this attempt.
fn held_by(job: &Job, worker: &str) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(C::Id.eq(job.id))
        .add(C::Status.eq(JobStatus::Running.name()))
        .add(C::ClaimedBy.eq(worker))
        .add(C::Attempts.eq(job.attempts as i32))
}

impl Store {
    /// The job with id `id`.
    pub async fn job(&self, id: JobId) -> Result<Job, StoreError> {
        queue_job::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .map(convert::job)
            .transpose()?
            .ok_or(StoreError::UnknownJob(id))
    }

    /// Every job of a session (the queue and its history), in queue order.
    pub async fn jobs(&self, session_id: SessionId) -> Result<Vec<Job>, StoreError> {
        queue_job::Entity::find()
            .filter(C::SessionId.eq(session_id))
            .order_by_asc(C::Position)
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(convert::job)
            .collect()
    }

    /// Every job of a model, oldest first.
    pub async fn jobs_of_model(&self, model_id: ModelId) -> Result<Vec<Job>, StoreError> {
        queue_job::Entity::find()
            .filter(C::ModelId.eq(model_id))
            .order_by_asc(C::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(convert::job)
            .collect()
    }

    /// Queues a model to train: at the end, or at index `at` among the session's queued jobs.
    pub async fn enqueue(&self, model_id: ModelId, at: Option<usize>) -> Result<Job, StoreError> {
        let model = self.model(model_id).await?;
        let last: Option<i64> = queue_job::Entity::find()
            .select_only()
            .column_as(C::Position.max(), "max")
            .filter(C::SessionId.eq(model.session_id))
            .into_tuple::<Option<i64>>()
            .one(&self.db)
            .await?
            .flatten();
        let now = now_ms();
        let row = queue_job::ActiveModel {
            session_id: Set(model.session_id),
            model_id: Set(model_id),
            // Ties (two processes enqueueing at once) are broken by id, so order stays total.
            position: Set(last.map_or(0, |last| last + 1)),
            status: Set(JobStatus::Queued.name().into()),
            attempts: Set(0),
            claimed_by: Set(None),
            heartbeat: Set(None),
            cancel_requested: Set(false),
            epochs_done: Set(0),
            progress: Set("[]".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        if let Some(index) = at {
            self.move_job(row.id, index).await?;
        }
        self.job(row.id).await
    }

    /// Moves a queued job to index `index` among its session's queued jobs (clamped).
    pub async fn move_job(&self, id: JobId, index: usize) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        // Writing first takes SQLite's write lock before reading, so the read cannot go stale.
        let touched = queue_job::Entity::update_many()
            .col_expr(C::UpdatedAt, Expr::value(now_ms()))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq(JobStatus::Queued.name()))
            .exec(&txn)
            .await?;
        if touched.rows_affected == 0 {
            drop(txn);
            let job = self.job(id).await?;
            return Err(StoreError::JobState {
                id,
                status: job.status,
                action: "move",
            });
        }
        let session_id = queue_job::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|job| job.session_id);
        let queued = queue_job::Entity::find()
            .filter(C::SessionId.eq(session_id))
            .filter(C::Status.eq(JobStatus::Queued.name()))
            .order_by_asc(C::Position)
            .order_by_asc(C::Id)
            .all(&txn)
            .await?;
        let base = queued.first().map_or(0, |job| job.position);
        let mut order: Vec<&queue_job::Model> = queued.iter().filter(|job| job.id != id).collect();
        let moved = queued
            .iter()
            .find(|job| job.id == id)
            .expect("the touched job is queued");
        order.insert(index.min(order.len()), moved);
        for (offset, job) in order.iter().enumerate() {
            let position = base + offset as i64;
            if job.position != position {
                queue_job::Entity::update_many()
                    .col_expr(C::Position, Expr::value(position))
                    .filter(C::Id.eq(job.id))
                    .exec(&txn)
                    .await?;
            }
        }
        txn.commit().await?;
        Ok(())
    }

    /// Cancels a job. A queued one is cancelled at once (returns `Cancelled`); a running one
    /// gets its cancel flag set, and its worker stops it within one batch (returns `Running`).
    pub async fn cancel_job(&self, id: JobId) -> Result<JobStatus, StoreError> {
        let now = now_ms();
        // Two conditional updates: whichever matches the job's current state wins, so a job
        // claimed between the two is still caught by the second.
        let queued = queue_job::Entity::update_many()
            .col_expr(C::Status, Expr::value(JobStatus::Cancelled.name()))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq(JobStatus::Queued.name()))
            .exec(&self.db)
            .await?;
        if queued.rows_affected == 1 {
            return Ok(JobStatus::Cancelled);
        }
        let running = queue_job::Entity::update_many()
            .col_expr(C::CancelRequested, Expr::value(true))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq(JobStatus::Running.name()))
            .exec(&self.db)
            .await?;
        if running.rows_affected == 1 {
            return Ok(JobStatus::Running);
        }
        let job = self.job(id).await?;
        Err(StoreError::JobState {
            id,
            status: job.status,
            action: "cancel",
        })
    }

    /// Queues a failed, diverged or cancelled job again, at the end, to train from scratch.
    pub async fn retry_job(&self, id: JobId) -> Result<Job, StoreError> {
        let txn = self.db.begin().await?;
        let retried = queue_job::Entity::update_many()
            .col_expr(C::Status, Expr::value(JobStatus::Queued.name()))
            .col_expr(C::CancelRequested, Expr::value(false))
            .col_expr(C::ClaimedBy, Expr::value(Option::<String>::None))
            .col_expr(C::Heartbeat, Expr::value(Option::<i64>::None))
            .col_expr(C::EpochsDone, Expr::value(0))
            .col_expr(C::Progress, Expr::value("[]"))
            .col_expr(C::UpdatedAt, Expr::value(now_ms()))
            .filter(C::Id.eq(id))
            .filter(C::Status.is_in([
                JobStatus::Failed.name(),
                JobStatus::Cancelled.name(),
                JobStatus::Diverged.name(),
            ]))
            .exec(&txn)
            .await?;
        if retried.rows_affected == 0 {
            drop(txn);
            let job = self.job(id).await?;
            return Err(StoreError::JobState {
                id,
                status: job.status,
                action: "retry",
            });
        }
        let session_id = queue_job::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .map(|job| job.session_id);
        let last: Option<i64> = queue_job::Entity::find()
            .select_only()
            .column_as(C::Position.max(), "max")
            .filter(C::SessionId.eq(session_id))
            .into_tuple::<Option<i64>>()
            .one(&txn)
            .await?
            .flatten();
        queue_job::Entity::update_many()
            .col_expr(C::Position, Expr::value(last.unwrap_or(0) + 1))
            .filter(C::Id.eq(id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        remove_if_present(&self.checkpoint_path(id))?;
        self.job(id).await
    }

    /// Takes the first queued job (by position) for `worker`, atomically: of several
    /// workers racing for it exactly one gets it, the others move on to the next.
    /// `scope` limits the search to one session.
    pub async fn claim_next(
        &self,
        worker: &str,
        scope: Option<SessionId>,
    ) -> Result<Option<Job>, StoreError> {
        loop {
            let mut first =
                queue_job::Entity::find().filter(C::Status.eq(JobStatus::Queued.name()));
            if let Some(session_id) = scope {
                first = first.filter(C::SessionId.eq(session_id));
            }
            let Some(candidate) = first
                .order_by_asc(C::Position)
                .order_by_asc(C::Id)
                .one(&self.db)
                .await?
            else {
                return Ok(None);
            };
            let now = now_ms();
            let claimed = queue_job::Entity::update_many()
                .col_expr(C::Status, Expr::value(JobStatus::Running.name()))
                .col_expr(C::ClaimedBy, Expr::value(worker))
                .col_expr(C::Heartbeat, Expr::value(now))
                .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
                .col_expr(C::UpdatedAt, Expr::value(now))
                .filter(C::Id.eq(candidate.id))
                .filter(C::Status.eq(JobStatus::Queued.name()))
                .exec(&self.db)
                .await?;
            if claimed.rows_affected == 1 {
                return self.job(candidate.id).await.map(Some);
            }
            // Another worker took (or someone cancelled) this one first: try the next.
        }
    }

    /// Proves `worker` is alive and learns whether the job should stop.
    pub async fn heartbeat(&self, job: &Job, worker: &str) -> Result<Heartbeat, StoreError> {
        let updated = queue_job::Entity::update_many()
            .col_expr(C::Heartbeat, Expr::value(now_ms()))
            .filter(held_by(job, worker))
            .exec(&self.db)
            .await?;
        if updated.rows_affected == 0 {
            return Ok(Heartbeat::Lost);
        }
        let cancel_requested = self.job(job.id).await?.cancel_requested;
        Ok(Heartbeat::Held { cancel_requested })
    }

    /// Records the completed epochs of a running job; `false` when the claim was lost.
    pub async fn record_epochs(
        &self,
        job: &Job,
        worker: &str,
        epochs: &[EpochMetrics],
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let updated = queue_job::Entity::update_many()
            .col_expr(C::EpochsDone, Expr::value(epochs.len() as i32))
            .col_expr(C::Progress, Expr::value(to_json(&epochs)))
            .col_expr(C::Heartbeat, Expr::value(now))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(held_by(job, worker))
            .exec(&self.db)
            .await?;
        Ok(updated.rows_affected == 1)
    }

    /// Gives a running job back to the queue (clean shutdown); it resumes from its checkpoint.
    pub async fn release_job(&self, job: &Job, worker: &str) -> Result<bool, StoreError> {
        let updated = queue_job::Entity::update_many()
            .col_expr(C::Status, Expr::value(JobStatus::Queued.name()))
            .col_expr(C::ClaimedBy, Expr::value(Option::<String>::None))
            .col_expr(C::Heartbeat, Expr::value(Option::<i64>::None))
            .col_expr(C::UpdatedAt, Expr::value(now_ms()))
            .filter(held_by(job, worker))
            .exec(&self.db)
            .await?;
        Ok(updated.rows_affected == 1)
    }

    /// Puts back in the queue the jobs left `running` by a dead worker: those whose
    /// heartbeat is older than `stale_before` (Unix ms), and those claimed by
    /// `restarted_worker` (this worker, starting again: whatever it held died with it).
    /// Returns them; each resumes from its checkpoint.
    pub async fn requeue_abandoned(
        &self,
        restarted_worker: Option<&str>,
        stale_before: i64,
        scope: Option<SessionId>,
    ) -> Result<Vec<Job>, StoreError> {
        let mut abandoned = sea_orm::Condition::any()
            .add(C::ClaimedBy.is_null())
            .add(C::Heartbeat.is_null())
            .add(C::Heartbeat.lt(stale_before));
        if let Some(worker) = restarted_worker {
            abandoned = abandoned.add(C::ClaimedBy.eq(worker));
        }
        let mut candidates = queue_job::Entity::find()
            .filter(C::Status.eq(JobStatus::Running.name()))
            .filter(abandoned.clone());
        if let Some(session_id) = scope {
            candidates = candidates.filter(C::SessionId.eq(session_id));
        }
        let mut requeued = Vec::new();
        for row in candidates.all(&self.db).await? {
            let updated = queue_job::Entity::update_many()
                .col_expr(C::Status, Expr::value(JobStatus::Queued.name()))
                .col_expr(C::ClaimedBy, Expr::value(Option::<String>::None))
                .col_expr(C::Heartbeat, Expr::value(Option::<i64>::None))
                .col_expr(C::UpdatedAt, Expr::value(now_ms()))
                .filter(C::Id.eq(row.id))
                .filter(C::Status.eq(JobStatus::Running.name()))
                .filter(C::Attempts.eq(row.attempts))
                .filter(abandoned.clone())
                .exec(&self.db)
                .await?;
            if updated.rows_affected == 1 {
                requeued.push(self.job(row.id).await?);
            }
        }
        Ok(requeued)
    }

    /// Ends a running attempt: writes its weights, then in one transaction marks the job
    /// and inserts its training run. Returns `None` (and stores nothing) when the claim was
    /// lost, so a result is never stored twice.
    pub async fn finish_job(
        &self,
        job: &Job,
        worker: &str,
        record: RunRecord,
    ) -> Result<Option<TrainingRun>, StoreError> {
        let status = record.status.unwrap_or(JobStatus::Done);
        if !status.is_final() {
            return Err(StoreError::Invalid(format!(
                "job {} cannot finish as {status}",
                job.id
            )));
        }
        let weights_path = match &record.weights {
            Some(bytes) => {
                let path = self.weights_path(job);
                write_atomic(&path, bytes)?;
                Some(path)
            }
            None => None,
        };
        let now = now_ms();
        let txn = self.db.begin().await?;
        let updated = queue_job::Entity::update_many()
            .col_expr(C::Status, Expr::value(status.name()))
            .col_expr(C::EpochsDone, Expr::value(record.epochs.len() as i32))
            .col_expr(C::Progress, Expr::value(to_json(&record.epochs)))
            .col_expr(C::Heartbeat, Expr::value(now))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(held_by(job, worker))
            .exec(&txn)
            .await?;
        if updated.rows_affected == 0 {
            drop(txn);
            return Ok(None);
        }
        let row = training_run::ActiveModel {
            model_id: Set(job.model_id),
            job_id: Set(Some(job.id)),
            attempt: Set(job.attempts as i32),
            status: Set(status.name().into()),
            epochs: Set(to_json(&record.epochs)),
            per_class_accuracy: Set(record.per_class_accuracy.as_ref().map(to_json)),
            confusion: Set(record.confusion.as_ref().map(to_json)),
            predictions: Set(record.predictions),
            device: Set(record.device),
            started_at: Set(record.started_at),
            finished_at: Set(now),
            train_seconds: Set(record.train_seconds),
            error: Set(record.error),
            weights_path: Set(weights_path.map(|path| path.display().to_string())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        // The result is stored; the checkpoint has served its purpose.
        remove_if_present(&self.checkpoint_path(job.id))?;
        convert::run(row).map(Some)
    }

    /// Where the runner keeps a job's last completed-epoch checkpoint.
    pub fn checkpoint_path(&self, job_id: JobId) -> PathBuf {
        self.files_dir()
            .join("checkpoints")
            .join(format!("job-{job_id}.ckpt"))
    }

    /// Where a finished attempt's weights are written (unique per attempt, never overwritten).
    pub fn weights_path(&self, job: &Job) -> PathBuf {
        self.files_dir().join("weights").join(format!(
            "model-{}-job-{}-attempt-{}.bin",
            job.model_id, job.id, job.attempts
        ))
    }
}

fn remove_if_present(path: &std::path::Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(StoreError::Io {
            path: path.to_path_buf(),
            source: error,
        }),
        _ => Ok(()),
    }
}
