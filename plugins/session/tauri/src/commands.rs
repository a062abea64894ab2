//! The window's commands: each translates its arguments to one [`remap_session::App`] use
//! case and returns the result (types in [`remap_session::views`], generated for the UI).

use remap_sampling::{AblationRequest, SearchSpace, VariationRequest};
use remap_session::App;
use remap_session::views::*;
use remap_store::{JobId, JobStatus, ModelId, SessionId, Template};
use tauri::State;

use crate::Error;

type Result<T> = std::result::Result<T, Error>;

/// Every session, oldest first.
#[tauri::command]
pub async fn sessions(app: State<'_, App>) -> Result<Vec<SessionInfo>> {
    Ok(app.sessions().await?)
}

/// Creates a session (sampling and queueing its models, which then start training).
#[tauri::command]
pub async fn create_session(
    app: State<'_, App>,
    request: NewSessionRequest,
) -> Result<SessionInfo> {
    Ok(app.create_session(&request).await?)
}

#[tauri::command]
pub async fn rename_session(
    app: State<'_, App>,
    id: SessionId,
    name: String,
) -> Result<SessionInfo> {
    Ok(app.rename_session(id, &name).await?)
}

/// Deletes a session after stopping its jobs (a running one stops within one batch).
#[tauri::command]
pub async fn delete_session(app: State<'_, App>, id: SessionId) -> Result<()> {
    Ok(app.delete_session(id).await?)
}

/// The session shown last, if it still exists.
#[tauri::command]
pub async fn last_session(app: State<'_, App>) -> Result<Option<SessionInfo>> {
    Ok(app.last_session().await?)
}

/// Models, both maps and the Pareto front of a session; remembers it as the one shown.
#[tauri::command]
pub async fn overview(app: State<'_, App>, session_id: SessionId) -> Result<Overview> {
    Ok(app.overview(session_id).await?)
}

/// The Model Inspector's facts about one model.
#[tauri::command]
pub async fn model_detail(app: State<'_, App>, model_id: ModelId) -> Result<ModelDetail> {
    Ok(app.model_detail(model_id).await?)
}

/// The first `per_class` held-out images of every class, as PNG data URLs.
#[tauri::command]
pub async fn class_samples(
    app: State<'_, App>,
    session_id: SessionId,
    per_class: usize,
) -> Result<Vec<ClassSamples>> {
    Ok(app.class_samples(session_id, per_class).await?)
}

#[tauri::command]
pub async fn drawer(app: State<'_, App>, session_id: SessionId) -> Result<Vec<ModelId>> {
    Ok(app.drawer(session_id).await?)
}

#[tauri::command]
pub async fn add_to_drawer(app: State<'_, App>, model_ids: Vec<ModelId>) -> Result<()> {
    Ok(app.add_to_drawer(&model_ids).await?)
}

#[tauri::command]
pub async fn remove_from_drawer(app: State<'_, App>, model_id: ModelId) -> Result<()> {
    Ok(app.remove_from_drawer(model_id).await?)
}

/// Two models aligned layer by layer, with b − a differences.
#[tauri::command]
pub async fn compare(app: State<'_, App>, a: ModelId, b: ModelId) -> Result<Comparison> {
    Ok(app.compare(a, b).await?)
}

/// The session's jobs in queue order (finished ones after, newest first).
#[tauri::command]
pub async fn queue(app: State<'_, App>, session_id: SessionId) -> Result<Vec<QueueJob>> {
    Ok(app.queue(session_id).await?)
}

#[tauri::command]
pub async fn preview_ablations_of(
    app: State<'_, App>,
    model_id: ModelId,
    request: AblationRequest,
) -> Result<GenerationPreview> {
    Ok(app.preview_ablations(model_id, &request).await?)
}

#[tauri::command]
pub async fn queue_ablations(
    app: State<'_, App>,
    model_id: ModelId,
    request: AblationRequest,
) -> Result<Queued> {
    Ok(app.queue_ablations(model_id, &request).await?)
}

#[tauri::command]
pub async fn preview_variations_of(
    app: State<'_, App>,
    model_id: ModelId,
    request: VariationRequest,
) -> Result<GenerationPreview> {
    Ok(app.preview_variations(model_id, &request).await?)
}

#[tauri::command]
pub async fn queue_variations(
    app: State<'_, App>,
    model_id: ModelId,
    request: VariationRequest,
) -> Result<Queued> {
    Ok(app.queue_variations(model_id, &request).await?)
}

/// The session's search space (or the built-in one without a session), for the pickers.
#[tauri::command]
pub async fn search_space(
    app: State<'_, App>,
    session_id: Option<SessionId>,
) -> Result<SearchSpace> {
    Ok(app.search_space(session_id).await?)
}

/// Stores a handcrafted architecture and queues it; resolves to its model id.
#[tauri::command]
pub async fn queue_handcrafted(
    app: State<'_, App>,
    session_id: SessionId,
    architecture: serde_json::Value,
    parent: Option<ModelId>,
    epochs: Option<u32>,
) -> Result<ModelId> {
    Ok(app
        .queue_handcrafted(session_id, &architecture, parent, epochs)
        .await?)
}

#[tauri::command]
pub async fn templates(app: State<'_, App>) -> Result<Vec<Template>> {
    Ok(app.templates().await?)
}

#[tauri::command]
pub async fn save_template(
    app: State<'_, App>,
    name: String,
    architecture: serde_json::Value,
) -> Result<Template> {
    Ok(app.save_template(&name, &architecture).await?)
}

#[tauri::command]
pub async fn delete_template(app: State<'_, App>, name: String) -> Result<()> {
    Ok(app.delete_template(&name).await?)
}

#[tauri::command]
pub fn queue_status(app: State<'_, App>) -> QueueState {
    app.queue_state()
}

/// Moves a queued job to `index` among its session's queued jobs (0 = next).
#[tauri::command]
pub async fn move_job(app: State<'_, App>, job_id: JobId, index: usize) -> Result<()> {
    Ok(app.move_job(job_id, index).await?)
}

/// Cancels a queued job, or stops a running one within one batch.
#[tauri::command]
pub async fn cancel_job(app: State<'_, App>, job_id: JobId) -> Result<JobStatus> {
    Ok(app.cancel_job(job_id).await?)
}

/// Queues a failed, diverged or cancelled job again.
#[tauri::command]
pub async fn retry_job(app: State<'_, App>, job_id: JobId) -> Result<()> {
    Ok(app.retry_job(job_id).await?)
}

#[tauri::command]
pub fn pause_queue(app: State<'_, App>) -> QueueState {
    app.set_paused(true)
}

#[tauri::command]
pub fn resume_queue(app: State<'_, App>) -> QueueState {
    app.set_paused(false)
}

/// Writes the chosen formats of a model into `folder` (a non-empty one needs `force`).
#[tauri::command]
pub async fn export_model(
    app: State<'_, App>,
    model_id: ModelId,
    formats: Vec<String>,
    folder: String,
    force: bool,
) -> Result<Vec<WrittenFile>> {
    Ok(app.export_model(model_id, &formats, &folder, force).await?)
}

/// Checks an architecture's JSON: shapes and parameters, or why it is invalid.
#[tauri::command]
pub fn check_architecture(json: String) -> ArchitectureCheck {
    ArchitectureCheck::of_json(&json)
}
