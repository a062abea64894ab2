use serde::{Serialize, Serializer};

/// What a session command reports to the UI: the reason, as text.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(#[from] remap_session::SessionError);

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}
