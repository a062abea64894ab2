//! The store's domain types, as the CLI and the app see them (JSON columns already parsed).

use std::fmt;

use remap_architecture::Architecture;
pub use remap_architecture::Origin;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

pub type SessionId = i64;
pub type ModelId = i64;
pub type JobId = i64;
pub type RunId = i64;

/// A search session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub name: String,
    /// The data set's source (`sketches`, `quickdraw:/path`, …), as the data set crate names it.
    pub dataset: String,
    pub dataset_options: Value,
    pub search_space: Value,
    pub seed: u64,
    pub training: Value,
    /// Parameter budget of its models (spec §9.3), if any.
    pub budget: Option<u64>,
    /// The focus classes chosen in the Data Selector (spec §9.3), in the order chosen. From
    /// two classes on, screening ranks by their focus accuracy.
    pub focus: Vec<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// What creating a session needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    pub name: String,
    pub dataset: String,
    pub dataset_options: Value,
    pub search_space: Value,
    pub seed: u64,
    pub training: Value,
    /// Parameter budget of its models (spec §9.3), if any.
    pub budget: Option<u64>,
}

/// A model of a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub id: ModelId,
    pub session_id: SessionId,
    pub architecture: Architecture,
    pub hash: String,
    pub params: u64,
    pub origin: Origin,
    pub parent_id: Option<ModelId>,
    /// What changed relative to the parent (empty for sampled and handcrafted models).
    pub changes: Vec<String>,
    /// Epochs to train it for.
    pub epochs: u32,
    pub created_at: i64,
}

/// What adding a model needs; hash and parameters are computed from the architecture.
#[derive(Clone, Debug, PartialEq)]
pub struct NewModel {
    pub architecture: Architecture,
    pub origin: Origin,
    pub parent_id: Option<ModelId>,
    pub changes: Vec<String>,
    pub epochs: u32,
}

/// A queue job's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
    Diverged,
    /// Stopped at a screening rung (spec §9.1): it has a result, and its checkpoint
    /// continues it when it is promoted or trained to the end.
    Screened,
}

impl JobStatus {
    pub const ALL: [JobStatus; 7] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
        JobStatus::Cancelled,
        JobStatus::Diverged,
        JobStatus::Screened,
    ];

    pub fn name(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
            JobStatus::Diverged => "diverged",
            JobStatus::Screened => "screened",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.name() == name)
    }

    /// Whether the job left a trained model: done, or stopped at a screening rung.
    pub fn has_result(self) -> bool {
        matches!(self, JobStatus::Done | JobStatus::Screened)
    }

    /// Whether the job is not waiting or training (a screened job may still be promoted).
    pub fn is_final(self) -> bool {
        !matches!(self, JobStatus::Queued | JobStatus::Running)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What one epoch of training measured (spec §5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct EpochMetrics {
    /// 1-based.
    pub epoch: u32,
    pub train_loss: f64,
    pub train_accuracy: f64,
    pub val_loss: f64,
    pub val_accuracy: f64,
    pub seconds: f64,
}

/// A job of the training queue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub session_id: SessionId,
    pub model_id: ModelId,
    /// Order of the queue: lower runs first.
    pub position: i64,
    pub status: JobStatus,
    /// How many times it has been claimed; the current attempt while running.
    pub attempts: u32,
    pub claimed_by: Option<String>,
    /// Unix milliseconds of the worker's last sign of life.
    pub heartbeat: Option<i64>,
    pub cancel_requested: bool,
    /// Epochs completed by the current (or last) attempt, as last recorded.
    pub epochs_done: u32,
    /// The completed epochs' metrics (the loss sparkline survives a restart).
    pub progress: Vec<EpochMetrics>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Epochs of the screening rung it trains to (`None`: the protocol's end, unscreened).
    pub rung: Option<u32>,
}

impl Job {
    /// Whether training pauses before the model's `epochs` (a screening rung below the top).
    pub fn pause_after(&self, epochs: u32) -> Option<u32> {
        self.rung.filter(|&rung| rung < epochs)
    }
}

/// The stored result of one training attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainingRun {
    pub id: RunId,
    pub model_id: ModelId,
    pub job_id: Option<JobId>,
    pub attempt: u32,
    /// `done`, `failed`, `cancelled` or `diverged`.
    pub status: JobStatus,
    pub epochs: Vec<EpochMetrics>,
    /// Held-out accuracy per class; `None` for a class without held-out images.
    pub per_class_accuracy: Option<Vec<Option<f64>>>,
    pub confusion: Option<Vec<Vec<u64>>>,
    /// Predicted label of every held-out image, in the data set's fixed order.
    pub predictions: Option<Vec<u8>>,
    /// Class log-probabilities of every held-out image, 16 bits each, in the same order
    /// (`remap_training::LogProbs`); `None` for runs made before they were kept.
    pub log_probs: Option<Vec<u8>>,
    pub device: String,
    pub started_at: i64,
    pub finished_at: i64,
    pub train_seconds: f64,
    pub error: Option<String>,
    /// Where its weights are (a file or the database), if it has any.
    pub weights: Option<crate::StoredWeights>,
    /// The machine it trained on (runs made before workers were recorded have none).
    pub host: Option<String>,
    /// The engine's id of the worker that trained it, e.g. Slurm's `123_4`.
    pub engine_job: Option<String>,
}

impl TrainingRun {
    /// Validation accuracy of the last epoch.
    pub fn val_accuracy(&self) -> Option<f64> {
        self.epochs.last().map(|epoch| epoch.val_accuracy)
    }
}

/// A handcrafted architecture template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Template {
    pub name: String,
    #[ts(type = "unknown")]
    pub architecture: Architecture,
    pub updated_at: i64,
}

/// A cached distance matrix or layout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedMatrix {
    pub kind: String,
    /// Model ids in the order of the data's rows.
    pub model_ids: Vec<ModelId>,
    pub data: Vec<u8>,
    pub updated_at: i64,
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as i64)
        .unwrap_or(0)
}
