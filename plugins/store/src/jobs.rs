//! The queue's persistent state: enqueue, order, cancel, retry, and the one narrow
//! interface through which workers (threads or processes) take work: [`Store::claim_next`].
//!
//! Every change is a conditional UPDATE whose affected-row count says whether it won, so
//! several processes may share one PostgreSQL queue: two workers never hold one job, and a
//! worker whose claim was taken back (stale heartbeat) can neither report progress nor
//! finish the job.

use std::path::PathBuf;

use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::convert::{self, to_json};
use crate::entities::{queue_job, training_run};
use crate::error::StoreError;
use crate::screening;
use crate::store::Store;
use crate::types::{EpochMetrics, Job, JobId, JobStatus, ModelId, SessionId, TrainingRun, now_ms};

use queue_job::Column as C;

/// What a finished attempt leaves behind, as [`Store::finish_job`] persists it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunRecord {
    /// `Done`, `Diverged`, `Failed` or `Cancelled`.
    pub status: Option<JobStatus>,
    pub epochs: Vec<EpochMetrics>,
    pub per_class_accuracy: Option<Vec<Option<f64>>>,
    pub confusion: Option<Vec<Vec<u64>>>,
    pub predictions: Option<Vec<u8>>,
    pub log_probs: Option<Vec<u8>>,
    /// Trained weights, written next to the database.
    pub weights: Option<Vec<u8>>,
    pub device: String,
    pub started_at: i64,
    pub train_seconds: f64,
    pub error: Option<String>,
    /// The machine that trained it.
    pub host: Option<String>,
    /// The engine's id of the worker that trained it, e.g. Slurm's `123_4`.
    pub engine_job: Option<String>,
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
    /// With `rung`, the job is screened: it pauses after that many epochs (spec §9.1).
    pub async fn enqueue(
        &self,
        model_id: ModelId,
        at: Option<usize>,
        rung: Option<u32>,
    ) -> Result<Job, StoreError> {
        let model = self.model(model_id).await?;
        let last = last_position(&self.db, model.session_id).await?;
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
            rung: Set(rung.map(|epochs| epochs as i32)),
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
        let last = last_position(&txn, session_id).await?;
        queue_job::Entity::update_many()
            .col_expr(C::Position, Expr::value(last.unwrap_or(0) + 1))
            .filter(C::Id.eq(id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        self.remove_checkpoint(id).await?;
        self.job(id).await
    }

    /// Takes the first queued job (by position) for `worker`, atomically: of several
    /// workers racing for it exactly one gets it, the others move on to the next.
    /// A non-empty `scope` limits the search to those sessions.
    ///
    /// On PostgreSQL the candidate is read with `FOR UPDATE SKIP LOCKED` inside the claiming
    /// transaction, so racing workers skip a row another is claiming instead of waiting for
    /// it or retrying it (spec §9.2). SQLite has no row locks: there the conditional UPDATE
    /// alone decides, and a loser tries the next row.
    pub async fn claim_next(
        &self,
        worker: &str,
        scope: &[SessionId],
    ) -> Result<Option<Job>, StoreError> {
        loop {
            let claimed = if self.db.get_database_backend() == DbBackend::Postgres {
                let txn = self.db.begin().await?;
                let claimed = claim_first(&txn, worker, scope).await?;
                txn.commit().await?;
                claimed
            } else {
                claim_first(&self.db, worker, scope).await?
            };
            match claimed {
                Claim::Won(id) => return self.job(id).await.map(Some),
                Claim::Empty => return Ok(None),
                // Another worker took (or someone cancelled) this one first: try the next.
                Claim::Lost => {}
            }
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
        scope: &[SessionId],
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
        if !scope.is_empty() {
            candidates = candidates.filter(C::SessionId.is_in(scope.iter().copied()));
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
        let weights = match &record.weights {
            Some(bytes) => Some(self.put_weights(&txn, job, bytes).await?),
            None => None,
        };
        let row = training_run::ActiveModel {
            model_id: Set(job.model_id),
            job_id: Set(Some(job.id)),
            attempt: Set(job.attempts as i32),
            status: Set(status.name().into()),
            epochs: Set(to_json(&record.epochs)),
            per_class_accuracy: Set(record.per_class_accuracy.as_ref().map(to_json)),
            confusion: Set(record.confusion.as_ref().map(to_json)),
            predictions: Set(record.predictions),
            log_probs: Set(record.log_probs),
            device: Set(record.device),
            started_at: Set(record.started_at),
            finished_at: Set(now),
            train_seconds: Set(record.train_seconds),
            error: Set(record.error),
            weights_path: Set(weights.map(|weights| weights.to_column())),
            host: Set(record.host),
            engine_job: Set(record.engine_job),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        // The result is stored; the checkpoint has served its purpose, unless screening
        // paused the job, which a promotion continues from it.
        if status != JobStatus::Screened {
            self.remove_checkpoint(job.id).await?;
        }
        convert::run(row).map(Some)
    }

    /// Promotes the session's screened jobs that [`screening::promotions`] sends to their next
    /// rung, queueing them after the jobs already waiting (so every model gets its first
    /// result first). The session's screened jobs form one cohort: the initial sample and
    /// every generated batch, which competes with its parents'. Returns the promoted jobs.
    ///
    /// `score` ranks each rung's results (the focus accuracy of the run that stopped at the
    /// rung); without it, or for a run it cannot score, the validation accuracy at the rung.
    pub async fn promote(
        &self,
        session_id: SessionId,
        score: Option<&screening::RunScore>,
    ) -> Result<Vec<Job>, StoreError> {
        let jobs = self.jobs(session_id).await?;
        let runs = match score {
            Some(_) => self.runs(session_id).await?,
            None => Vec::new(),
        };
        let cohort: Vec<&Job> = jobs.iter().filter(|job| job.rung.is_some()).collect();
        let mut rungs: Vec<u32> = cohort.iter().filter_map(|job| job.rung).collect();
        rungs.sort_unstable();
        rungs.dedup();
        let mut promoted = Vec::new();
        for rung in rungs {
            let contenders: Vec<screening::Contender> = cohort
                .iter()
                .map(|job| screening::Contender {
                    job: job.id,
                    score: screening::rung_score(job, rung, &runs, score),
                    waiting: job.status == JobStatus::Screened && job.rung == Some(rung),
                    pending: matches!(job.status, JobStatus::Queued | JobStatus::Running)
                        && job.epochs_done < rung,
                })
                .collect();
            for id in screening::promotions(&contenders) {
                let job = cohort.iter().find(|job| job.id == id).expect("a contender");
                let epochs = self.model(job.model_id).await?.epochs;
                let Some(next) = screening::next_rung(rung, epochs) else {
                    continue;
                };
                if let Some(job) = self.requeue_screened(id, Some(rung), next, None).await? {
                    promoted.push(job);
                }
            }
        }
        Ok(promoted)
    }

    /// Trains a screened job to the protocol's end, next in the queue (the user asked).
    /// Returns `None` when it is not screened (any more).
    pub async fn train_to_end(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        let job = self.job(id).await?;
        let epochs = self.model(job.model_id).await?.epochs;
        self.requeue_screened(id, None, epochs, Some(0)).await
    }

    /// Queues screened job `id` (at rung `from`, if given) to train up to `rung`, at the end
    /// or at index `at` among queued jobs; it resumes from its checkpoint.
    async fn requeue_screened(
        &self,
        id: JobId,
        from: Option<u32>,
        rung: u32,
        at: Option<usize>,
    ) -> Result<Option<Job>, StoreError> {
        let session_id = self.job(id).await?.session_id;
        let last = last_position(&self.db, session_id).await?;
        let mut update = queue_job::Entity::update_many()
            .col_expr(C::Status, Expr::value(JobStatus::Queued.name()))
            .col_expr(C::Rung, Expr::value(rung as i32))
            .col_expr(C::Position, Expr::value(last.map_or(0, |last| last + 1)))
            .col_expr(C::ClaimedBy, Expr::value(Option::<String>::None))
            .col_expr(C::Heartbeat, Expr::value(Option::<i64>::None))
            .col_expr(C::UpdatedAt, Expr::value(now_ms()))
            .filter(C::Id.eq(id))
            .filter(C::Status.eq(JobStatus::Screened.name()));
        if let Some(from) = from {
            update = update.filter(C::Rung.eq(from as i32));
        }
        if update.exec(&self.db).await?.rows_affected == 0 {
            return Ok(None);
        }
        if let Some(index) = at {
            self.move_job(id, index).await?;
        }
        self.job(id).await.map(Some)
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

/// The highest queue position in a session (over all its jobs), if it has any.
async fn last_position(
    db: &impl sea_orm::ConnectionTrait,
    session_id: impl Into<sea_orm::Value>,
) -> Result<Option<i64>, StoreError> {
    Ok(queue_job::Entity::find()
        .select_only()
        .column_as(C::Position.max(), "max")
        .filter(C::SessionId.eq(session_id))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten())
}

/// What one attempt to claim the first queued job gave.
enum Claim {
    Won(JobId),
    Lost,
    Empty,
}

/// Reads the first queued job in `scope` (skipping rows locked by another claimer where the
/// database has row locks) and claims it for `worker` if it is still queued.
async fn claim_first<Db: ConnectionTrait>(
    conn: &Db,
    worker: &str,
    scope: &[SessionId],
) -> Result<Claim, StoreError> {
    let mut first = queue_job::Entity::find().filter(C::Status.eq(JobStatus::Queued.name()));
    if !scope.is_empty() {
        first = first.filter(C::SessionId.is_in(scope.iter().copied()));
    }
    let Some(candidate) = first
        .order_by_asc(C::Position)
        .order_by_asc(C::Id)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .one(conn)
        .await?
    else {
        return Ok(Claim::Empty);
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
        .exec(conn)
        .await?;
    Ok(if claimed.rows_affected == 1 {
        Claim::Won(candidate.id)
    } else {
        Claim::Lost
    })
}
