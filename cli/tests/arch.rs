//! `remap arch check` on graphs (spec §9.4): per-layer shapes and parameters, counted here
//! independently as PyTorch's `sum(p.numel())` would count them.

mod common;

use common::{remap, text};
use remap_golden::graphs::{RESIDUAL, TWO_BRANCH};

/// `nn.Conv2d(c_in, f, k)`: weight f·c_in·k·k plus bias f.
fn conv(c_in: u64, f: u64, k: u64) -> u64 {
    f * c_in * k * k + f
}

/// `nn.Linear(n_in, n_out)`: weight n_out·n_in plus bias n_out.
fn linear(n_in: u64, n_out: u64) -> u64 {
    n_out * n_in + n_out
}

fn check_json(json: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("net.json");
    std::fs::write(&file, json).unwrap();
    let o = remap(
        dir.path(),
        &["arch", "check", file.to_str().unwrap(), "--json"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn column(report: &serde_json::Value, key: &str) -> Vec<serde_json::Value> {
    report["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l[key].clone())
        .collect()
}

#[test]
fn a_residual_net_has_pytorchs_shapes_and_parameters() {
    let r = check_json(RESIDUAL);
    let params: Vec<u64> = column(&r, "params")
        .iter()
        .map(|p| p.as_u64().unwrap())
        .collect();
    let expected = [
        conv(3, 32, 3),
        0,
        conv(32, 32, 3),
        0,
        0,
        0,
        linear(16 * 16 * 32, 64),
        linear(64, 10),
    ];
    assert_eq!(params, expected);
    assert_eq!(r["params"].as_u64().unwrap(), expected.iter().sum::<u64>());
    let outputs = column(&r, "output");
    assert_eq!(outputs[4], serde_json::json!([32, 32, 32]));
    assert_eq!(outputs[5], serde_json::json!([16, 16, 32]));
    assert_eq!(r["layers"][4]["inputs"], serde_json::json!([3, 1]));
}

#[test]
fn a_two_branch_concat_net_has_pytorchs_shapes_and_parameters() {
    let r = check_json(TWO_BRANCH);
    let params: u64 = r["params"].as_u64().unwrap();
    let expected = conv(1, 8, 3) + conv(1, 8, 5) + conv(16, 16, 1) + linear(14 * 14 * 16, 10);
    assert_eq!(params, expected);
    let outputs = column(&r, "output");
    assert_eq!(outputs[2], serde_json::json!([28, 28, 8]));
    assert_eq!(outputs[4], serde_json::json!([28, 28, 16]));
    assert_eq!(r["layers"][2]["inputs"], serde_json::json!(["input"]));
}

#[test]
fn the_table_shows_what_each_layer_reads_and_bad_graphs_name_both_layers() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, RESIDUAL).unwrap();
    let o = remap(dir.path(), &["arch", "check", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("add ← 3,1"), "{out}");
    assert!(out.contains("+(3,1)"), "{out}");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, RESIDUAL.replace("[3, 1]", "[3, 5]")).unwrap();
    let o = remap(dir.path(), &["arch", "check", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("layer 4 (add) reads layer 5, which does not come before it"),
        "{err}"
    );
}
