//! REMAP's global inspection without training: sample a session's models, measure their
//! structural distances, lay them out, then grow the map with children of one model.

use remap_architecture::Input;
use remap_metrics::{
    DistanceMatrix, OtmannNetwork, SmacofOptions,
    otmann::{OtmannVariant, distance},
    project, project_incremental,
};
use remap_sampling::{AblationRequest, Sampler, SearchSpace, VariationRequest, ablate, vary};

const INPUT: Input = Input {
    height: 28,
    width: 28,
    channels: 1,
};

fn structural(nets: &[OtmannNetwork]) -> DistanceMatrix {
    DistanceMatrix::build(nets, |a, b| distance(OtmannVariant::Normalized, a, b))
}

#[test]
fn sampled_models_and_their_children_share_one_stable_map() {
    let models = Sampler::new(SearchSpace::remap_2019(), INPUT, 10, 7).sample_many(60);
    assert!(models.iter().all(|m| m.params().unwrap() <= 1_000_000));

    let nets: Vec<OtmannNetwork> = models.iter().map(OtmannNetwork::new).collect();
    let d = structural(&nets);
    let first = project(&d, SmacofOptions::default()).unwrap();
    assert_eq!(first.coords.len(), 60);
    assert!(first.stress < 0.35, "stress {}", first.stress);
    // Same models, same map: the layout is deterministic.
    assert_eq!(
        project(&d, SmacofOptions::default()).unwrap().coords,
        first.coords
    );

    // Children of the model with the most layers join the map.
    let parent = models.iter().max_by_key(|m| m.layers.len()).unwrap();
    let existing: Vec<String> = models.iter().map(|m| m.hash()).collect();
    let ablations = ablate(
        parent,
        &AblationRequest {
            existing: existing.clone(),
            ..Default::default()
        },
    )
    .unwrap();
    let variations = vary(
        parent,
        &SearchSpace::remap_2019(),
        &VariationRequest {
            count: 3,
            max_changes: 2,
            seed: 1,
            existing,
            ..Default::default()
        },
    )
    .unwrap();
    let children: Vec<_> = ablations
        .children
        .iter()
        .chain(&variations.children)
        .collect();
    assert!(!children.is_empty());
    for child in &children {
        assert_eq!(child.parent, parent.hash());
        assert_eq!(child.params, child.architecture.params().unwrap());
        assert!(!child.changes.is_empty());
    }

    // A few children at a time, as the queue finishes them.
    let mut grown_nets = nets.clone();
    grown_nets.extend(
        children
            .iter()
            .take(3)
            .map(|c| OtmannNetwork::new(&c.architecture)),
    );
    let mut grown = d.clone();
    grown.extend(&grown_nets, |a, b| {
        distance(OtmannVariant::Normalized, a, b)
    });
    assert_eq!(grown.len(), 63);
    assert_eq!(
        grown.leading(60).packed(),
        d.packed(),
        "old distances are kept, not recomputed differently"
    );

    let layout = project_incremental(&grown, &first.coords, SmacofOptions::default()).unwrap();
    assert!(
        layout.moved.median_relative() < 0.05,
        "old points moved {:?}",
        layout.moved
    );
}
