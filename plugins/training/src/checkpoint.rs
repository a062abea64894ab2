//! Files a run leaves behind: per-epoch checkpoints to resume from and the final weights.
//!
//! Every file is written to a temporary name and renamed into place, so a run killed at any
//! moment leaves either the previous file or the new one, never half of one. A checkpoint's
//! model and optimizer files carry the epoch number and `state.json`, renamed last, names
//! them; a crash between the renames therefore still resumes from a consistent set.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::store::ModuleRecord;
use burn::tensor::{Bytes, Device};
use remap_architecture::Architecture;
use serde::{Deserialize, Serialize};

use crate::adam::{Adam, AdamStateError};
use crate::model::{ModelError, Net};
use crate::protocol::{EarlyStopping, Protocol};
use crate::report::EpochRecord;

/// Why a checkpoint or weights file cannot be written or read.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
    #[error("{path}: checkpoint of another run (architecture {found}, this run {expected})")]
    OtherRun {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("{path}: {source}")]
    Optimizer {
        path: PathBuf,
        source: AdamStateError,
    },
    #[error(transparent)]
    Model(#[from] ModelError),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> CheckpointError + '_ {
    move |source| CheckpointError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CheckpointError> {
    remap_files::write_atomic(path, bytes).map_err(io_err(path))
}

/// The weights of `net` as bytes (burn's burnpack format).
pub fn weights_to_bytes(net: &Net, path: &Path) -> Result<Vec<u8>, CheckpointError> {
    let bytes = net
        .clone()
        .into_record()
        .into_bytes()
        .map_err(|e| CheckpointError::Format {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    Ok(bytes.to_vec())
}

/// Saves the weights of `net` to `path`.
pub fn save_weights(net: &Net, path: &Path) -> Result<(), CheckpointError> {
    write_atomic(path, &weights_to_bytes(net, path)?)
}

/// Builds `arch` on `device` and loads the weights saved at `path` into it.
pub fn load_weights(
    arch: &Architecture,
    path: &Path,
    device: &Device,
) -> Result<Net, CheckpointError> {
    let bytes = fs::read(path).map_err(io_err(path))?;
    let format = |e: burn::store::RecordError| CheckpointError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(bytes)).map_err(format)?;
    Net::new(arch, 0, device)?
        .try_load_record(record)
        .map_err(format)
}

/// What `state.json` holds: the run so far and the files of its last completed epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckpointState {
    pub arch_hash: String,
    pub seed: u64,
    pub protocol: Protocol,
    /// Completed epochs, in order.
    pub epochs: Vec<EpochRecord>,
    pub early_stopping: EarlyStopping,
    pub model_file: String,
    pub optimizer_file: String,
}

/// A run restored from its last checkpoint.
pub struct Resumed {
    pub state: CheckpointState,
    pub net: Net,
    pub adam: Adam,
}

/// The checkpoint folder of one run.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    dir: PathBuf,
}

const STATE: &str = "state.json";

impl Checkpoint {
    /// Checkpoints in `dir` (created on the first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Saves the state after a completed epoch, then removes older epochs' files.
    pub fn save(
        &self,
        mut state: CheckpointState,
        net: &Net,
        adam: &Adam,
    ) -> Result<(), CheckpointError> {
        fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        let epoch = state.epochs.len();
        state.model_file = format!("model-epoch{epoch}.bpk");
        state.optimizer_file = format!("optimizer-epoch{epoch}.bin");
        let model = self.dir.join(&state.model_file);
        save_weights(net, &model)?;
        write_atomic(&self.dir.join(&state.optimizer_file), &adam.to_bytes(net))?;
        let json = serde_json::to_vec_pretty(&state).expect("state serialises");
        write_atomic(&self.dir.join(STATE), &json)?;
        // Only now are the previous epoch's files unreferenced.
        if let Ok(entries) = fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let ours = name.starts_with("model-epoch") || name.starts_with("optimizer-epoch");
                if ours && name != state.model_file && name != state.optimizer_file {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        Ok(())
    }

    /// The last completed epoch's state, if a checkpoint exists. `device` is where training
    /// continues (an autodiff device).
    pub fn load(
        &self,
        arch: &Architecture,
        epsilon: f64,
        device: &Device,
    ) -> Result<Option<Resumed>, CheckpointError> {
        let path = self.dir.join(STATE);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_err(&path)(e)),
        };
        let state: CheckpointState =
            serde_json::from_str(&text).map_err(|e| CheckpointError::Format {
                path: path.clone(),
                message: e.to_string(),
            })?;
        if state.arch_hash != arch.hash() {
            return Err(CheckpointError::OtherRun {
                path,
                found: state.arch_hash,
                expected: arch.hash(),
            });
        }
        let net = load_weights(arch, &self.dir.join(&state.model_file), device)?;
        let opt_path = self.dir.join(&state.optimizer_file);
        let bytes = fs::read(&opt_path).map_err(io_err(&opt_path))?;
        let adam = Adam::from_bytes(epsilon, &bytes, &net, device).map_err(|source| {
            CheckpointError::Optimizer {
                path: opt_path,
                source,
            }
        })?;
        Ok(Some(Resumed { state, net, adam }))
    }
}
