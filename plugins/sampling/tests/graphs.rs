//! Generators on graphs (spec §9.4): the residual preset, ablation that reconnects,
//! variations that add skips, and diffs that carry the wiring.

use remap_architecture::{Architecture, Input, Layer, Source};
use remap_sampling::{
    AblationRequest, Change, Child, Operation, Restriction, Sampler, SearchSpace, VariationRequest,
    ablate, apply, diff, edit_kind, vary,
};

const INPUT: Input = Input::new(28, 28, 1);

fn residual_sample(n: usize, seed: u64) -> Vec<Architecture> {
    let space = SearchSpace::preset("residual").unwrap();
    Sampler::new(space, INPUT, 10, seed).sample_many(n)
}

#[test]
fn the_residual_preset_samples_valid_residual_blocks_and_remap_2019_stays_chains() {
    let nets = residual_sample(300, 7);
    let with_skips = nets.iter().filter(|a| !a.is_chain()).count();
    eprintln!("{with_skips} of 300 nets have a residual block");
    // The preset documents "about 30 %".
    assert!((70..=120).contains(&with_skips), "{with_skips}");
    for net in &nets {
        let analysis = net
            .analyze()
            .unwrap_or_else(|e| panic!("{}: {e}", net.summary()));
        assert!(analysis.params <= 1_000_000);
        for skip in net.skips() {
            // Every skip enters an add over a same-padded conv pair.
            assert_eq!(net.layers[skip.to], Layer::Add);
            assert_eq!(net.sources(skip.to)[0], Source::Layer(skip.to - 1));
            assert_eq!(
                analysis.layers[skip.to].output,
                analysis.layers[skip.from.layer().unwrap()].output
            );
        }
    }
    assert_eq!(residual_sample(20, 7), nets[..20]);
    let chains = Sampler::new(SearchSpace::remap_2019(), INPUT, 10, 7).sample_many(300);
    assert!(chains.iter().all(Architecture::is_chain));
}

fn residual_net() -> Architecture {
    Architecture::from_json(
        r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
        {"type":"conv2d","filters":8,"kernel":3,"padding":"same"},
        {"type":"activation","function":"relu"},
        {"type":"conv2d","filters":8,"kernel":3,"padding":"same"},
        {"type":"activation","function":"relu"},
        {"type":"conv2d","filters":8,"kernel":3,"padding":"same"},
        {"type":"add","inputs":[4,1]},
        {"type":"maxpool2d","size":2},
        {"type":"dense","units":16}]}"#,
    )
    .unwrap()
}

#[test]
fn ablating_a_merge_keeps_its_first_input_and_ablating_a_read_layer_reconnects() {
    let parent = residual_net();
    let out = ablate(&parent, &AblationRequest::default()).unwrap();
    let child = |at: usize| {
        out.children
            .iter()
            .find(|c| c.changes[0].ends_with(&format!(" at {at}")))
            .unwrap_or_else(|| panic!("no child for {at}: {:?}", out.skipped))
    };
    // Without the add: a chain, the pool reading the last conv.
    let no_add = child(5);
    assert!(no_add.architecture.is_chain());
    assert_eq!(edit_kind(&no_add.edits[0]), "remove skip");
    // Without the relu the skip leaves from: the add reads the first conv instead.
    let no_relu = &child(1).architecture;
    assert_eq!(no_relu.sources(4), [Source::Layer(3), Source::Layer(0)]);
    assert!(no_relu.is_valid());
    for c in &out.children {
        assert_eq!(apply(&parent, &c.edits).unwrap(), c.architecture);
    }
}

#[test]
fn a_skip_variation_adds_an_add_between_layers_of_the_same_shape() {
    let parent = residual_net().without_layer(5);
    assert!(parent.is_chain());
    let request = VariationRequest {
        count: 6,
        max_changes: 1,
        restriction: Restriction {
            ops: Some(vec![Operation::Skip]),
            ..Restriction::default()
        },
        ..VariationRequest::default()
    };
    // A chain of remap-2019 is not offered skips.
    let err = vary(&parent, &SearchSpace::remap_2019(), &request).unwrap_err();
    assert!(
        err.to_string().contains("no selected position allows"),
        "{err}"
    );
    let out = vary(&parent, &SearchSpace::preset("residual").unwrap(), &request).unwrap();
    assert!(!out.children.is_empty(), "{:?}", out.skipped);
    for c in &out.children {
        let Change::SkipAdded { at, from } = c.edits[0] else {
            panic!("{:?}", c.edits)
        };
        let net = &c.architecture;
        assert_eq!(net.layers[at], Layer::Add);
        assert_eq!(net.sources(at), [Source::Layer(at - 1), from]);
        assert!(net.is_valid());
        assert_eq!(edit_kind(&c.edits[0]), "add skip");
        assert!(
            c.changes[0].starts_with("added skip from "),
            "{}",
            c.changes[0]
        );
    }
}

#[test]
fn a_handcrafted_graph_diffs_into_edits_that_rebuild_it() {
    let parent = residual_net();
    let chain = parent.without_layer(5);
    // Chain → residual: one skip added.
    let edits = diff(&chain, &parent);
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edit_kind(&edits[0]), "add skip");
    assert_eq!(apply(&chain, &edits).unwrap(), parent);
    // Moving the skip's source is a rewire.
    let mut inputs = parent.inputs.clone();
    inputs.insert(5, vec![Source::Layer(4), Source::Layer(3)]);
    let moved = parent.clone().with_inputs(inputs);
    let edits = diff(&parent, &moved);
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edit_kind(&edits[0]), "rewire skip");
    assert_eq!(edits[0].to_string(), "layer 5 reads layer 4, layer 3");
    let child = Child::handcrafted(&parent, moved.clone());
    assert_eq!(apply(&parent, &child.edits).unwrap(), moved);
    // Every sampled pair rebuilds.
    let nets = residual_sample(40, 3);
    for pair in nets.windows(2) {
        let edits = diff(&pair[0], &pair[1]);
        assert_eq!(
            apply(&pair[0], &edits).unwrap(),
            pair[1],
            "{} → {}",
            pair[0].summary(),
            pair[1].summary()
        );
    }
}
