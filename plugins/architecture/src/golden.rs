//! The spec's reference file (`shared/spec/golden/otmann_reference.json`), which tests in
//! several crates check against.

use std::path::PathBuf;

use serde::Deserialize;

use crate::Architecture;

/// Contents of the golden file: eight nets with their parameters, OTMANN masses and
/// distance matrices as REMAP's own code computed them.
#[derive(Debug, Deserialize)]
pub struct Golden {
    pub archs: Vec<Architecture>,
    pub params: Vec<u64>,
    pub masses: Vec<Vec<f64>>,
    pub otmann: Vec<Vec<f64>>,
    pub otmann_normalized: Vec<Vec<f64>>,
}

/// Where the spec folder is: `REMAP_SPEC_DIR`, else `shared/spec` beside the repository.
pub fn spec_dir() -> PathBuf {
    std::env::var_os("REMAP_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec"))
}

/// Path of the golden OTMANN reference file.
pub fn path() -> PathBuf {
    spec_dir().join("golden/otmann_reference.json")
}

/// Raw text of the golden file.
pub fn text() -> String {
    let p = path();
    std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!(
            "cannot read the spec's golden file {}: {e} (set REMAP_SPEC_DIR to the spec folder)",
            p.display()
        )
    })
}

/// Loads the golden file.
pub fn load() -> Golden {
    serde_json::from_str(&text()).expect("the golden file parses")
}
