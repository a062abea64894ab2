use std::io;
use std::path::PathBuf;

use remap_architecture::ArchError;

/// Why a model cannot be exported, or where writing it failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the architecture does not fit its input: {0}")]
    Architecture(#[from] ArchError),
    #[error("the weights do not match the architecture: {0}")]
    Weights(String),
    #[error("{found} class names for an architecture with {expected} classes")]
    Classes { found: usize, expected: u32 },
    #[error("the normalisation's {what} has {found} values for {channels} channels")]
    Normalization {
        what: &'static str,
        found: usize,
        channels: u32,
    },
    #[error("unknown export format `{0}` (json, safetensors, onnx, pytorch, card)")]
    UnknownFormat(String),
    #[error("no export format chosen")]
    NoFormat,
    #[error("{path} is not empty; force writing into it (`--force`) or choose another folder")]
    NotEmpty { path: PathBuf },
    #[error("{path} exists and is not a folder")]
    NotAFolder { path: PathBuf },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("cannot serialise the safetensors file: {0}")]
    Safetensors(String),
}
