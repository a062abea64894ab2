//! `remap train` and `remap predict` end to end on a few generated sketches.

use std::process::Command;

const ARCH: &str = r#"{"input":{"height":28,"width":28,"channels":1},"classes":3,"layers":[
    {"type":"conv2d","filters":4,"kernel":5,"stride":2},
    {"type":"activation","function":"relu"},
    {"type":"maxpool2d","size":2}]}"#;

fn remap(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_remap"))
        .args(args)
        .output()
        .expect("remap runs")
}

#[test]
fn train_writes_results_and_predict_reproduces_the_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("arch.json");
    std::fs::write(&arch, ARCH).unwrap();
    let out = dir.path().join("run");
    let o = remap(&[
        "train",
        "--arch",
        arch.to_str().unwrap(),
        "--dataset",
        "sketches",
        "--classes",
        "circle,square,triangle",
        "--limit",
        "40",
        "--epochs",
        "2",
        "--batch",
        "16",
        "--device",
        "cpu",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("result.json")).unwrap()).unwrap();
    assert_eq!(result["epochs"].as_array().unwrap().len(), 2);
    assert_eq!(result["status"], "completed");
    assert_eq!(result["device"], "cpu (flex)");
    assert_eq!(result["params"], 4 * 26 + (4 * 6 * 6 + 1) * 3);
    assert_eq!(result["confusion"].as_array().unwrap().len(), 3);
    assert_eq!(result["per_class_accuracy"].as_array().unwrap().len(), 3);
    assert!(out.join("weights.bpk").exists());

    let saved = std::fs::read_to_string(out.join("predictions.json")).unwrap();
    let p: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(p["predictions"].as_array().unwrap().len(), 3 * 8);

    let o = remap(&["predict", "--run", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), saved);

    // A finished run resumes to the same result without training again.
    let o = remap(&[
        "train",
        "--resume",
        out.to_str().unwrap(),
        "--device",
        "cpu",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("predictions.json")).unwrap(),
        saved
    );
}

#[test]
fn a_missing_architecture_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = remap(&[
        "train",
        "--arch",
        "/nonexistent/arch.json",
        "--dataset",
        "sketches",
        "--out",
        dir.path().join("run").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("arch.json"));
}
