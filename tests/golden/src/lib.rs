//! The spec's reference file, `otmann_reference.json` (eight golden nets with their parameter
//! counts, OTMANN masses and distance matrices as REMAP's own code computed them), copied into
//! the repository so that a plain clone tests on its own. Tests only: no production crate
//! depends on this one.

use remap_architecture::Architecture;
use serde::Deserialize;

/// The reference file's text, as copied from `shared/spec/golden/otmann_reference.json`.
pub const TEXT: &str = include_str!("../otmann_reference.json");

/// Contents of the golden file.
#[derive(Debug, Deserialize)]
pub struct Golden {
    pub archs: Vec<Architecture>,
    pub params: Vec<u64>,
    pub masses: Vec<Vec<f64>>,
    pub otmann: Vec<Vec<f64>>,
    pub otmann_normalized: Vec<Vec<f64>>,
}

/// The golden file, parsed.
pub fn load() -> Golden {
    serde_json::from_str(TEXT).expect("the golden file parses")
}

/// Graph nets (spec §9.4) whose shapes and parameter counts tests check against PyTorch's.
pub mod graphs {
    /// The residual block of spec §9.4 on CIFAR-sized input.
    pub const RESIDUAL: &str = r#"{"input": {"height": 32, "width": 32, "channels": 3}, "classes": 10,
     "layers": [
      {"type": "conv2d", "filters": 32, "kernel": 3, "padding": "same"},
      {"type": "activation", "function": "relu"},
      {"type": "conv2d", "filters": 32, "kernel": 3, "padding": "same"},
      {"type": "activation", "function": "relu"},
      {"type": "add", "inputs": [3, 1]},
      {"type": "maxpool2d", "size": 2},
      {"type": "dense", "units": 64}]}"#;

    /// Two branches from the image (3×3 and 5×5), joined by concat.
    pub const TWO_BRANCH: &str = r#"{"input": {"height": 28, "width": 28, "channels": 1}, "classes": 10,
     "layers": [
      {"type": "conv2d", "filters": 8, "kernel": 3, "padding": "same"},
      {"type": "activation", "function": "relu"},
      {"type": "conv2d", "filters": 8, "kernel": 5, "padding": "same", "inputs": ["input"]},
      {"type": "activation", "function": "relu"},
      {"type": "concat", "inputs": [1, 3]},
      {"type": "conv2d", "filters": 16, "kernel": 1},
      {"type": "maxpool2d", "size": 2}]}"#;
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn the_copy_is_complete_and_consistent() {
        let g = load();
        let n = g.archs.len();
        assert_eq!(n, 8, "eight golden nets");
        assert_eq!(g.params.len(), n);
        assert_eq!(g.masses.len(), n);
        for matrix in [&g.otmann, &g.otmann_normalized] {
            assert_eq!(matrix.len(), n);
            assert!(matrix.iter().all(|row| row.len() == n));
        }
    }

    /// A maintenance check, run by hand after the spec changes (`cargo test -p remap-golden --
    /// --ignored`): the copy must equal the spec's file.
    #[test]
    #[ignore = "needs the spec folder beside the repository (../shared/spec or $REMAP_SPEC_DIR), which a plain clone does not have"]
    fn the_copy_equals_the_specs_file() {
        let spec = std::env::var_os("REMAP_SPEC_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec")
            })
            .join("golden/otmann_reference.json");
        let original = std::fs::read_to_string(&spec)
            .unwrap_or_else(|e| panic!("{}: {e} (set REMAP_SPEC_DIR)", spec.display()));
        let parse = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert_eq!(
            parse(TEXT),
            parse(&original),
            "tests/golden/otmann_reference.json differs from {}: copy the spec's file again",
            spec.display()
        );
    }
}
