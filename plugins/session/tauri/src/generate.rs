//! Commands of the Generate Models tab: ablations and variations of a model (preview, then
//! queue), handcrafted models, and the shared handcrafted templates.

use remap_architecture::{Architecture, Snac};
use remap_sampling::{AblationRequest, Generated, SearchSpace, Skipped, VariationRequest};
use remap_session::{
    Children, generate_ablations, generate_variations, preview_ablations, preview_variations,
    session_space,
};
use remap_store::{ModelId, NewModel, Origin, SessionId, Template};
use serde::Serialize;
use tauri::State;

use crate::Error;
use crate::state::RemapState;

/// A child before it is stored.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildPreview {
    pub architecture: Architecture,
    pub snac: Snac,
    pub params: u64,
    pub hash: String,
    pub changes: Vec<String>,
    /// Child − parent parameters.
    pub delta_params: i64,
}

/// What a generation request would make.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationPreview {
    pub children: Vec<ChildPreview>,
    pub skipped: Vec<Skipped>,
    pub dropped_over_budget: usize,
}

/// What a generation request stored and queued.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    pub models: Vec<ModelId>,
    pub skipped: Vec<Skipped>,
    pub dropped_over_budget: usize,
}

fn preview(parent_params: u64, generated: Generated) -> Result<GenerationPreview, Error> {
    let children = generated
        .children
        .into_iter()
        .map(|child| {
            let snac = Snac::of(&child.architecture).map_err(|e| Error::Invalid(e.to_string()))?;
            Ok(ChildPreview {
                delta_params: child.params as i64 - parent_params as i64,
                snac,
                params: child.params,
                hash: child.hash,
                changes: child.changes,
                architecture: child.architecture,
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(GenerationPreview {
        children,
        skipped: generated.skipped,
        dropped_over_budget: generated.dropped_over_budget,
    })
}

fn queued(children: Children) -> Queued {
    Queued {
        models: children.queued.iter().map(|(m, _)| m.id).collect(),
        skipped: children.skipped,
        dropped_over_budget: children.dropped_over_budget,
    }
}

#[tauri::command]
pub async fn preview_ablations_of(
    state: State<'_, RemapState>,
    model_id: ModelId,
    request: AblationRequest,
) -> Result<GenerationPreview, Error> {
    let (parent, generated) = preview_ablations(&state.store, model_id, &request).await?;
    preview(parent.params, generated)
}

#[tauri::command]
pub async fn queue_ablations(
    state: State<'_, RemapState>,
    model_id: ModelId,
    request: AblationRequest,
) -> Result<Queued, Error> {
    Ok(queued(
        generate_ablations(&state.store, model_id, &request).await?,
    ))
}

/// The session's search space (its grids feed the variation and handcrafting pickers).
#[tauri::command]
pub async fn search_space(
    state: State<'_, RemapState>,
    session_id: SessionId,
) -> Result<SearchSpace, Error> {
    Ok(session_space(&state.store, session_id).await?)
}

#[tauri::command]
pub async fn preview_variations_of(
    state: State<'_, RemapState>,
    model_id: ModelId,
    request: VariationRequest,
) -> Result<GenerationPreview, Error> {
    let (parent, generated) = preview_variations(&state.store, model_id, &request).await?;
    preview(parent.params, generated)
}

#[tauri::command]
pub async fn queue_variations(
    state: State<'_, RemapState>,
    model_id: ModelId,
    request: VariationRequest,
) -> Result<Queued, Error> {
    Ok(queued(
        generate_variations(&state.store, model_id, &request).await?,
    ))
}

/// Stores a handcrafted architecture in the session (with `parent` as its lineage, if it
/// started from one) and queues it; an architecture the session already has is an error.
#[tauri::command]
pub async fn queue_handcrafted(
    state: State<'_, RemapState>,
    session_id: SessionId,
    architecture: serde_json::Value,
    parent: Option<ModelId>,
    epochs: Option<u32>,
) -> Result<ModelId, Error> {
    let store = &state.store;
    let architecture =
        Architecture::from_value(&architecture).map_err(|e| Error::Invalid(e.to_string()))?;
    architecture
        .analyze()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let epochs = match (epochs, parent) {
        (Some(epochs), _) => epochs,
        (None, Some(parent)) => store.model(parent).await?.epochs,
        (None, None) => {
            let session = store.session(session_id).await?;
            remap_session::TrainingSettings::from_value(&session.training, &session.name)?.epochs
        }
    };
    let (model, created) = store
        .add_model(
            session_id,
            &NewModel {
                architecture,
                origin: Origin::Handcrafted,
                parent_id: parent,
                changes: vec!["handcrafted".into()],
                epochs,
            },
        )
        .await?;
    if !created {
        return Err(Error::Invalid(format!(
            "the session already has this architecture (model #{})",
            model.id
        )));
    }
    state.scheduler.enqueue(model.id, None).await?;
    Ok(model.id)
}

#[tauri::command]
pub async fn templates(state: State<'_, RemapState>) -> Result<Vec<Template>, Error> {
    Ok(state.store.templates().await?)
}

#[tauri::command]
pub async fn save_template(
    state: State<'_, RemapState>,
    name: String,
    architecture: serde_json::Value,
) -> Result<Template, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::Invalid("a template needs a name".into()));
    }
    let architecture =
        Architecture::from_value(&architecture).map_err(|e| Error::Invalid(e.to_string()))?;
    Ok(state.store.save_template(name, &architecture).await?)
}

#[tauri::command]
pub async fn delete_template(state: State<'_, RemapState>, name: String) -> Result<(), Error> {
    Ok(state.store.delete_template(&name).await?)
}
