//! `remap export` end to end: a tiny `remap train` run and a tiny session, exported.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

mod common;

use common::{remap, text, train_tiny};

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_trained_run_exports_every_format_and_a_second_export_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let run = train_tiny(dir.path(), 30, 1);

    let out = dir.path().join("export");
    let run_arg = run.to_str().unwrap();
    let out_arg = out.to_str().unwrap();
    let o = remap(dir.path(), &["export", "--run", run_arg, "--out", out_arg]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    let files = [
        "architecture.json",
        "model.safetensors",
        "model.onnx",
        "model.py",
        "README.md",
    ];
    for file in files {
        assert!(out.join(file).is_file(), "{file} missing");
        assert!(
            stdout.contains(&out.join(file).display().to_string()),
            "{stdout}"
        );
    }
    let card = fs::read_to_string(out.join("README.md")).unwrap();
    for expected in [
        "circle",
        "triangle",
        "- seed: 0",
        "sketches",
        "Confusion matrix",
        "- batch size: 16",
    ] {
        assert!(
            card.contains(expected),
            "the card lacks {expected}:\n{card}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("architecture.json")).unwrap()).unwrap();
    assert_eq!(json["params"], 4 * 26 + (4 * 6 * 6 + 1) * 3);

    // Again into the now non-empty folder: refused, nothing changed.
    let before = snapshot(&out);
    let o = remap(
        dir.path(),
        &[
            "export", "--run", run_arg, "--out", out_arg, "--format", "onnx",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("--force"), "{}", text(&o.stderr));
    assert_eq!(snapshot(&out), before);

    // Chosen formats only, and --force writes into it.
    let only = dir.path().join("only");
    let o = remap(
        dir.path(),
        &[
            "export",
            "--run",
            run_arg,
            "--out",
            only.to_str().unwrap(),
            "--format",
            "onnx,json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        snapshot(&only).keys().collect::<Vec<_>>(),
        ["architecture.json", "model.onnx"]
    );
    let o = remap(
        dir.path(),
        &[
            "export",
            "--run",
            run_arg,
            "--out",
            only.to_str().unwrap(),
            "--format",
            "card",
            "--force",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(snapshot(&only).len(), 3);

    let o = remap(
        dir.path(),
        &[
            "export", "--run", run_arg, "--out", out_arg, "--format", "tflite",
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("tflite"), "{}", text(&o.stderr));
}

#[test]
fn a_session_model_exports_with_its_lineage() {
    let dir = tempfile::tempdir().unwrap();
    let new = remap(
        dir.path(),
        &[
            "session",
            "new",
            "demo",
            "--models",
            "1",
            "--epochs",
            "1",
            "--per-class",
            "10",
            "--device",
            "cpu",
            "--max-params",
            "20000",
            "--seed",
            "2",
        ],
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    let out = dir.path().join("export");
    let out_arg = out.to_str().unwrap();
    let export = || {
        remap(
            dir.path(),
            &[
                "export",
                "--session",
                "demo",
                "--model",
                "1",
                "--out",
                out_arg,
            ],
        )
    };
    // Not trained yet: a clear error, no folder.
    let o = export();
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("no finished training run"),
        "{}",
        text(&o.stderr)
    );
    assert!(!out.exists());

    let run = remap(dir.path(), &["session", "run", "demo"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let o = export();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(snapshot(&out).len(), 5);
    let card = fs::read_to_string(out.join("README.md")).unwrap();
    for expected in [
        "session `demo`, model 1",
        "- Model 1 (sampled)",
        "- Parent: none",
        "- seed: 2",
    ] {
        assert!(
            card.contains(expected),
            "the card lacks {expected}:\n{card}"
        );
    }

    let o = remap(
        dir.path(),
        &[
            "export",
            "--session",
            "demo",
            "--model",
            "99",
            "--out",
            out_arg,
        ],
    );
    assert!(!o.status.success());
}
