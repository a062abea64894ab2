//! Rows to domain types: JSON columns parsed, enum names checked.

use remap_architecture::Architecture;
use serde::de::DeserializeOwned;

use crate::entities::{model, queue_job, session, training_run};
use crate::error::StoreError;
use crate::types::{Job, JobStatus, Model, Origin, Session, TrainingRun};

pub(crate) fn json<T: DeserializeOwned>(
    text: &str,
    table: &'static str,
    column: &'static str,
    id: i64,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::BadRow {
        table,
        column,
        id,
        detail: error.to_string(),
    })
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serialising plain data (numbers, strings, vectors, maps with string keys) cannot fail.
    serde_json::to_string(value).expect("plain data serialises to JSON")
}

fn status(name: &str, table: &'static str, id: i64) -> Result<JobStatus, StoreError> {
    JobStatus::from_name(name).ok_or_else(|| StoreError::BadRow {
        table,
        column: "status",
        id,
        detail: format!("unknown status `{name}`"),
    })
}

pub(crate) fn session(row: session::Model) -> Result<Session, StoreError> {
    Ok(Session {
        id: row.id,
        dataset_options: json(&row.dataset_options, "sessions", "dataset_options", row.id)?,
        search_space: json(&row.search_space, "sessions", "search_space", row.id)?,
        training: json(&row.training, "sessions", "training", row.id)?,
        // Stored as the i64 with the same bits: PostgreSQL has no unsigned 64-bit integer.
        seed: row.seed as u64,
        budget: row.budget.map(|b| b as u64),
        focus: match &row.focus {
            Some(text) => json(text, "sessions", "focus", row.id)?,
            None => Vec::new(),
        },
        name: row.name,
        dataset: row.dataset,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub(crate) fn model(row: model::Model) -> Result<Model, StoreError> {
    let architecture = Architecture::from_json(&row.architecture)
        .map_err(|source| StoreError::Architecture { id: row.id, source })?;
    let origin = Origin::from_name(&row.origin).ok_or_else(|| StoreError::BadRow {
        table: "models",
        column: "origin",
        id: row.id,
        detail: format!("unknown origin `{}`", row.origin),
    })?;
    Ok(Model {
        id: row.id,
        session_id: row.session_id,
        architecture,
        hash: row.hash,
        params: row.params as u64,
        origin,
        parent_id: row.parent_id,
        changes: json(&row.changes, "models", "changes", row.id)?,
        epochs: row.epochs as u32,
        created_at: row.created_at,
    })
}

pub(crate) fn job(row: queue_job::Model) -> Result<Job, StoreError> {
    Ok(Job {
        id: row.id,
        session_id: row.session_id,
        model_id: row.model_id,
        position: row.position,
        status: status(&row.status, "queue_jobs", row.id)?,
        attempts: row.attempts as u32,
        claimed_by: row.claimed_by,
        heartbeat: row.heartbeat,
        cancel_requested: row.cancel_requested,
        epochs_done: row.epochs_done as u32,
        progress: json(&row.progress, "queue_jobs", "progress", row.id)?,
        created_at: row.created_at,
        updated_at: row.updated_at,
        rung: row.rung.map(|epochs| epochs as u32),
    })
}

pub(crate) fn run(row: training_run::Model) -> Result<TrainingRun, StoreError> {
    let id = row.id;
    Ok(TrainingRun {
        id,
        model_id: row.model_id,
        job_id: row.job_id,
        attempt: row.attempt as u32,
        status: status(&row.status, "training_runs", id)?,
        epochs: json(&row.epochs, "training_runs", "epochs", id)?,
        per_class_accuracy: row
            .per_class_accuracy
            .map(|text| json(&text, "training_runs", "per_class_accuracy", id))
            .transpose()?,
        confusion: row
            .confusion
            .map(|text| json(&text, "training_runs", "confusion", id))
            .transpose()?,
        predictions: row.predictions,
        log_probs: row.log_probs,
        device: row.device,
        started_at: row.started_at,
        finished_at: row.finished_at,
        train_seconds: row.train_seconds,
        error: row.error,
        weights: row.weights_path.map(crate::StoredWeights::from_column),
        host: row.host,
        engine_job: row.engine_job,
    })
}
