//! `remap distance`, `remap project` and `remap map` end to end.

use std::process::Command;

use serde_json::Value;

fn remap(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_remap"))
        .args(args)
        .output()
        .expect("remap runs");
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn otmann_distance_of_the_golden_nets() {
    let dir = tempfile::tempdir().unwrap();
    let golden: Value = serde_json::from_str(remap_golden::TEXT).unwrap();
    let archs = dir.path().join("archs.json");
    std::fs::write(&archs, golden["archs"].to_string()).unwrap();
    for (metric, key) in [
        ("otmann", "otmann"),
        ("otmann-normalized", "otmann_normalized"),
    ] {
        let (ok, out, err) = remap(&["distance", "--metric", metric, archs.to_str().unwrap()]);
        assert!(ok, "{err}");
        let got: Vec<Vec<f64>> = serde_json::from_str(&out).unwrap();
        let want: Vec<Vec<f64>> = serde_json::from_value(golden[key].clone()).unwrap();
        for (g, w) in got.iter().flatten().zip(want.iter().flatten()) {
            assert!(
                (g - w).abs() <= 1e-6 * w.abs().max(1e-9),
                "{metric}: {g} vs {w}"
            );
        }
        assert_eq!(got.len(), 8);
    }
}

#[test]
fn prediction_distance_and_length_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("labels.json");
    std::fs::write(&file, "[[0,1,2,3],[0,1,0,0],[0,1,2,3]]").unwrap();
    let (ok, out, err) = remap(&["distance", "--metric", "prediction", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    let m: Vec<Vec<f64>> = serde_json::from_str(&out).unwrap();
    assert_eq!(m, [[0.0, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 0.5, 0.0]]);

    std::fs::write(&file, "[[0,1,2,3],[0,1]]").unwrap();
    let (ok, _, err) = remap(&["distance", "--metric", "prediction", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("labels.json") && err.contains("differ in length"),
        "{err}"
    );
}

#[test]
fn project_then_grow_with_previous() {
    let dir = tempfile::tempdir().unwrap();
    // Four corners of a 3 × 4 rectangle, then its centre.
    let pts = [
        [0.0, 0.0],
        [3.0, 0.0],
        [3.0, 4.0],
        [0.0, 4.0],
        [1.5, 2.0f64],
    ];
    let rows = |n: usize| -> Vec<Vec<f64>> {
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| (pts[i][0] - pts[j][0]).hypot(pts[i][1] - pts[j][1]))
                    .collect()
            })
            .collect()
    };
    let small = dir.path().join("small.json");
    let big = dir.path().join("big.json");
    std::fs::write(&small, serde_json::to_string(&rows(4)).unwrap()).unwrap();
    std::fs::write(&big, serde_json::to_string(&rows(5)).unwrap()).unwrap();

    let (ok, out, err) = remap(&["project", small.to_str().unwrap()]);
    assert!(ok, "{err}");
    let first: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(first["coords"].as_array().unwrap().len(), 4);
    assert!(first["stress"].as_f64().unwrap() < 1e-6);

    let prev = dir.path().join("prev.json");
    std::fs::write(&prev, &out).unwrap();
    let (ok, out, err) = remap(&[
        "project",
        big.to_str().unwrap(),
        "--previous",
        prev.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(err.contains("old points moved"), "{err}");
    let grown: Value = serde_json::from_str(&out).unwrap();
    let coords: Vec<[f64; 2]> = serde_json::from_value(grown["coords"].clone()).unwrap();
    let old: Vec<[f64; 2]> = serde_json::from_value(first["coords"].clone()).unwrap();
    for (a, b) in coords.iter().zip(&old) {
        assert!(
            (a[0] - b[0]).hypot(a[1] - b[1]) < 1e-4,
            "{a:?} moved from {b:?}"
        );
    }

    std::fs::write(&small, "[[0, 1], [2, 0]]").unwrap();
    let (ok, _, err) = remap(&["project", small.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("[1][0]") && err.contains("not symmetric"),
        "{err}"
    );
}

#[test]
fn map_is_project_of_distance_below_the_threshold_and_landmarks_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let nets = dir.path().join("nets.jsonl");
    let (ok, out, err) = remap(&[
        "sample",
        "--input",
        "28x28x1",
        "--classes",
        "10",
        "--count",
        "40",
        "--seed",
        "3",
    ]);
    assert!(ok, "{err}");
    std::fs::write(&nets, out).unwrap();
    let nets = nets.to_str().unwrap();

    let (ok, out, err) = remap(&["map", "--metric", "otmann-normalized", nets]);
    assert!(ok, "{err}");
    let full: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(full["method"], "smacof");
    assert_eq!(full["landmarks"], Value::Null);
    let (ok, matrix, err) = remap(&["distance", "--metric", "otmann-normalized", nets]);
    assert!(ok, "{err}");
    let matrix_file = dir.path().join("d.json");
    std::fs::write(&matrix_file, matrix).unwrap();
    let (ok, out, err) = remap(&["project", matrix_file.to_str().unwrap()]);
    assert!(ok, "{err}");
    let projected: Value = serde_json::from_str(&out).unwrap();
    // The same layout: the matrix went through JSON on one path, so equal to 1e-9, not bit for bit.
    let close = |a: &Value, b: &Value| (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-9;
    let (a, b) = (
        full["coords"].as_array().unwrap(),
        projected["coords"].as_array().unwrap(),
    );
    assert_eq!(a.len(), b.len());
    for (p, q) in a.iter().zip(b) {
        assert!(
            close(&p[0], &q[0]) && close(&p[1], &q[1]),
            "{p} against {q}"
        );
    }
    assert!(close(&full["stress"], &projected["stress"]));

    let coords = dir.path().join("coords.json");
    let (ok, out, err) = remap(&[
        "map",
        "--metric",
        "otmann",
        nets,
        "--landmarks",
        "12",
        "--out",
        coords.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(
        out.is_empty() && err.contains("40 models laid out by landmarks"),
        "{err}"
    );
    let map: Value = serde_json::from_slice(&std::fs::read(&coords).unwrap()).unwrap();
    assert_eq!(map["method"], "landmarks");
    assert_eq!(map["landmarks"].as_array().unwrap().len(), 12);
    assert_eq!(map["coords"].as_array().unwrap().len(), 40);
    let stress = map["stress"].as_f64().unwrap();
    assert!(stress > 0.0 && stress < 1.0, "{stress}");
}

#[test]
fn map_of_predictions_and_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("labels.json");
    std::fs::write(&file, "[[0,1,2,3],[0,1,0,0],[0,1,2,3],[3,3,3,3]]").unwrap();
    let (ok, out, err) = remap(&["map", "--metric", "prediction", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    let map: Value = serde_json::from_str(&out).unwrap();
    let c: Vec<[f64; 2]> = serde_json::from_value(map["coords"].clone()).unwrap();
    assert!((c[0][0] - c[2][0]).hypot(c[0][1] - c[2][1]) < 1e-9, "{c:?}");

    let path = file.to_str().unwrap();
    let (ok, _, err) = remap(&["map", "--metric", "otmann", path]);
    assert!(!ok && err.contains("labels.json"), "{err}");
    let (ok, _, err) = remap(&["map", "--metric", "prediction", path, "--landmarks", "0"]);
    assert!(
        !ok && err.contains("--landmarks must be at least 1"),
        "{err}"
    );
    std::fs::write(&file, "[[0,1,2,3],[0,1]]").unwrap();
    let (ok, _, err) = remap(&["map", "--metric", "prediction", file.to_str().unwrap()]);
    assert!(
        !ok && err.contains("labels.json") && err.contains("differ in length"),
        "{err}"
    );
}
