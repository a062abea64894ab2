//! The types that cross the IPC boundary (camelCase, as `ui/src/lib/api.ts` types them),
//! built from the store's and the session layer's types.

use std::collections::HashMap;

use remap_architecture::{AlignedRow, Snac};
use remap_session::ModelRow;
use remap_store::{
    EpochMetrics, Job, JobId, JobStatus, Model, ModelId, Origin, Session, SessionId, TrainingRun,
};
use serde::{Deserialize, Serialize};

use crate::Error;

/// A session as the session list shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub id: SessionId,
    pub name: String,
    pub dataset: String,
    pub classes: Vec<String>,
    pub models: usize,
    /// Models whose training finished successfully.
    pub trained: usize,
    /// Models whose job has ended in any way (done, failed, diverged, cancelled).
    pub finished: usize,
    /// Models queued or training now.
    pub pending: usize,
    pub created_at: i64,
}

/// What "new session" sends; unset options take REMAP's defaults.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewSessionRequest {
    pub name: String,
    pub dataset: String,
    pub models: Option<usize>,
    pub epochs: Option<u32>,
    pub seed: Option<u64>,
    pub classes: Option<Vec<String>>,
    pub per_class: Option<usize>,
    pub limit: Option<usize>,
}

/// One model with its latest job and result.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelView {
    pub id: ModelId,
    pub hash: String,
    pub origin: Origin,
    pub parent: Option<ModelId>,
    pub changes: Vec<String>,
    pub params: u64,
    pub summary: String,
    pub architecture: serde_json::Value,
    pub snac: Snac,
    pub job: Option<JobId>,
    pub status: Option<JobStatus>,
    pub epochs: u32,
    pub epochs_done: u32,
    pub val_accuracy: Option<f64>,
    pub train_accuracy: Option<f64>,
    pub per_class_accuracy: Option<Vec<f64>>,
}

impl ModelView {
    /// The view of `model`, with its status row and its latest finished run (if any).
    pub fn new(
        model: &Model,
        row: Option<&ModelRow>,
        run: Option<&TrainingRun>,
    ) -> Result<Self, Error> {
        let snac = Snac::of(&model.architecture).map_err(|source| Error::Architecture {
            model: model.id,
            source,
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
            architecture: serde_json::to_value(&model.architecture)
                .map_err(|e| Error::Invalid(e.to_string()))?,
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
}

/// A 2-D map of the trained models.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OverviewLayout {
    /// `prediction`, `structure` or `size` (x = accuracy, y = log₁₀ parameters).
    pub view: &'static str,
    pub ids: Vec<ModelId>,
    pub coords: Vec<[f64; 2]>,
    pub stress: f64,
}

impl From<remap_session::Map> for OverviewLayout {
    fn from(map: remap_session::Map) -> Self {
        OverviewLayout {
            view: map.view.name(),
            ids: map.ids,
            coords: map.coords,
            stress: map.stress,
        }
    }
}

/// Everything the Overview needs at once.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub session: SessionInfo,
    pub models: Vec<ModelView>,
    pub prediction: OverviewLayout,
    pub structure: OverviewLayout,
    pub size: OverviewLayout,
    pub pareto: Vec<ModelId>,
}

/// The Model Inspector's facts about one model.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelDetail {
    pub model: ModelView,
    pub parent: Option<ModelView>,
    pub classes: Vec<String>,
    pub epochs: Vec<EpochMetrics>,
    pub confusion: Option<Vec<Vec<u64>>>,
    /// Validation accuracy per log₁₀ parameters, once trained.
    pub accuracy_per_log_params: Option<f64>,
    pub device: Option<String>,
    pub error: Option<String>,
}

/// A few held-out images of one class as PNG data URLs.
#[derive(Clone, Debug, Serialize)]
pub struct ClassSamples {
    pub name: String,
    pub images: Vec<String>,
}

/// Two models side by side.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
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
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
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

/// The newest run of each model.
pub fn latest_runs(runs: Vec<TrainingRun>) -> HashMap<ModelId, TrainingRun> {
    let mut latest: HashMap<ModelId, TrainingRun> = HashMap::new();
    for run in runs {
        match latest.get(&run.model_id) {
            Some(known) if known.id > run.id => {}
            _ => {
                latest.insert(run.model_id, run);
            }
        }
    }
    latest
}

/// The session list's row of `session`.
pub fn session_info(session: &Session, classes: Vec<String>, rows: &[ModelRow]) -> SessionInfo {
    SessionInfo {
        id: session.id,
        name: session.name.clone(),
        dataset: session.dataset.clone(),
        classes,
        models: rows.len(),
        trained: rows
            .iter()
            .filter(|r| r.status == Some(JobStatus::Done))
            .count(),
        finished: rows
            .iter()
            .filter(|r| r.status.is_some_and(JobStatus::is_final))
            .count(),
        pending: rows
            .iter()
            .filter(|r| r.status.is_some_and(|s| !s.is_final()))
            .count(),
        created_at: session.created_at,
    }
}
