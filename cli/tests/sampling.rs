//! `remap sample`, `remap ablate`, `remap vary` end to end.

use std::process::{Command, Output};

fn remap(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_remap"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "remap {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const SIX: &str = r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
{"type":"conv2d","filters":16,"kernel":3},{"type":"activation","function":"relu"},
{"type":"activation","function":"relu"},{"type":"maxpool2d","size":2},
{"type":"dropout","rate":0.25},{"type":"dense","units":64}]}"#;

fn parent_file() -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), SIX).unwrap();
    file
}

#[test]
fn sample_is_byte_identical_for_the_same_seed() {
    let args = [
        "sample",
        "--input",
        "28x28x1",
        "--classes",
        "10",
        "--count",
        "300",
        "--seed",
        "1",
    ];
    let a = remap(&args);
    let b = remap(&args);
    assert_eq!(a.stdout, b.stdout);
    let models = lines(&a);
    assert_eq!(models.len(), 300);
    for m in &models {
        assert!(m["params"].as_u64().unwrap() <= 1_000_000);
        assert_eq!(m["hash"].as_str().unwrap().len(), 16);
        assert!(m["layers"].is_array());
    }
    let other = remap(&[
        "sample",
        "--input",
        "28x28x1",
        "--classes",
        "10",
        "--count",
        "300",
        "--seed",
        "2",
    ]);
    assert_ne!(a.stdout, other.stdout);
}

#[test]
fn ablate_gives_one_child_per_layer_or_a_reason() {
    let file = parent_file();
    let out = remap(&["ablate", file.path().to_str().unwrap()]);
    let children = lines(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let skipped = stderr.lines().filter(|l| l.starts_with("skipped:")).count();
    assert_eq!(children.len() + skipped, 6, "{stderr}");
    assert_eq!(skipped, 1);
    for child in &children {
        assert_eq!(child["origin"], "ablation");
        assert_eq!(child["changes"].as_array().unwrap().len(), 1);
        assert!(child["parent"].is_string() && child["hash"].is_string());
    }
}

#[test]
fn vary_with_reparametrize_keeps_the_layer_types() {
    let file = parent_file();
    let out = remap(&[
        "vary",
        file.path().to_str().unwrap(),
        "--count",
        "20",
        "--changes",
        "5",
        "--seed",
        "4",
        "--ops",
        "reparametrize",
    ]);
    let parent: serde_json::Value = serde_json::from_str(SIX).unwrap();
    let types = |v: &serde_json::Value| {
        v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["type"].clone())
            .collect::<Vec<_>>()
    };
    let children = lines(&out);
    assert!(!children.is_empty());
    for child in &children {
        assert_eq!(types(child), types(&parent));
        assert_eq!(child["origin"], "variation");
    }
}

#[test]
fn vary_honours_types_and_reports_the_budget() {
    let file = parent_file();
    let out = remap(&[
        "vary",
        file.path().to_str().unwrap(),
        "--count",
        "20",
        "--changes",
        "3",
        "--seed",
        "9",
        "--ops",
        "insert,replace",
        "--types",
        "dropout",
        "--max-params",
        "150000",
    ]);
    for child in lines(&out) {
        for change in child["changes"].as_array().unwrap() {
            let text = change.as_str().unwrap();
            assert!(
                text.starts_with("inserted dropout(") || text.contains(" with dropout("),
                "{text}"
            );
        }
    }
}
