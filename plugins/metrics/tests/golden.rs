//! The spec's reference values, computed with REMAP's own code (spec §6.2).

use remap_golden as golden;
use remap_metrics::{OtmannNetwork, otmann, otmann_normalized};

fn assert_close(got: f64, want: f64, what: &str) {
    let scale = want.abs().max(1e-12);
    assert!(
        (got - want).abs() / scale <= 1e-6 || (got - want).abs() <= 1e-9,
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn masses_match_golden() {
    let g = golden::load();
    for (k, (arch, want)) in g.archs.iter().zip(&g.masses).enumerate() {
        let got = OtmannNetwork::new(arch).masses();
        assert_eq!(got.len(), want.len(), "net {k}: number of layers");
        for (i, (a, b)) in got.iter().zip(want).enumerate() {
            assert_close(*a, *b, &format!("net {k} layer {i} mass"));
        }
    }
}

#[test]
fn otmann_matrices_match_golden() {
    let g = golden::load();
    let nets: Vec<OtmannNetwork> = g.archs.iter().map(OtmannNetwork::new).collect();
    for (i, a) in nets.iter().enumerate() {
        for (j, b) in nets.iter().enumerate() {
            assert_close(otmann(a, b), g.otmann[i][j], &format!("otmann[{i}][{j}]"));
            assert_close(
                otmann_normalized(a, b),
                g.otmann_normalized[i][j],
                &format!("otmann_normalized[{i}][{j}]"),
            );
        }
    }
}

#[test]
fn otmann_is_symmetric_zero_on_the_diagonal_and_positive_between_different_nets() {
    let g = golden::load();
    let nets: Vec<OtmannNetwork> = g.archs.iter().map(OtmannNetwork::new).collect();
    for (i, a) in nets.iter().enumerate() {
        assert_eq!(otmann(a, a), 0.0, "d({i}, {i})");
        for (j, b) in nets.iter().enumerate().take(i) {
            let (ab, ba) = (otmann(a, b), otmann(b, a));
            assert!(
                (ab - ba).abs() <= 1e-9 * ab,
                "d({i}, {j}) = {ab} but d({j}, {i}) = {ba}"
            );
            assert!(ab > 0.0, "d({i}, {j}) = {ab} for different nets");
            let n = otmann_normalized(a, b);
            assert!(n > 0.0 && n <= 1.0, "normalised d({i}, {j}) = {n}");
        }
    }
}
