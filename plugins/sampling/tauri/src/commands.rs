//! Thin commands: parse, delegate to `remap_sampling`, return.

use remap_architecture::Architecture;
use remap_sampling::{Sampler, SearchSpace};

use crate::{AblationRequest, Error, Generated, SampleRequest, VariationRequest};

/// The built-in `remap-2019` search space, for display and editing.
#[tauri::command]
pub fn search_space() -> SearchSpace {
    SearchSpace::remap_2019()
}

/// Samples `count` architectures with the session seed.
#[tauri::command]
pub fn sample(request: SampleRequest) -> Vec<Architecture> {
    let space = request.space.unwrap_or_else(SearchSpace::remap_2019);
    let mut sampler = Sampler::new(space, request.input, request.classes, request.seed);
    if let Some(cap) = request.max_params {
        sampler = sampler.with_max_params(cap);
    }
    sampler.sample_many(request.count)
}

/// One child per selected layer with that layer removed.
#[tauri::command]
pub fn ablate(parent: serde_json::Value, request: AblationRequest) -> Result<Generated, Error> {
    let parent = Architecture::from_value(&parent)?;
    Ok(remap_sampling::ablate(&parent, &request)?)
}

/// Random constrained variations of the parent.
#[tauri::command]
pub fn vary(
    parent: serde_json::Value,
    request: VariationRequest,
    space: Option<SearchSpace>,
) -> Result<Generated, Error> {
    let parent = Architecture::from_value(&parent)?;
    let space = space.unwrap_or_else(SearchSpace::remap_2019);
    Ok(remap_sampling::vary(&parent, &space, &request)?)
}
