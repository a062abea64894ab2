//! Optional class-name files (one name per line) that some data sets ship beside their data.

use std::path::Path;

use crate::DatasetError;

/// The non-empty, trimmed lines of `path`, or `None` when the file does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<Vec<String>>, DatasetError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(DatasetError::io(path.to_path_buf(), e)),
    }
}
