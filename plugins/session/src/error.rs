//! What can go wrong in the application layer, saying what and where.

use remap_store::{ModelId, StoreError};

/// An error of sessions, children or the trainer runner.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("data set `{dataset}`: {detail}")]
    Dataset { dataset: String, detail: String },
    #[error("sampling: {0}")]
    Sampling(#[from] remap_sampling::SamplingError),
    #[error("session `{session}`: stored {column} cannot be read: {detail}")]
    Settings {
        session: String,
        column: &'static str,
        detail: String,
    },
    #[error("model {model} is not in session `{session}`")]
    ModelNotInSession { model: ModelId, session: String },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Import(#[from] remap_onnx::ImportError),
}
