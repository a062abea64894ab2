//! REMAP's model generation (spec §3–§4) as plain Rust, usable without Tauri.
//!
//! - [`SearchSpace`]: hyperparameter grids and transition tables as data, with the built-in
//!   `remap-2019` preset (chains), the `residual` preset (residual blocks, spec §9.4) and
//!   validation of user files.
//! - [`Sampler`]: the seeded Markov-chain sampler with REMAP's fit-or-redraw rule and
//!   parameter cap.
//! - [`ablate`] and [`vary`]: children of a model, with [`Child`] lineage (parent hash,
//!   [`Origin`], change texts) and an optional parameter budget.
//!
//! Request and response types are serde types so a thin Tauri command can expose them.

mod ablation;
mod budget;
mod edit_kind;
mod error;
pub mod hyper;
mod lineage;
mod sampler;
mod space;
mod variation;

pub use ablation::{AblationRequest, Generated, Skipped, ablate};
pub use budget::{over_budget, over_budget_reason};
pub use edit_kind::edit_kind;
pub use error::{SamplingError, SpaceError};
pub use hyper::{HValue, Hyperparameter};
pub use lineage::{Change, Child, Origin, apply, diff, diff_layers};
pub use sampler::{DEFAULT_MAX_PARAMS, Sampler, SamplerStats, fits_strictly};
pub use space::{Grids, PRESETS, Phase, Residual, Row, SearchSpace, Step, Table};
pub use variation::{DEFAULT_MAX_ATTEMPTS, Operation, Restriction, VariationRequest, vary};
