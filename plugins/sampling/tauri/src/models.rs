//! The types that cross the IPC boundary.

use remap_architecture::Input;
use serde::Deserialize;

pub use remap_sampling::{
    AblationRequest, Child, Generated, SearchSpace, Skipped, VariationRequest,
};

/// A request to sample models from a search space (the built-in preset when none is given).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SampleRequest {
    pub input: Input,
    pub classes: u32,
    pub count: usize,
    pub seed: u64,
    #[serde(default)]
    pub space: Option<SearchSpace>,
    #[serde(default)]
    pub max_params: Option<u64>,
}
