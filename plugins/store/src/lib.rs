//! REMAP's persistence and training queue.
//!
//! [`Store`] keeps everything a user expects to find again: sessions, models, training
//! runs, queue jobs, the Model Drawer, handcrafted templates and cached distances/layouts,
//! in one SQLite file (the default, under the platform's data directory) or PostgreSQL,
//! with weights and checkpoints in crash-safe files beside it. [`Scheduler`] trains queued
//! jobs through a [`JobRunner`] and announces [`QueueEvent`]s.

mod artifacts;
mod cache;
mod convert;
mod drawer;
pub mod entities;
mod error;
mod events;
pub mod files;
mod jobs;
mod location;
mod models;
mod passfile;
mod queue;
mod runner;
mod runs;
pub mod screening;
mod sessions;
mod store;
mod templates;
mod types;
mod workers;

#[cfg(feature = "testing")]
pub mod testing;

pub use artifacts::{ArtifactStore, StoredWeights, checkpoint_folder};
pub use error::StoreError;
pub use events::QueueEvent;
pub use files::write_atomic;
pub use jobs::{Heartbeat, RunRecord};
pub use location::{DATA_DIR_ENV, Location, data_dir, mask_url};
pub use passfile::{PASSFILE_ENV, passfile_line, write_passfile};
pub use queue::{MAX_ATTEMPTS, RunUntil, Scheduler, SchedulerConfig, default_worker_id, host_name};
pub use runner::{CancelFlag, JobRunner, JobSpec, Progress, RunError, RunOutcome};
pub use store::Store;
pub use types::*;
pub use workers::WorkerInfo;
