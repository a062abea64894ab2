//! Commands of the Queue tab: reorder, cancel, retry, pause and resume.

use remap_store::{JobId, JobStatus};
use serde::Serialize;
use tauri::State;

use crate::Error;
use crate::state::RemapState;

/// Whether the queue is paused, and what it trains now.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueState {
    pub paused: bool,
    pub running: Vec<JobId>,
}

fn queue_state(state: &RemapState) -> QueueState {
    QueueState {
        paused: state.scheduler.is_paused(),
        running: state.scheduler.running_jobs(),
    }
}

#[tauri::command]
pub fn queue_status(state: State<'_, RemapState>) -> QueueState {
    queue_state(&state)
}

/// Moves a queued job to `index` among its session's queued jobs (0 = next).
#[tauri::command]
pub async fn move_job(
    state: State<'_, RemapState>,
    job_id: JobId,
    index: usize,
) -> Result<(), Error> {
    Ok(state.scheduler.move_job(job_id, index).await?)
}

/// Cancels a queued job, or stops a running one within one batch.
#[tauri::command]
pub async fn cancel_job(state: State<'_, RemapState>, job_id: JobId) -> Result<JobStatus, Error> {
    Ok(state.scheduler.cancel(job_id).await?)
}

/// Queues a failed, diverged or cancelled job again.
#[tauri::command]
pub async fn retry_job(state: State<'_, RemapState>, job_id: JobId) -> Result<(), Error> {
    state.scheduler.retry(job_id).await?;
    Ok(())
}

#[tauri::command]
pub fn pause_queue(state: State<'_, RemapState>) -> QueueState {
    state.set_queue_paused(true);
    queue_state(&state)
}

#[tauri::command]
pub fn resume_queue(state: State<'_, RemapState>) -> QueueState {
    state.set_queue_paused(false);
    queue_state(&state)
}
