//! REMAP's metrics (spec §6): the OTMANN structural distance and the prediction distance
//! between models, distance matrices that grow incrementally, 2-D MDS projections (SMACOF)
//! that stay put when models are added, and the accuracy-vs-size view with its Pareto front.
//!
//! Everything here is plain Rust without `tauri`, for the CLI, tests and benchmarks alike.

mod error;
pub mod incremental;
pub mod label;
pub mod matrix;
pub mod network;
pub mod otmann;
pub mod prediction;
pub mod procrustes;
pub mod smacof;
pub mod torgerson;
pub mod tradeoff;
pub mod transport;

pub use error::MetricsError;
pub use incremental::{IncrementalLayout, Movement, project_incremental};
pub use label::Label;
pub use matrix::DistanceMatrix;
pub use network::OtmannNetwork;
pub use otmann::{OtmannVariant, otmann, otmann_normalized};
pub use prediction::prediction_distance;
pub use smacof::{Layout, SmacofOptions, kruskal_stress, project, smacof};
pub use torgerson::torgerson;
pub use tradeoff::{ModelScore, accuracy_size_coords, pareto_front};
