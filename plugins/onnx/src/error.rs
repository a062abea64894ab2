//! Why a graph does not import: a node REMAP cannot express (a [`Refusal`], located), a
//! graph it cannot read, or a net whose layers do not fit together.

use remap_architecture::ArchError;
use serde::Serialize;
use thiserror::Error;

/// A node of the graph REMAP's format cannot express: where it is, why, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The node's op type, e.g. `BatchNormalization`.
    pub op: String,
    /// The node's name (or `#index` for an unnamed node).
    pub node: String,
    /// What about it REMAP cannot express.
    pub reason: String,
    /// What to change before exporting again.
    pub suggestion: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "node `{}` ({}): {}; {}",
            self.node, self.op, self.reason, self.suggestion
        )
    }
}

/// Why an ONNX model does not import.
#[derive(Debug, Error)]
pub enum ImportError {
    /// The bytes are not an ONNX model.
    #[error("not an ONNX model: {0}")]
    Decode(String),
    /// A node REMAP's format cannot express.
    #[error("cannot import: {0}")]
    Refused(Refusal),
    /// A node the importer cannot read (missing input, attribute or constant).
    #[error("node `{node}` ({op}): {reason}")]
    Malformed {
        op: String,
        node: String,
        reason: String,
    },
    /// Something about the graph as a whole: its input or output.
    #[error("the graph {0}")]
    Graph(String),
    /// The layers read from the graph do not make a valid architecture.
    #[error("the imported layers are not a valid architecture: {0}")]
    Invalid(#[from] ArchError),
}

impl ImportError {
    /// The refusal, when a node was refused.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            ImportError::Refused(r) => Some(r),
            _ => None,
        }
    }
}
