//! What the window (and the CLI's JSON) receives: plain serde types built from the store's
//! and the libraries' types. Their TypeScript twins in `ui/src/lib/bindings.ts` are generated
//! from these by ts-rs (`make bindings`), and a test fails when they drift.

use remap_architecture::{AlignedRow, Architecture, Snac, SnacArc};
use remap_sampling::Skipped;
use remap_store::{
    EpochMetrics, Job, JobId, JobStatus, Model, ModelId, Origin, SessionId, TrainingRun,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::effects::{EditEffect, EffectPoint, Effects, Spread};
pub use crate::suggest::Suggestion;

use crate::error::SessionError;
use crate::machine::{MachineSettings, Parallelism};
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
    /// Models with a trained result (to the end, or to a screening rung).
    pub trained: usize,
    /// Of those, the ones screening stopped at a rung.
    pub screened: usize,
    /// Models whose job has ended in any way (done, failed, diverged, cancelled).
    pub finished: usize,
    /// Models queued or training now.
    pub pending: usize,
    /// The trained model with the best validation accuracy, if any.
    pub best: Option<ModelScoreView>,
    /// Seeds its sampling and training (drawn afresh when the user gave none).
    pub seed: u64,
    /// Parameter budget of its models (spec §9.3), if any.
    pub budget: Option<u64>,
    /// The focus classes it keeps (spec §9.3), in the order chosen; screening ranks by their
    /// focus accuracy from two on.
    pub focus: Vec<String>,
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
    /// `halving` (screen by successive halving, the default) or `off` (train every model
    /// fully, REMAP's protocol).
    #[ts(optional = nullable)]
    pub screening: Option<String>,
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
    /// A built-in search space (`remap-2019`, or `residual` with residual blocks) or a JSON/TOML search-space file.
    #[ts(optional = nullable)]
    pub space: Option<String>,
    /// The session's parameter budget: sampled models have at most this many parameters,
    /// and its ablations, variations and handcrafted models are checked against it.
    #[ts(optional = nullable)]
    pub max_params: Option<u64>,
    /// When the name is taken, name the session `NAME 2`, `NAME 3`, … instead of failing.
    #[ts(optional = nullable)]
    pub new_name_if_taken: Option<bool>,
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
    /// Screening stopped it at a rung (`epochs_done` of `epochs`); "train to the end"
    /// continues it.
    pub screened: bool,
    pub val_accuracy: Option<f64>,
    pub train_accuracy: Option<f64>,
    /// Held-out accuracy per class (label order) once trained; `None` for a class without
    /// held-out images.
    pub per_class_accuracy: Option<Vec<Option<f64>>>,
    /// With focus classes (spec §9.3): the focus accuracy once trained.
    pub focus_accuracy: Option<f64>,
    /// With focus classes: trained, but its run kept no class probabilities, so its focus
    /// accuracy is unknown until it is retrained.
    pub retrain_to_focus: bool,
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
        let finished = run.filter(|r| r.status.has_result());
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
            screened: row.is_some_and(|r| r.screened),
            val_accuracy: row.and_then(|r| r.val_accuracy),
            train_accuracy: finished
                .and_then(|r| r.epochs.last())
                .map(|e| e.train_accuracy),
            per_class_accuracy: finished.and_then(|r| r.per_class_accuracy.clone()),
            focus_accuracy: None,
            retrain_to_focus: false,
        })
    }

    /// The validation accuracy of a trained model (to the end, or to a screening rung).
    pub fn final_accuracy(&self) -> Option<f64> {
        self.val_accuracy
            .filter(|_| self.status.is_some_and(JobStatus::has_result))
    }

    /// What ranks it: the focus accuracy when `focused`, else [`ModelView::final_accuracy`].
    pub fn score(&self, focused: bool) -> Option<f64> {
        if focused {
            self.focus_accuracy
        } else {
            self.final_accuracy()
        }
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
    /// The focus classes it was computed for (empty: none); with them, the size view and
    /// the Pareto front rank by focus accuracy.
    pub focus: Vec<String>,
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
    /// Changes of the wiring from a to b (skips added, removed or moved), as change texts;
    /// empty when both read their layers alike.
    pub wiring: Vec<String>,
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
    /// Epochs of the screening rung it trains to (`None`: unscreened, to the end).
    pub rung: Option<u32>,
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
            rung: job.pause_after(epochs),
            progress: job.progress.clone(),
            error,
        }
    }
}

/// How this machine trains: what the Settings dialog shows.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct MachineView {
    pub settings: MachineSettings,
    /// Jobs at once and threads per job that follow from the settings here.
    pub parallelism: Parallelism,
    pub cores: usize,
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

/// One edit of the handcraft editor (spec §9.4). Rust applies it, so every layer's `inputs`
/// stay on the layers they joined; the editor never renumbers them itself.
#[derive(Clone, Debug, PartialEq, Deserialize, TS)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum ArchitectureEdit {
    /// A new layer (its JSON object) at `at`; the layer count inserts before the head.
    Insert {
        at: usize,
        #[ts(type = "unknown")]
        layer: serde_json::Value,
    },
    /// Layer `from` moved to index `to` of the result.
    Move { from: usize, to: usize },
    /// Layer `at` removed; its readers read its input instead.
    Remove { at: usize },
    /// A skip from layer `from` (`null`: the input image) into layer `to`: a merge gains the
    /// input, any other layer gets a new `merge` after it.
    Skip {
        from: Option<usize>,
        to: usize,
        merge: MergeKind,
    },
    /// The skip from `from` (`null`: the input) into merge `to` erased.
    Unskip { from: Option<usize>, to: usize },
}

/// How a skip drawn in the editor joins: summed or stacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MergeKind {
    Add,
    Concat,
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
        /// Parameters over the budget it was checked against, if over.
        over_budget: Option<u64>,
        /// Why it is over the budget ("… over the budget of 100,000 by 20,000"), if over.
        budget_note: Option<String>,
        /// Its skips, as the SNAC draws them.
        arcs: Vec<SnacArc>,
    },
    Invalid {
        #[ts(type = "false")]
        valid: bool,
        error: String,
        /// The hidden layer the error is about, if any.
        layer: Option<usize>,
        /// Its skips as written (none when the JSON does not parse), so the editor draws them
        /// while the net is invalid.
        arcs: Vec<SnacArc>,
    },
}

impl ArchitectureCheck {
    /// Checks an architecture's JSON: shapes and parameters against `budget`, or the
    /// reason it is invalid.
    pub fn of_json(json: &str, budget: Option<u64>) -> Self {
        let parsed = Architecture::from_json(json);
        let arcs = parsed.as_ref().map(SnacArc::all).unwrap_or_default();
        let checked = parsed.and_then(|a| a.analyze().map(|an| (a, an)));
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
                over_budget: remap_sampling::over_budget(analysis.params, budget),
                budget_note: remap_sampling::over_budget_reason(analysis.params, budget),
                arcs,
            },
            Err(e) => ArchitectureCheck::Invalid {
                valid: false,
                layer: e.layer(),
                error: e.to_string(),
                arcs,
            },
        }
    }
}

/// The database the window works on, as the Database dialog and the Workers panel show it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct DatabaseView {
    /// `sqlite` or `postgres`.
    pub kind: String,
    /// The file, or the URL without its password.
    pub location: String,
    /// Where weights and checkpoints go: `database` or a directory.
    pub artifacts: String,
}

/// The Workers panel: the database's workers and what can start more.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct WorkersView {
    pub database: DatabaseView,
    pub workers: Vec<crate::cluster::WorkerRow>,
    /// `sbatch` is on this machine's PATH.
    pub slurm_here: bool,
}

/// Workers to start from the Workers panel.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, TS)]
pub struct SubmitWorkersRequest {
    /// `slurm` or `local`.
    pub engine: String,
    pub count: usize,
    #[ts(optional)]
    pub partition: Option<String>,
    /// E.g. `gpu:1`.
    #[ts(optional)]
    pub gres: Option<String>,
    /// E.g. `2:00:00`.
    #[ts(optional)]
    pub time: Option<String>,
    #[ts(optional)]
    pub cpus_per_task: Option<usize>,
    /// A command prefix that reaches the cluster, e.g. `ssh login-host`.
    #[ts(optional)]
    pub via: Option<String>,
    /// `auto`, `cpu` or `gpu`; none: each session's.
    #[ts(optional)]
    pub device: Option<String>,
    /// Seconds without a job before a worker exits (default 300).
    #[ts(optional)]
    pub idle_exit: Option<u64>,
}
