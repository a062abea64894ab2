//! What the queue announces (after persisting it) to the UI, the CLI and tests.

use serde::Serialize;
use ts_rs::TS;

use crate::types::{EpochMetrics, JobId, JobStatus, ModelId, SessionId};

/// An event of the queue, sent on a tokio broadcast channel.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum QueueEvent {
    /// A job changed state (queued, running, done, …); `error` is a failed job's reason.
    Job {
        job_id: JobId,
        session_id: SessionId,
        model_id: ModelId,
        status: JobStatus,
        error: Option<String>,
    },
    /// Queued jobs of a session were reordered.
    Reordered {
        session_id: SessionId,
    },
    /// A job finished an epoch; `eta_seconds` estimates the job's remaining time.
    Epoch {
        job_id: JobId,
        metrics: EpochMetrics,
        epochs: u32,
        eta_seconds: Option<f64>,
    },
    /// Batch progress, at most a few per second per job.
    Batch {
        job_id: JobId,
        epoch: u32,
        epochs: u32,
        batch: u32,
        batches: u32,
        eta_seconds: Option<f64>,
    },
    Paused,
    Resumed,
    /// Nothing queued and nothing running.
    Idle,
}
