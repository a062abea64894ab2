//! Helpers shared by the CLI's end-to-end tests: running `remap` on a throw-away data
//! directory and training a tiny run.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A small CNN for 28×28 sketches of three classes.
pub const TINY_ARCH: &str = r#"{"input":{"height":28,"width":28,"channels":1},"classes":3,"layers":[
    {"type":"conv2d","filters":4,"kernel":5,"stride":2},
    {"type":"activation","function":"relu"},
    {"type":"maxpool2d","size":2}]}"#;

/// Runs `remap` with `data_dir` as its data directory.
pub fn remap(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_remap"))
        .args(args)
        .env("REMAP_DATA_DIR", data_dir)
        .output()
        .expect("remap runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Trains [`TINY_ARCH`] on `limit` sketches of circles, squares and triangles for `epochs`
/// into `dir/run` (batch 16, CPU) and returns the run folder.
pub fn train_tiny(dir: &Path, limit: usize, epochs: usize) -> PathBuf {
    let arch = dir.join("arch.json");
    std::fs::write(&arch, TINY_ARCH).unwrap();
    let run = dir.join("run");
    let (limit, epochs) = (limit.to_string(), epochs.to_string());
    let o = remap(
        dir,
        &[
            "train",
            "--arch",
            arch.to_str().unwrap(),
            "--dataset",
            "sketches",
            "--classes",
            "circle,square,triangle",
            "--limit",
            &limit,
            "--epochs",
            &epochs,
            "--batch",
            "16",
            "--device",
            "cpu",
            "--out",
            run.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    run
}
