//! REMAP's application layer, shared by the `remap` CLI and the desktop app (no Tauri here).
//!
//! [`App`] holds the session database, the training queue and its burn trainer; every use
//! case the window and the CLI share is one of its methods, grouped by panel:
//!
//! - sessions (`sessions.rs`): create (REMAP's preprocessing stage samples the initial
//!   models with the session seed and queues them), list, rename, delete, status;
//! - the Model Overview (`overview.rs`): models, the prediction and structure maps (cached
//!   and grown incrementally as models finish, `layout.rs`), the size view, the Pareto front;
//! - the Inspector, Data Selector and Drawer (`inspect.rs`, `handcraft.rs`);
//! - the Generate Models tab (`generate.rs`, `handcraft.rs`): ablations and variations,
//!   previewed then stored with their lineage and queued; handcrafted models and templates;
//! - the Queue tab and `remap session run` (`queue.rs`): order, cancel, retry, pause, train;
//! - edit effects over the session's children (`effects.rs`);
//! - suggestions of what to train next, by the surrogate of spec §10.1 (`suggest.rs`);
//! - export (`export.rs`);
//! - workers on other machines and the engines that start them (`cluster`).
//!
//! What crosses to the window is in [`views`]; its TypeScript types are generated from it.

mod app;
mod around;
mod children;
pub mod cluster;
mod create;
mod data;
mod effects;
mod error;
mod export;
mod focus;
mod generate;
mod handcraft;
mod import;
mod inspect;
mod layout;
pub mod machine;
mod overview;
mod queue;
mod runner;
mod sessions;
mod settings;
mod status;
mod suggest;
mod ui_state;
pub mod views;
pub mod worker;

pub use app::App;
pub use around::{Around, around_models};
pub use children::{
    Children, generate_ablations, generate_variations, preview_ablations, preview_variations,
    session_space, variation_seed,
};
pub use create::{DEFAULT_MODELS, SessionSpec, create_session};
pub use data::{DataCache, load_session_data};
pub use effects::{EditEffect, EffectPoint, Effects, Spread, effects};
pub use error::SessionError;
pub use export::{protocol_settings, trained_model};
pub use focus::{Focus, FocusObjective, FocusScore};
pub use handcraft::edit_architecture;
pub use import::{ImportFormat, ImportedNet};
pub use layout::{Map, MapKind, MapModel, session_map};
pub use machine::{MachineSettings, Parallelism};
pub use overview::Ranking;
pub use queue::Training;
pub use runner::{TrainOverrides, TrainerRunner};
pub use sessions::SessionStatus;
pub use settings::{DEFAULT_SKETCHES_PER_CLASS, DataOptions, Screening, TrainingSettings};
pub use status::{ModelRow, model_rows};
pub use suggest::Suggestion;
pub use ui_state::UiState;

/// The device choice of [`TrainingSettings`], re-exported for front ends.
pub use remap_training::DeviceChoice;
