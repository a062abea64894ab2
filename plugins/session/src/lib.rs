//! REMAP's application layer, shared by the `remap` CLI and the desktop app (no Tauri here).
//!
//! - [`create_session`]: a new session samples its initial models with the session seed
//!   (REMAP's preprocessing stage), stores them and queues them all.
//! - [`generate_ablations`] / [`generate_variations`]: children of a stored model, stored
//!   with their lineage and queued to train for the parent's epochs.
//! - [`TrainerRunner`]: the queue's [`remap_store::JobRunner`] backed by the burn trainer,
//!   with per-epoch checkpoints that a restarted process resumes from.
//! - [`session_map`]: the Model Overview's prediction and structure maps, cached and grown
//!   incrementally as models finish.
//! - [`model_rows`]: one row per model with its latest job and result, for status views.

mod children;
mod create;
mod data;
mod error;
mod export;
mod layout;
mod runner;
mod settings;
mod status;

pub use children::{
    Children, generate_ablations, generate_variations, preview_ablations, preview_variations,
    session_space,
};
pub use create::{DEFAULT_MODELS, SessionSpec, create_session};
pub use data::{DataCache, load_session_data};
pub use error::SessionError;
pub use export::{protocol_settings, trained_model};
pub use layout::{Map, MapKind, MapModel, session_map};
pub use runner::TrainerRunner;
pub use settings::{DEFAULT_SKETCHES_PER_CLASS, DataOptions, TrainingSettings};
pub use status::{ModelRow, model_rows};

/// The device choice of [`TrainingSettings`], re-exported for front ends.
pub use remap_training::DeviceChoice;
