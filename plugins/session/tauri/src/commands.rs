//! The window's commands: each translates its arguments to one [`remap_session::App`] use
//! case and returns the result (types in [`remap_session::views`], generated for the UI).

use std::path::PathBuf;

use remap_architecture::Architecture;
use remap_sampling::{AblationRequest, SearchSpace, VariationRequest};
use remap_session::views::*;
use remap_session::{ImportedNet, SessionError};
use remap_store::{JobId, JobStatus, ModelId, SessionId, Template};
use tauri::State;

use crate::{Current, Error};

type Result<T> = std::result::Result<T, Error>;

/// Every session, oldest first.
#[tauri::command]
pub async fn sessions(app: State<'_, Current>) -> Result<Vec<SessionInfo>> {
    Ok(app.get().sessions().await?)
}

/// Creates a session (sampling and queueing its models, which then start training).
#[tauri::command]
pub async fn create_session(
    app: State<'_, Current>,
    request: NewSessionRequest,
) -> Result<SessionInfo> {
    Ok(app.get().create_session(&request).await?)
}

/// Reads a dropped or chosen ONNX model or architecture JSON as an architecture.
#[tauri::command]
pub async fn import_architecture(app: State<'_, Current>, path: PathBuf) -> Result<ImportedNet> {
    Ok(app.get().import_architecture_file(&path)?)
}

/// Creates a session around an imported net: the net plus `count` of its relatives, queued.
#[tauri::command]
pub async fn create_session_around(
    app: State<'_, Current>,
    request: NewSessionRequest,
    architecture: serde_json::Value,
    count: usize,
) -> Result<SessionInfo> {
    let architecture = Architecture::from_value(&architecture)
        .map_err(|e| SessionError::Invalid(format!("the imported architecture: {e}")))?;
    Ok(app
        .get()
        .create_session_around(&request, &architecture, count)
        .await?)
}

#[tauri::command]
pub async fn rename_session(
    app: State<'_, Current>,
    id: SessionId,
    name: String,
) -> Result<SessionInfo> {
    Ok(app.get().rename_session(id, &name).await?)
}

/// Deletes a session after stopping its jobs (a running one stops within one batch).
#[tauri::command]
pub async fn delete_session(app: State<'_, Current>, id: SessionId) -> Result<()> {
    Ok(app.get().delete_session(id).await?)
}

/// The session shown last, if it still exists.
#[tauri::command]
pub async fn last_session(app: State<'_, Current>) -> Result<Option<SessionInfo>> {
    Ok(app.get().last_session().await?)
}

/// Models, both maps and the Pareto front of a session; remembers it as the one shown. With
/// `focus` classes, ranked by focus accuracy.
#[tauri::command]
pub async fn overview(
    app: State<'_, Current>,
    session_id: SessionId,
    focus: Option<Vec<String>>,
) -> Result<Overview> {
    Ok(app
        .get()
        .overview(session_id, &focus.unwrap_or_default())
        .await?)
}

/// The Model Inspector's facts about one model.
#[tauri::command]
pub async fn model_detail(app: State<'_, Current>, model_id: ModelId) -> Result<ModelDetail> {
    Ok(app.get().model_detail(model_id).await?)
}

/// The first `per_class` held-out images of every class, as PNG data URLs.
#[tauri::command]
pub async fn class_samples(
    app: State<'_, Current>,
    session_id: SessionId,
    per_class: usize,
) -> Result<Vec<ClassSamples>> {
    Ok(app.get().class_samples(session_id, per_class).await?)
}

#[tauri::command]
pub async fn drawer(app: State<'_, Current>, session_id: SessionId) -> Result<Vec<ModelId>> {
    Ok(app.get().drawer(session_id).await?)
}

#[tauri::command]
pub async fn add_to_drawer(app: State<'_, Current>, model_ids: Vec<ModelId>) -> Result<()> {
    Ok(app.get().add_to_drawer(&model_ids).await?)
}

#[tauri::command]
pub async fn remove_from_drawer(app: State<'_, Current>, model_id: ModelId) -> Result<()> {
    Ok(app.get().remove_from_drawer(model_id).await?)
}

/// Two models aligned layer by layer, with b − a differences.
#[tauri::command]
pub async fn compare(app: State<'_, Current>, a: ModelId, b: ModelId) -> Result<Comparison> {
    Ok(app.get().compare(a, b).await?)
}

/// The session's jobs in queue order (finished ones after, newest first).
#[tauri::command]
pub async fn queue(app: State<'_, Current>, session_id: SessionId) -> Result<Vec<QueueJob>> {
    Ok(app.get().queue(session_id).await?)
}

#[tauri::command]
pub async fn preview_ablations_of(
    app: State<'_, Current>,
    model_id: ModelId,
    request: AblationRequest,
) -> Result<GenerationPreview> {
    Ok(app.get().preview_ablations(model_id, &request).await?)
}

#[tauri::command]
pub async fn queue_ablations(
    app: State<'_, Current>,
    model_id: ModelId,
    request: AblationRequest,
) -> Result<Queued> {
    Ok(app.get().queue_ablations(model_id, &request).await?)
}

#[tauri::command]
pub async fn preview_variations_of(
    app: State<'_, Current>,
    model_id: ModelId,
    request: VariationRequest,
) -> Result<GenerationPreview> {
    Ok(app.get().preview_variations(model_id, &request).await?)
}

#[tauri::command]
pub async fn queue_variations(
    app: State<'_, Current>,
    model_id: ModelId,
    request: VariationRequest,
) -> Result<Queued> {
    Ok(app.get().queue_variations(model_id, &request).await?)
}

/// The session's search space (or the built-in one without a session), for the pickers.
#[tauri::command]
pub async fn search_space(
    app: State<'_, Current>,
    session_id: Option<SessionId>,
) -> Result<SearchSpace> {
    Ok(app.get().search_space(session_id).await?)
}

/// Stores a handcrafted architecture and queues it; resolves to its model id.
#[tauri::command]
pub async fn queue_handcrafted(
    app: State<'_, Current>,
    session_id: SessionId,
    architecture: serde_json::Value,
    parent: Option<ModelId>,
    epochs: Option<u32>,
) -> Result<ModelId> {
    Ok(app
        .get()
        .queue_handcrafted(session_id, &architecture, parent, epochs)
        .await?)
}

#[tauri::command]
pub async fn templates(app: State<'_, Current>) -> Result<Vec<Template>> {
    Ok(app.get().templates().await?)
}

#[tauri::command]
pub async fn save_template(
    app: State<'_, Current>,
    name: String,
    architecture: serde_json::Value,
) -> Result<Template> {
    Ok(app.get().save_template(&name, &architecture).await?)
}

#[tauri::command]
pub async fn delete_template(app: State<'_, Current>, name: String) -> Result<()> {
    Ok(app.get().delete_template(&name).await?)
}

#[tauri::command]
pub fn queue_status(app: State<'_, Current>) -> QueueState {
    app.get().queue_state()
}

/// Moves a queued job to `index` among its session's queued jobs (0 = next).
#[tauri::command]
pub async fn move_job(app: State<'_, Current>, job_id: JobId, index: usize) -> Result<()> {
    Ok(app.get().move_job(job_id, index).await?)
}

/// Cancels a queued job, or stops a running one within one batch.
#[tauri::command]
pub async fn cancel_job(app: State<'_, Current>, job_id: JobId) -> Result<JobStatus> {
    Ok(app.get().cancel_job(job_id).await?)
}

/// Queues a failed, diverged or cancelled job again.
#[tauri::command]
pub async fn retry_job(app: State<'_, Current>, job_id: JobId) -> Result<()> {
    Ok(app.get().retry_job(job_id).await?)
}

#[tauri::command]
pub fn pause_queue(app: State<'_, Current>) -> QueueState {
    app.get().set_paused(true)
}

#[tauri::command]
pub fn resume_queue(app: State<'_, Current>) -> QueueState {
    app.get().set_paused(false)
}

/// Trains the given screened models to the protocol's end; returns how many were queued.
#[tauri::command]
pub async fn train_to_end(app: State<'_, Current>, models: Vec<ModelId>) -> Result<usize> {
    Ok(app.get().train_to_end(&models).await?)
}

/// How this machine trains (the Settings dialog).
#[tauri::command]
pub fn machine_settings(app: State<'_, Current>) -> MachineView {
    app.get().machine()
}

#[tauri::command]
pub fn set_machine_settings(
    app: State<'_, Current>,
    settings: remap_session::MachineSettings,
) -> Result<MachineView> {
    Ok(app.get().set_machine(settings)?)
}

/// Writes the chosen formats of a model into `folder` (a non-empty one needs `force`).
#[tauri::command]
pub async fn export_model(
    app: State<'_, Current>,
    model_id: ModelId,
    formats: Vec<String>,
    folder: String,
    force: bool,
) -> Result<Vec<WrittenFile>> {
    Ok(app
        .get()
        .export_model(model_id, &formats, &folder, force)
        .await?)
}

/// Checks an architecture's JSON: shapes and parameters (against `budget`, if given), or
/// why it is invalid.
#[tauri::command]
pub fn check_architecture(json: String, budget: Option<u64>) -> ArchitectureCheck {
    ArchitectureCheck::of_json(&json, budget)
}

/// Applies one handcraft edit (insert, move, remove, draw or erase a skip) to an
/// architecture's JSON, keeping every layer's `inputs` right.
#[tauri::command]
pub fn edit_architecture(
    architecture: serde_json::Value,
    edit: ArchitectureEdit,
) -> Result<serde_json::Value> {
    Ok(remap_session::edit_architecture(&architecture, &edit)?)
}

/// Sets (or with `null` lifts) a session's parameter budget.
#[tauri::command]
pub async fn set_budget(
    app: State<'_, Current>,
    session_id: SessionId,
    budget: Option<u64>,
) -> Result<SessionInfo> {
    Ok(app.get().set_budget(session_id, budget).await?)
}

/// Keeps a session's focus classes (empty: none); screening ranks by them from two on.
#[tauri::command]
pub async fn set_focus(
    app: State<'_, Current>,
    session_id: SessionId,
    classes: Vec<String>,
) -> Result<SessionInfo> {
    Ok(app.get().set_focus(session_id, &classes).await?)
}

/// "New session on these classes": the session's data set restricted to `classes`, starting
/// from the architectures of `models` (heads resized).
#[tauri::command]
pub async fn session_on_classes(
    app: State<'_, Current>,
    session_id: SessionId,
    classes: Vec<String>,
    models: Vec<ModelId>,
) -> Result<SessionInfo> {
    Ok(app
        .get()
        .session_on_classes(session_id, &classes, &models)
        .await?)
}

/// What each kind of edit did over the session's children (the Effects view).
#[tauri::command]
pub async fn effects(app: State<'_, Current>, session_id: SessionId) -> Result<Effects> {
    Ok(app.get().effects(session_id).await?)
}

/// The database the window works on.
#[tauri::command]
pub fn database(app: State<'_, Current>) -> DatabaseView {
    app.get().database()
}

/// The database's workers, with Slurm's and this machine's word on each.
#[tauri::command]
pub async fn workers(app: State<'_, Current>) -> Result<WorkersView> {
    Ok(app.get().workers().await?)
}

/// Starts workers on Slurm or on this machine; returns their engine ids.
#[tauri::command]
pub async fn submit_workers(
    app: State<'_, Current>,
    request: SubmitWorkersRequest,
) -> Result<Vec<String>> {
    Ok(app.get().submit_workers(&request).await?)
}

/// Stops the named workers (all running ones when empty).
#[tauri::command]
pub async fn stop_workers(app: State<'_, Current>, ids: Vec<String>) -> Result<Vec<String>> {
    Ok(app.get().stop_workers(&ids).await?)
}

/// Opens another database (`url`: a PostgreSQL URL, a file, or empty for this machine's
/// own), the password given apart so that it is never saved.
#[tauri::command]
pub async fn connect_database<R: tauri::Runtime>(
    handle: tauri::AppHandle<R>,
    app: State<'_, Current>,
    url: String,
    password: Option<String>,
) -> Result<DatabaseView> {
    crate::connect(&handle, &app, &url, password.as_deref().unwrap_or_default()).await
}
