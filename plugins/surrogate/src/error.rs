//! What can go wrong when fitting or querying the surrogate.

use remap_architecture::ArchError;
use thiserror::Error;

/// Why the surrogate could not be fitted or queried.
#[derive(Debug, Error)]
pub enum SurrogateError {
    /// A Gaussian process needs at least one observation.
    #[error("no observations to fit the surrogate to")]
    NoObservations,
    /// An observation's accuracy is not a number in [0, 1].
    #[error("observation {index}: accuracy {value} is not in [0, 1]")]
    Accuracy {
        /// Position of the observation in the list.
        index: usize,
        /// The value given.
        value: f64,
    },
    /// An observation's epochs are zero or beyond its planned epochs.
    #[error("observation {index}: {epochs} of {max_epochs} epochs (need 1 ≤ epochs ≤ max_epochs)")]
    Epochs {
        /// Position of the observation in the list.
        index: usize,
        /// Epochs trained.
        epochs: u32,
        /// Epochs planned.
        max_epochs: u32,
    },
    /// An architecture whose layers do not fit together (no parameter count).
    #[error("{what}: {source}")]
    Architecture {
        /// Which architecture: `observation 3`, `query`, `pending 1`.
        what: String,
        /// Why it does not fit together.
        source: Box<ArchError>,
    },
    /// The kernel matrix stayed singular after projection and jitter.
    #[error("the kernel matrix is not positive definite even with jitter {jitter:e}")]
    NotPositiveDefinite {
        /// The largest jitter tried.
        jitter: f64,
    },
}
