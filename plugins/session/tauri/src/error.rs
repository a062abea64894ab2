use serde::{Serialize, Serializer};

/// What a session command reports to the UI: the reason, as text.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Session(#[from] remap_session::SessionError),
    #[error(transparent)]
    Store(#[from] remap_store::StoreError),
    #[error("architecture of model {model}: {source}")]
    Architecture {
        model: i64,
        source: remap_architecture::ArchError,
    },
    #[error("{0}")]
    Invalid(String),
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}
