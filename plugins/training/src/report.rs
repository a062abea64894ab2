//! What a run reports while and after it trains.

use serde::{Deserialize, Serialize};

/// One finished epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch number.
    pub epoch: usize,
    pub learning_rate: f64,
    pub train_loss: f64,
    pub train_accuracy: f64,
    /// Mean loss over the held-out images.
    pub val_loss: f64,
    pub val_accuracy: f64,
    /// Wall time of the epoch, training and validation.
    pub seconds: f64,
    /// Training images per second (validation excluded).
    pub images_per_second: f64,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// All epochs ran.
    Completed,
    /// Validation loss stopped improving.
    EarlyStopped,
    /// The loss became NaN or infinite.
    Diverged,
    /// The caller asked to stop.
    Cancelled,
    /// Reached [`crate::TrainOptions::pause_after`] before the protocol's end; the
    /// checkpoint continues it.
    Paused,
}

impl Status {
    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::EarlyStopped => "early_stopped",
            Status::Diverged => "diverged",
            Status::Cancelled => "cancelled",
            Status::Paused => "paused",
        }
    }
}

/// Progress events, in order: batches of an epoch, then the epoch.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Batch {
        /// 1-based epoch number.
        epoch: usize,
        /// Batches done in this epoch.
        batch: usize,
        batches: usize,
        images: usize,
        loss: f64,
    },
    Epoch(EpochRecord),
}
