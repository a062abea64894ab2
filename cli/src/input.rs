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
