use serde::{Serialize, Serializer};

/// What a metrics command reports to the UI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Metrics(#[from] remap_metrics::MetricsError),
    #[error("architecture {index}: {source}")]
    Architecture {
        index: usize,
        source: remap_architecture::ArchError,
    },
    #[error("the computation was interrupted: {0}")]
    Join(String),
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}
