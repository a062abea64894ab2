//! Exporting a model from the window: the chosen formats into a folder the user named.

use std::path::PathBuf;

use remap_export::Format;
use remap_store::ModelId;
use serde::Serialize;
use tauri::State;

use crate::Error;
use crate::state::RemapState;

/// One file written.
#[derive(Clone, Debug, Serialize)]
pub struct WrittenFile {
    pub format: &'static str,
    pub path: String,
    pub bytes: usize,
}

/// Writes `formats` (json, safetensors, onnx, pytorch, card) of the model's last finished
/// run into `folder`; an existing non-empty folder needs `force` and is otherwise untouched.
#[tauri::command]
pub async fn export_model(
    state: State<'_, RemapState>,
    model_id: ModelId,
    formats: Vec<String>,
    folder: String,
    force: bool,
) -> Result<Vec<WrittenFile>, Error> {
    let formats = formats
        .iter()
        .map(|f| {
            f.parse::<Format>()
                .map_err(|e| Error::Invalid(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let folder = folder.trim();
    if folder.is_empty() {
        return Err(Error::Invalid("choose a folder to export into".into()));
    }
    let out = PathBuf::from(folder);
    let model = remap_session::trained_model(&state.store, model_id).await?;
    let written = tauri::async_runtime::spawn_blocking(move || {
        remap_export::export(&model, &formats, &out, force)
    })
    .await
    .map_err(|e| Error::Invalid(format!("the export crashed: {e}")))?
    .map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(written
        .into_iter()
        .map(|w| WrittenFile {
            format: w.format.name(),
            path: w.path.display().to_string(),
            bytes: w.bytes,
        })
        .collect())
}
