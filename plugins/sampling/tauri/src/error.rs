use serde::{Serialize, Serializer};

/// What a sampling command reports to the UI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Sampling(#[from] remap_sampling::SamplingError),
    #[error("search space: {0}")]
    Space(#[from] remap_sampling::SpaceError),
    #[error("parent architecture: {0}")]
    Architecture(#[from] remap_architecture::ArchError),
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}
