//! REMAP's model generation (spec §3–§4) as plain Rust, usable without Tauri.
//!
//! - [`SearchSpace`]: hyperparameter grids and transition tables as data, with the built-in
//!   `remap-2019` preset and validation of user files.
//! - [`Sampler`]: the seeded Markov-chain sampler with REMAP's fit-or-redraw rule and
//!   parameter cap.

mod error;
pub mod hyper;
mod sampler;
mod space;

pub use error::{SamplingError, SpaceError};
pub use hyper::{HValue, Hyperparameter};
pub use sampler::{DEFAULT_MAX_PARAMS, Sampler, SamplerStats, fits_strictly};
pub use space::{Grids, Phase, Row, SearchSpace, Step, Table};
