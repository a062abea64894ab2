//! Crash-safe files next to the database (weights, checkpoints).

use std::path::Path;

use crate::error::StoreError;

/// Writes `bytes` to `path` so that a crash leaves either the old file or the new one
/// ([`remap_files::write_atomic`]), with the store's error naming the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    remap_files::write_atomic(path, bytes).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })
}
