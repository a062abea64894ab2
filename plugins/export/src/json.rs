//! The architecture as spec §2 JSON, with its parameter count and hash.

use remap_architecture::Architecture;
use serde::Serialize;

use crate::ExportError;

/// The architecture's own fields in their canonical order, then the two extras.
#[derive(Serialize)]
struct WithFacts<'a> {
    #[serde(flatten)]
    arch: &'a Architecture,
    params: u64,
    hash: String,
}

/// Pretty spec §2 JSON of `arch` (defaults written out) plus `params` and `hash`, which
/// readers of the format ignore.
pub fn architecture_json(arch: &Architecture) -> Result<String, ExportError> {
    let facts = WithFacts {
        arch,
        params: arch.params()?,
        hash: arch.hash(),
    };
    let mut text = serde_json::to_string_pretty(&facts).expect("an architecture serialises");
    text.push('\n');
    Ok(text)
}
