//! The Generate Models tab and `remap session ablate|vary`: children of a model, previewed
//! and then stored and queued.

use remap_architecture::Snac;
use remap_sampling::{AblationRequest, Generated, SearchSpace, VariationRequest};
use remap_store::{ModelId, SessionId};

use crate::app::App;
use crate::children::{
    Children, generate_ablations, generate_variations, preview_ablations, preview_variations,
    session_space,
};
use crate::error::SessionError;
use crate::views::{ChildPreview, GenerationPreview, Queued, QueuedModel};

impl App {
    /// The ablations `request` would make of `model_id`, not stored.
    pub async fn preview_ablations(
        &self,
        model_id: ModelId,
        request: &AblationRequest,
    ) -> Result<GenerationPreview, SessionError> {
        let (parent, generated) = preview_ablations(self.store(), model_id, request).await?;
        preview(parent.params, generated)
    }

    /// Stores and queues the ablations of [`App::preview_ablations`].
    pub async fn queue_ablations(
        &self,
        model_id: ModelId,
        request: &AblationRequest,
    ) -> Result<Queued, SessionError> {
        let children = generate_ablations(self.scheduler(), model_id, request).await?;
        Ok(queued(&children))
    }

    /// The variations `request` would make of `model_id`, not stored (the same request
    /// makes the same children).
    pub async fn preview_variations(
        &self,
        model_id: ModelId,
        request: &VariationRequest,
    ) -> Result<GenerationPreview, SessionError> {
        let (parent, generated) = preview_variations(self.store(), model_id, request).await?;
        preview(parent.params, generated)
    }

    /// Stores and queues the variations of [`App::preview_variations`].
    pub async fn queue_variations(
        &self,
        model_id: ModelId,
        request: &VariationRequest,
    ) -> Result<Queued, SessionError> {
        let children = generate_variations(self.scheduler(), model_id, request).await?;
        Ok(queued(&children))
    }

    /// The search space whose grids the variation and handcrafting pickers offer: the
    /// session's own, or the built-in `remap-2019` space without a session.
    pub async fn search_space(
        &self,
        session_id: Option<SessionId>,
    ) -> Result<SearchSpace, SessionError> {
        match session_id {
            Some(id) => session_space(self.store(), id).await,
            None => Ok(SearchSpace::remap_2019()),
        }
    }
}

fn preview(parent_params: u64, generated: Generated) -> Result<GenerationPreview, SessionError> {
    let children = generated
        .children
        .into_iter()
        .map(|child| {
            let snac =
                Snac::of(&child.architecture).map_err(|e| SessionError::Invalid(e.to_string()))?;
            Ok(ChildPreview {
                delta_params: child.params as i64 - parent_params as i64,
                snac,
                params: child.params,
                hash: child.hash,
                changes: child.changes,
                architecture: child.architecture,
            })
        })
        .collect::<Result<_, SessionError>>()?;
    Ok(GenerationPreview {
        children,
        skipped: generated.skipped,
        dropped_over_budget: generated.dropped_over_budget,
    })
}

/// What the window and the CLI report of queued children.
pub(crate) fn queued(children: &Children) -> Queued {
    Queued {
        models: children
            .queued
            .iter()
            .map(|(model, job)| QueuedModel {
                id: model.id,
                job: job.id,
                hash: model.hash.clone(),
                origin: model.origin,
                parent: model.parent_id,
                params: model.params,
                changes: model.changes.clone(),
                architecture: model.architecture.clone(),
            })
            .collect(),
        skipped: children.skipped.clone(),
        dropped_over_budget: children.dropped_over_budget,
    }
}
