//! One row per model of a session with its latest job and result, for status views.

use std::collections::HashMap;

use remap_store::{JobId, JobStatus, ModelId, Origin, SessionId, Store};
use serde::Serialize;

use crate::error::SessionError;

/// A model with the state of its latest job and its latest result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelRow {
    pub id: ModelId,
    pub hash: String,
    pub origin: Origin,
    pub parent: Option<ModelId>,
    pub params: u64,
    pub summary: String,
    /// The latest job (`None` for a model never queued).
    pub job: Option<JobId>,
    pub status: Option<JobStatus>,
    /// Epochs to train / epochs completed (by the latest run, else the running job).
    pub epochs: u32,
    pub epochs_done: u32,
    /// Screening stopped it at a rung (`epochs_done` of `epochs`).
    pub screened: bool,
    /// Validation accuracy of the last completed epoch.
    pub val_accuracy: Option<f64>,
    /// Validation accuracy after each epoch trained.
    pub curve: Vec<f64>,
    pub device: Option<String>,
    /// The architecture (spec §2).
    pub architecture: remap_architecture::Architecture,
}

/// The session's models in the order they were added.
pub async fn model_rows(store: &Store, session: SessionId) -> Result<Vec<ModelRow>, SessionError> {
    let mut latest_job = HashMap::new();
    for job in store.jobs(session).await? {
        // Jobs come in no particular order here: keep the newest of each model.
        latest_job
            .entry(job.model_id)
            .and_modify(|known: &mut remap_store::Job| {
                if job.id > known.id {
                    *known = job.clone();
                }
            })
            .or_insert(job);
    }
    let mut latest_run = HashMap::new();
    for run in store.runs(session).await? {
        latest_run
            .entry(run.model_id)
            .and_modify(|known: &mut remap_store::TrainingRun| {
                if run.id > known.id {
                    *known = run.clone();
                }
            })
            .or_insert(run);
    }
    let mut rows = Vec::new();
    for model in store.models(session).await? {
        let job = latest_job.get(&model.id);
        let run = latest_run.get(&model.id);
        // A run belongs to the shown job when it ended it; a job queued again after a run
        // shows its own progress.
        let run_is_current = match (job, run) {
            (Some(job), Some(run)) => run.job_id == Some(job.id) && job.status.is_final(),
            (None, Some(_)) => true,
            _ => false,
        };
        let (epochs, device) = match (run_is_current, run, job) {
            (true, Some(run), _) => (&run.epochs[..], Some(run.device.clone())),
            (_, _, Some(job)) => (&job.progress[..], None),
            _ => (&[][..], None),
        };
        let curve: Vec<f64> = epochs.iter().map(|epoch| epoch.val_accuracy).collect();
        rows.push(ModelRow {
            id: model.id,
            summary: model.architecture.summary(),
            hash: model.hash,
            origin: model.origin,
            parent: model.parent_id,
            params: model.params,
            job: job.map(|job| job.id),
            status: job.map(|job| job.status),
            epochs: model.epochs,
            epochs_done: curve.len() as u32,
            screened: job.is_some_and(|job| job.status == JobStatus::Screened),
            val_accuracy: curve.last().copied(),
            curve,
            device,
            architecture: model.architecture,
        });
    }
    Ok(rows)
}
