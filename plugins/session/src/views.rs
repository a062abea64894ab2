//! What the window (and the CLI's JSON) receives: plain serde types built from the store's
//! and the libraries' types. Their TypeScript twins in `ui/src/lib/bindings.ts` are generated
//! from these by ts-rs (`make bindings`), and a test fails when they drift.

use remap_architecture::{AlignedRow, Architecture, Snac};
use remap_sampling::Skipped;
use remap_store::{
    EpochMetrics, Job, JobId, JobStatus, Model, ModelId, Origin, SessionId, TrainingRun,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::SessionError;
use crate::status::ModelRow;

/// A session as the session list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct SessionInfo {
    pub id: SessionId,
    pub name: String,
    /// `sketches`, `quickdraw:DIR`, `cifar10:DIR`, `mnist:DIR` or `folder:DIR`.
    pub dataset: String,
    /// The classes, when known without loading the data set.
    pub classes: Vec<String>,
    pub models: usize,
    /// Models whose training finished successfully.
    pub trained: usize,
    /// Models whose job has ended in any way (done, failed, diverged, cancelled).
    pub finished: usize,
    /// Models queued or training now.
    pub pending: usize,
    /// The trained model with the best validation accuracy, if any.
    pub best: Option<ModelScoreView>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A model and its validation accuracy.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, TS)]
pub struct ModelScoreView {
    pub model: ModelId,
    pub val_accuracy: f64,
}

/// What "new session" asks for; unset options take REMAP's defaults.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
#[serde(default, deny_unknown_fields)]
pub struct NewSessionRequest {
    pub name: String,
    /// `sketches`, `quickdraw:DIR`, `cifar10:DIR`, `mnist:DIR` or `folder:DIR`.
    pub dataset: String,
    /// Initial models (distinct architectures).
    #[ts(optional = nullable)]
    pub models: Option<usize>,
    /// Epochs each initial model trains (early stopping may end sooner).
    #[ts(optional = nullable)]
    pub epochs: Option<u32>,
    /// Seed of sampling and training.
    #[ts(optional = nullable)]
    pub seed: Option<u64>,
    /// Batch size (default: 256 up to 28×28 images, 32 above).
    #[ts(optional = nullable)]
    pub batch: Option<usize>,
    /// `auto`, `cpu` or `gpu`.
    #[ts(optional = nullable)]
    pub device: Option<String>,
    /// Keep only these classes, labelled in this order.
    #[ts(optional = nullable)]
    pub classes: Option<Vec<String>>,
    /// Keep the first N images of each class.
    #[ts(optional = nullable)]
    pub limit: Option<usize>,
    /// Generated sketches per class (sketches only).
    #[ts(optional = nullable)]
    pub per_class: Option<usize>,
    /// Generation seed of the sketches.
    #[ts(optional = nullable)]
    pub data_seed: Option<u64>,
    /// A built-in search space (`remap-2019`) or a JSON/TOML search-space file.
    #[ts(optional = nullable)]
    pub space: Option<String>,
    /// Sampled models have at most this many parameters.
    #[ts(optional = nullable)]
    pub max_params: Option<u64>,
}

/// One model with its latest job and result.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ModelView {
    pub id: ModelId,
    pub hash: String,
    pub origin: Origin,
    pub parent: Option<ModelId>,
    /// Change texts relative to the parent (e.g. "removed conv2d(k3,f32) at 2").
    pub changes: Vec<String>,
    pub params: u64,
    pub summary: String,
    /// The architecture JSON (spec §2).
    #[ts(type = "unknown")]
    pub architecture: Architecture,
    pub snac: Snac,
    pub job: Option<JobId>,
    pub status: Option<JobStatus>,
    pub epochs: u32,
    pub epochs_done: u32,
    pub val_accuracy: Option<f64>,
    pub train_accuracy: Option<f64>,
    /// Held-out accuracy per class (label order) once trained.
    pub per_class_accuracy: Option<Vec<f64>>,
}

impl ModelView {
    /// The view of `model`, with its status row and its latest run (if any).
    pub fn new(
        model: &Model,
        row: Option<&ModelRow>,
        run: Option<&TrainingRun>,
    ) -> Result<Self, SessionError> {
        let snac = Snac::of(&model.architecture).map_err(|e| {
            SessionError::Invalid(format!("the architecture of model {}: {e}", model.id))
        })?;
        let finished = run.filter(|r| r.status == JobStatus::Done);
        Ok(ModelView {
            id: model.id,
            hash: model.hash.clone(),
            origin: model.origin,
            parent: model.parent_id,
            changes: model.changes.clone(),
            params: model.params,
            summary: model.architecture.summary(),
            architecture: model.architecture.clone(),
            snac,
            job: row.and_then(|r| r.job),
            status: row.and_then(|r| r.status),
            epochs: model.epochs,
            epochs_done: row.map_or(0, |r| r.epochs_done),
            val_accuracy: row.and_then(|r| r.val_accuracy),
            train_accuracy: finished
                .and_then(|r| r.epochs.last())
                .map(|e| e.train_accuracy),
            per_class_accuracy: finished.and_then(|r| r.per_class_accuracy.clone()),
        })
    }

    /// The validation accuracy of a model whose training finished successfully.
    pub fn final_accuracy(&self) -> Option<f64> {
        self.val_accuracy
            .filter(|_| self.status == Some(JobStatus::Done))
    }
}

/// Which map of the overview.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum OverviewView {
    /// Similar predictions lie close.
    Prediction,
    /// Similar structure (OTMANN) lies close.
    Structure,
    /// x = validation accuracy, y = log₁₀ parameters (spec §6.3).
    Size,
}

/// A 2-D map of the trained models (only models with results are placed).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct OverviewLayout {
    pub view: OverviewView,
    pub ids: Vec<ModelId>,
    pub coords: Vec<[f64; 2]>,
    pub stress: f64,
}

/// Everything the Model Overview needs at once.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Overview {
    pub session: SessionInfo,
    pub models: Vec<ModelView>,
    pub prediction: OverviewLayout,
    pub structure: OverviewLayout,
    pub size: OverviewLayout,
    /// Ids on the Pareto front of accuracy against parameters, by increasing parameters.
    pub pareto: Vec<ModelId>,
}

/// The Model Inspector's facts about one model.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ModelDetail {
    pub model: ModelView,
    pub parent: Option<ModelView>,
    pub classes: Vec<String>,
    /// Finished epochs (so far, for a job still training).
    pub epochs: Vec<EpochMetrics>,
    /// `confusion[true][predicted]` counts on the held-out images.
    pub confusion: Option<Vec<Vec<u64>>>,
    /// Validation accuracy per log₁₀ parameters, once trained.
    pub accuracy_per_log_params: Option<f64>,
    pub device: Option<String>,
    pub error: Option<String>,
}

/// A few held-out images of one class, as `data:image/png;base64,…` URLs.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ClassSamples {
    pub name: String,
    pub images: Vec<String>,
}

/// Two models side by side: aligned layers and what changed (b − a).
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Comparison {
    pub a: ModelView,
    pub b: ModelView,
    pub rows: Vec<AlignedRow>,
    pub delta_params: i64,
    pub delta_accuracy: Option<f64>,
    pub delta_per_class: Vec<Option<f64>>,
    pub classes: Vec<String>,
}

/// A queue job, for the Queue tab.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct QueueJob {
    pub id: JobId,
    pub model_id: ModelId,
    pub position: i64,
    pub status: JobStatus,
    pub epochs: u32,
    pub epochs_done: u32,
    pub progress: Vec<EpochMetrics>,
    pub error: Option<String>,
}

impl QueueJob {
    pub fn new(job: &Job, epochs: u32, error: Option<String>) -> Self {
        QueueJob {
            id: job.id,
            model_id: job.model_id,
            position: job.position,
            status: job.status,
            epochs,
            epochs_done: job.epochs_done,
            progress: job.progress.clone(),
            error,
        }
    }
}

/// Whether the queue is paused, and what it trains now.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct QueueState {
    pub paused: bool,
    pub running: Vec<JobId>,
}

/// A generated child before it is stored.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct ChildPreview {
    #[ts(type = "unknown")]
    pub architecture: Architecture,
    pub snac: Snac,
    pub params: u64,
    pub hash: String,
    pub changes: Vec<String>,
    /// Child − parent parameters.
    pub delta_params: i64,
}

/// What a generation request would make.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct GenerationPreview {
    pub children: Vec<ChildPreview>,
    pub skipped: Vec<Skipped>,
    pub dropped_over_budget: usize,
}

/// What a generation request stored and queued.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Queued {
    /// The new models, in generation order.
    pub models: Vec<QueuedModel>,
    pub skipped: Vec<Skipped>,
    pub dropped_over_budget: usize,
}

/// A model just stored and queued.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct QueuedModel {
    pub id: ModelId,
    pub job: JobId,
    pub hash: String,
    pub origin: Origin,
    pub parent: Option<ModelId>,
    pub params: u64,
    pub changes: Vec<String>,
    #[ts(type = "unknown")]
    pub architecture: Architecture,
}

/// One file an export wrote.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct WrittenFile {
    /// `json`, `safetensors`, `onnx`, `pytorch` or `card`.
    pub format: String,
    pub path: String,
    pub bytes: usize,
}

/// One layer's output shape and parameters, as the architecture crate infers them.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct LayerCheck {
    #[serde(rename = "type")]
    pub kind: String,
    pub output: Vec<u32>,
    pub params: u64,
}

/// The verdict on an architecture: its shapes and parameters, or why it is invalid.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(untagged)]
pub enum ArchitectureCheck {
    Valid {
        #[ts(type = "true")]
        valid: bool,
        params: u64,
        hash: String,
        summary: String,
        /// The hidden layers, then the head.
        layers: Vec<LayerCheck>,
    },
    Invalid {
        #[ts(type = "false")]
        valid: bool,
        error: String,
        /// The hidden layer the error is about, if any.
        layer: Option<usize>,
    },
}

impl ArchitectureCheck {
    /// Checks an architecture's JSON: shapes and parameters, or the reason it is invalid.
    pub fn of_json(json: &str) -> Self {
        let checked = Architecture::from_json(json).and_then(|a| a.analyze().map(|an| (a, an)));
        match checked {
            Ok((arch, analysis)) => ArchitectureCheck::Valid {
                valid: true,
                params: analysis.params,
                hash: arch.hash(),
                summary: arch.summary(),
                layers: analysis
                    .all()
                    .map(|r| LayerCheck {
                        kind: r.kind.to_string(),
                        output: r.output.dims(),
                        params: r.params,
                    })
                    .collect(),
            },
            Err(e) => ArchitectureCheck::Invalid {
                valid: false,
                layer: e.layer(),
                error: e.to_string(),
            },
        }
    }
}
