//! REMAP's metrics (spec §6): the OTMANN structural distance and the prediction distance
//! between models, distance matrices that grow incrementally, 2-D MDS projections (SMACOF)
//! that stay put when models are added, landmark maps of any size (no n × n matrix above
//! 2,000 models, packed predictions), and the accuracy-vs-size view with its Pareto front.
//!
//! Everything here is plain Rust without `tauri`, for the CLI, tests and benchmarks alike.

mod error;
pub mod incremental;
pub mod label;
pub mod landmark;
pub mod map;
pub mod matrix;
pub mod network;
pub mod otmann;
pub mod packed;
pub mod prediction;
pub mod procrustes;
pub mod sampled_stress;
pub mod smacof;
pub mod torgerson;
pub mod tradeoff;
pub mod transport;

pub use error::MetricsError;
pub use incremental::{IncrementalLayout, Movement, project_incremental};
pub use label::Label;
pub use landmark::{LandmarkLayout, LandmarkOptions, Landmarks, landmark_layout};
pub use map::{FULL_LAYOUT_UP_TO, Map, MapMethod, map};
pub use matrix::DistanceMatrix;
pub use network::OtmannNetwork;
pub use otmann::{OtmannAt, OtmannVariant, otmann, otmann_at, otmann_normalized};
pub use packed::PackedPredictions;
pub use prediction::prediction_distance;
pub use sampled_stress::{has_drifted, sampled_stress};
pub use smacof::{Layout, SmacofOptions, kruskal_stress, project, smacof};
pub use torgerson::torgerson;
pub use tradeoff::{ModelScore, accuracy_size_coords, pareto_front};
