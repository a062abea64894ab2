//! OTMANN on graphs (spec §9.4): a skip moves a net a little, and the distance stays a
//! metric on sampled residual nets.

use remap_architecture::{Architecture, Input};
use remap_metrics::{OtmannNetwork, otmann};
use remap_sampling::{Sampler, SearchSpace};

fn d(a: &Architecture, b: &Architecture) -> f64 {
    otmann(&OtmannNetwork::new(a), &OtmannNetwork::new(b))
}

fn residual_nets(n: usize) -> Vec<Architecture> {
    let input = Input::new(28, 28, 1);
    let space = SearchSpace::preset("residual").unwrap();
    Sampler::new(space, input, 10, 11).sample_many(n)
}

#[test]
fn a_skip_changes_the_distance_by_less_than_a_layer_does() {
    let res = Architecture::from_json(
        r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
        {"type":"conv2d","filters":16,"kernel":3,"padding":"same"},
        {"type":"activation","function":"relu"},
        {"type":"conv2d","filters":16,"kernel":3,"padding":"same"},
        {"type":"activation","function":"relu"},
        {"type":"conv2d","filters":16,"kernel":3,"padding":"same"},
        {"type":"add","inputs":[4,1]},
        {"type":"maxpool2d","size":2},
        {"type":"dense","units":64}]}"#,
    )
    .unwrap();
    let twin = res.without_layer(5);
    let skip = d(&res, &twin);
    // Removing a conv from the twin changes more than the skip does.
    let shorter = twin.without_layer(4).without_layer(3);
    let layer = d(&twin, &shorter);
    eprintln!("skip {skip:.4}, two layers {layer:.4}");
    assert!(skip > 0.0, "a skip must move the net");
    assert!(skip < layer, "skip {skip} vs two layers {layer}");
    // And a sampled unrelated net is farther still.
    let other = &residual_nets(1)[0];
    assert!(d(&res, other) > skip);
}

#[test]
fn the_distance_stays_a_metric_on_sampled_residual_nets() {
    let nets = residual_nets(24);
    assert!(nets.iter().filter(|a| !a.is_chain()).count() >= 4);
    let n = nets.len();
    let m: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| d(&nets[i], &nets[j])).collect())
        .collect();
    for i in 0..n {
        assert!(m[i][i].abs() < 1e-9, "d(x, x) = {}", m[i][i]);
        for j in 0..n {
            assert!((m[i][j] - m[j][i]).abs() < 1e-9, "asymmetric at {i}, {j}");
            assert!(m[i][j] >= 0.0);
            for k in 0..n {
                assert!(
                    m[i][k] <= m[i][j] + m[j][k] + 1e-6,
                    "triangle {i} {j} {k}: {} > {} + {}",
                    m[i][k],
                    m[i][j],
                    m[j][k]
                );
            }
        }
    }
}
