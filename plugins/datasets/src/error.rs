//! The one error type of the crate: every variant says what is wrong and where.

use std::path::PathBuf;

/// Why a data set could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A `--dataset` value that is not one of the known sources.
    #[error(
        "unknown data set {0:?}: expected sketches, quickdraw:DIR, cifar10:DIR, mnist:DIR or folder:DIR"
    )]
    UnknownSource(String),
    /// A file or folder the source needs does not exist.
    #[error("{}: missing ({what})", path.display())]
    Missing { path: PathBuf, what: String },
    /// A file exists but could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file is shorter than its header or format says it must be.
    #[error("{}: truncated: expected {expected} bytes, found {found}", path.display())]
    Truncated {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    /// A file's contents do not match its format.
    #[error("{}: {reason}", path.display())]
    Malformed { path: PathBuf, reason: String },
    /// A requested class is not in the data set.
    #[error("unknown class {name:?}; available classes: {}", available.join(", "))]
    UnknownClass {
        name: String,
        available: Vec<String>,
    },
    /// An option value that cannot be used.
    #[error("invalid option {option}: {reason}")]
    InvalidOption {
        option: &'static str,
        reason: String,
    },
    /// The selection leaves no training images.
    #[error("data set {name} has no training images after applying the options")]
    Empty { name: String },
}

impl DatasetError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        let path = path.into();
        if source.kind() == std::io::ErrorKind::NotFound {
            Self::Missing {
                path,
                what: "no such file".into(),
            }
        } else {
            Self::Io { path, source }
        }
    }

    pub(crate) fn malformed(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self::Malformed {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
