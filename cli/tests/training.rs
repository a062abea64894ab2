//! `remap train` and `remap predict` end to end on a few generated sketches.

mod common;

use common::{remap, text, train_tiny};

#[test]
fn train_writes_results_and_predict_reproduces_the_predictions() {
    let dir = tempfile::tempdir().unwrap();
    let out = train_tiny(dir.path(), 40, 2);

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

    let o = remap(dir.path(), &["predict", "--run", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(String::from_utf8(o.stdout).unwrap(), saved);

    // A finished run resumes to the same result without training again.
    let o = remap(
        dir.path(),
        &[
            "train",
            "--resume",
            out.to_str().unwrap(),
            "--device",
            "cpu",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(out.join("predictions.json")).unwrap(),
        saved
    );
}

#[test]
fn a_missing_architecture_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = remap(
        dir.path(),
        &[
            "train",
            "--arch",
            "/nonexistent/arch.json",
            "--dataset",
            "sketches",
            "--out",
            dir.path().join("run").to_str().unwrap(),
        ],
    );
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("arch.json"));
}
