//! REMAP's surrogate (spec §10.1): a Gaussian process over architectures whose kernel is
//! built from OTMANN distances as in NASBOT (Kandasamy et al., NeurIPS 2018), with terms in
//! log(parameters) and a fidelity treatment of partially trained models. It predicts an
//! untrained architecture's accuracy with its uncertainty, counts pending jobs as
//! hallucinated observations, and scores candidates by expected improvement.
//!
//! Plain Rust without `tauri`, for the session layer, the CLI and the benchmarks alike.

mod acquisition;
mod calibration;
mod distances;
mod error;
mod fit;
mod gp;
mod kernel;
mod observation;
mod psd;
mod surrogate;

pub use acquisition::{Prediction, expected_improvement, normal_cdf, normal_pdf};
pub use calibration::{Calibration, spearman};
pub use distances::{COEFFICIENTS, CachedPair, DistanceCache, PairDistances};
pub use error::SurrogateError;
pub use fit::FitOptions;
pub use gp::Posterior;
pub use kernel::{HYPERPARAMETERS, Hyperparameters, LOG_BOUNDS};
pub use observation::{Fidelity, Observation};
pub use psd::{is_psd, project_psd};
pub use surrogate::Surrogate;
