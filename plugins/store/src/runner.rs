//! The seam between the queue and whatever trains a model (`remap-training` in the app,
//! simple recording runners in tests).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::types::{EpochMetrics, Job, Model, Session};

/// Everything a runner needs to train one job's model.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct JobSpec {
    pub job: Job,
    pub session: Session,
    pub model: Model,
    /// Where the runner keeps its last completed-epoch checkpoint. Training pauses after
    /// `job.pause_after(model.epochs)` epochs when the job is screened. Write it with
    /// [`crate::files::write_atomic`] after every epoch; if it exists when `run` starts, the
    /// job was interrupted (crash or clean stop) and training resumes from it.
    pub checkpoint_path: PathBuf,
}

/// Progress a runner reports while training.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// A batch finished (1-based `epoch` and `batch`). Report every batch; the queue throttles.
    Batch {
        epoch: u32,
        batch: u32,
        batches: u32,
    },
    /// An epoch finished and its checkpoint is written.
    Epoch(EpochMetrics),
}

/// Set when a job must stop: the user cancelled it or the queue is shutting down.
/// Runners check it between batches and return [`RunError::Stopped`].
#[derive(Clone, Debug, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What a completed training leaves for the store (serialisable, weights in base64, for
/// runners in other processes).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunOutcome {
    /// Every epoch's metrics, including those trained before a resume.
    pub epochs: Vec<EpochMetrics>,
    /// The loss became NaN or infinite; the metrics so far are kept.
    pub diverged: bool,
    /// Training paused at the job's screening rung; the checkpoint continues it.
    pub paused: bool,
    /// Held-out accuracy per class (label order); `None` for a class without held-out images.
    pub per_class_accuracy: Vec<Option<f64>>,
    pub confusion: Vec<Vec<u64>>,
    /// Predicted label of every held-out image in the data set's fixed order.
    pub predictions: Vec<u8>,
    /// Class log-probabilities of every held-out image, 16 bits each, in the same order.
    #[serde(with = "base64_bytes")]
    pub log_probs: Option<Vec<u8>>,
    #[serde(with = "base64_bytes")]
    pub weights: Option<Vec<u8>>,
    /// E.g. `cpu (ndarray)`, `cuda:0`.
    pub device: String,
}

/// Why a run ended without an outcome.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RunError {
    /// The cancel flag was seen; the checkpoint holds the last completed epoch.
    #[error("stopped")]
    Stopped,
    /// Training failed; the message is shown as the job's reason.
    #[error("{0}")]
    Failed(String),
    /// The process training it died (killed, aborted, out of memory): the job goes back
    /// to the queue and resumes from its checkpoint, up to a few attempts.
    #[error("{0}")]
    Lost(String),
}

/// Trains one job. Implementations that compute on the CPU should do so on a blocking
/// thread (`tokio::task::spawn_blocking`) so the scheduler stays responsive.
#[async_trait::async_trait]
pub trait JobRunner: Send + Sync {
    async fn run(
        &self,
        spec: &JobSpec,
        progress: &(dyn Fn(Progress) + Send + Sync),
        cancel: &CancelFlag,
    ) -> Result<RunOutcome, RunError>;
}

/// Optional bytes as a base64 string in JSON.
mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(bytes) => s.serialize_some(&STANDARD.encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| STANDARD.decode(text).map_err(serde::de::Error::custom))
            .transpose()
    }
}
