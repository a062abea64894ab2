//! Children of a stored model (ablations and variations), stored with their lineage and
//! queued to train for the parent's epochs.

use remap_sampling::{AblationRequest, Child, Generated, SearchSpace, Skipped, VariationRequest};
use remap_store::{Job, Model, ModelId, NewModel, Scheduler, Session, SessionId, Store};

use crate::error::SessionError;
use crate::settings::TrainingSettings;

/// What a generation request added to the session.
#[derive(Clone, Debug)]
pub struct Children {
    pub parent: Model,
    /// New models and their jobs, in generation order.
    pub queued: Vec<(Model, Job)>,
    /// Children not made (invalid, duplicate of a model of the session, …).
    pub skipped: Vec<Skipped>,
    /// Children over the parameter budget.
    pub dropped_over_budget: usize,
}

/// The ablations of `model` (one child per selected layer, that layer removed), without
/// storing them: a preview. No child repeats a model of the session; a request without a
/// budget has the session's.
pub async fn preview_ablations(
    store: &Store,
    model: ModelId,
    request: &AblationRequest,
) -> Result<(Model, Generated), SessionError> {
    let parent = store.model(model).await?;
    let mut request = request.clone();
    request.existing = session_hashes(store, &parent).await?;
    request.max_params = request
        .max_params
        .or(store.session(parent.session_id).await?.budget);
    let generated = remap_sampling::ablate(&parent.architecture, &request)?;
    Ok((parent, generated))
}

/// The ablations of [`preview_ablations`], stored with their lineage and queued to train
/// for the parent's epochs.
pub async fn generate_ablations(
    scheduler: &Scheduler,
    model: ModelId,
    request: &AblationRequest,
) -> Result<Children, SessionError> {
    let (parent, generated) = preview_ablations(scheduler.store(), model, request).await?;
    store_children(scheduler, parent, generated).await
}

/// `request.count` variations of `model` drawn from its session's search space, without
/// storing them: a preview (the same request generates the same children again). No child
/// repeats a model of the session; a request without a budget has the session's.
pub async fn preview_variations(
    store: &Store,
    model: ModelId,
    request: &VariationRequest,
) -> Result<(Model, Generated), SessionError> {
    let parent = store.model(model).await?;
    let session = store.session(parent.session_id).await?;
    let space = space_of(&session)?;
    let mut request = request.clone();
    request.existing = session_hashes(store, &parent).await?;
    request.max_params = request.max_params.or(session.budget);
    let generated = remap_sampling::vary(&parent.architecture, &space, &request)?;
    Ok((parent, generated))
}

/// The search space a session samples and varies its models in (the Generate tab's value
/// pickers offer its grids).
pub async fn session_space(store: &Store, session: SessionId) -> Result<SearchSpace, SessionError> {
    space_of(&store.session(session).await?)
}

fn space_of(session: &Session) -> Result<SearchSpace, SessionError> {
    serde_json::from_value(session.search_space.clone()).map_err(|e| SessionError::Settings {
        session: session.name.clone(),
        column: "search_space",
        detail: e.to_string(),
    })
}

/// The variations of [`preview_variations`], stored with their lineage and queued to train
/// for the parent's epochs.
pub async fn generate_variations(
    scheduler: &Scheduler,
    model: ModelId,
    request: &VariationRequest,
) -> Result<Children, SessionError> {
    let (parent, generated) = preview_variations(scheduler.store(), model, request).await?;
    store_children(scheduler, parent, generated).await
}

async fn session_hashes(store: &Store, parent: &Model) -> Result<Vec<String>, SessionError> {
    Ok(store
        .models(parent.session_id)
        .await?
        .into_iter()
        .map(|model| model.hash)
        .collect())
}

async fn store_children(
    scheduler: &Scheduler,
    parent: Model,
    generated: Generated,
) -> Result<Children, SessionError> {
    let mut skipped = generated.skipped;
    let session = scheduler.store().session(parent.session_id).await?;
    let mut queued = Vec::new();
    for child in generated.children {
        let Child {
            architecture,
            origin,
            changes,
            hash,
            ..
        } = child;
        let new = NewModel {
            architecture,
            origin,
            parent_id: Some(parent.id),
            changes,
            epochs: parent.epochs,
        };
        let (model, created) = scheduler.store().add_model(parent.session_id, &new).await?;
        if !created {
            // Another process added it since the hashes were read.
            skipped.push(Skipped {
                layer: None,
                reason: format!("model {} of the session already has hash {hash}", model.id),
            });
            continue;
        }
        let rung = TrainingSettings::first_rung_of(&session, model.epochs)?;
        let job = scheduler.enqueue(model.id, None, rung).await?;
        queued.push((model, job));
    }
    Ok(Children {
        parent,
        queued,
        skipped,
        dropped_over_budget: generated.dropped_over_budget,
    })
}

/// The seed of a variation request that names none: the session seed plus the number of its
/// models, so that repeated requests differ and a new session repeats an old one's.
pub async fn variation_seed(store: &Store, session: SessionId) -> Result<u64, SessionError> {
    let seed = store.session(session).await?.seed;
    Ok(seed.wrapping_add(store.models(session).await?.len() as u64))
}
