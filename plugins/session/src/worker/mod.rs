//! Training in worker processes (`remap worker --stdio`): a crash, an abort or an
//! out-of-memory in training ends that process, never the window or the CLI that queued
//! the job, and each process's thread pool is bounded so parallel jobs do not fight.
//!
//! The parent ([`ProcessRunner`], a [`remap_store::JobRunner`]) keeps a pool of worker
//! processes and talks to each over its stdin and stdout, one JSON message per line
//! ([`message`]); [`serve`] is the worker's side.

pub mod message;
mod process;
mod serve;

pub use process::{ProcessRunner, WorkerCommand, WorkerSettings};
pub use serve::{serve, serve_stdio, watch_sigterm};
