//! Reading the CLI's input files (`-` is standard input).

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};

/// The whole text of FILE, or of standard input when FILE is `-`.
pub fn read_text(file: &Path) -> Result<String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
    }
}

/// The whole content of FILE, or of standard input when FILE is `-`.
pub fn read_bytes(file: &Path) -> Result<Vec<u8>> {
    if file == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        Ok(bytes)
    } else {
        std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
    }
}
