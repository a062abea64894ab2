//! The types that cross the IPC boundary.

use serde::{Deserialize, Serialize};

pub use remap_metrics::{IncrementalLayout, Layout, ModelScore, Movement};

/// A projection request: a square dissimilarity matrix and, for an incremental layout, the
/// previous coordinates of its first models.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectRequest {
    pub matrix: Vec<Vec<f64>>,
    #[serde(default)]
    pub previous: Option<Vec<[f64; 2]>>,
}

/// A layout and, when it grew from a previous one, how far the old points moved.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Projection {
    pub coords: Vec<[f64; 2]>,
    pub stress: f64,
    pub moved: Option<Movement>,
}
