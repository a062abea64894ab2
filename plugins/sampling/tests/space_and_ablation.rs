//! Search-space files and validation, sampler determinism, ablation.

use std::io::Write;

use remap_architecture::{Architecture, Input, Layer};
use remap_sampling::{AblationRequest, Sampler, SamplingError, SearchSpace, ablate};

fn input() -> Input {
    Input {
        height: 28,
        width: 28,
        channels: 1,
    }
}

fn write(ext: &str, text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new().suffix(ext).tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

fn error_of(text: &str) -> String {
    let file = write(".json", text);
    SearchSpace::from_file(file.path()).unwrap_err().to_string()
}

/// The preset as JSON, edited by `f`.
fn preset_with(f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value = serde_json::to_value(SearchSpace::remap_2019()).unwrap();
    f(&mut value);
    value.to_string()
}

#[test]
fn the_preset_round_trips_through_json_and_toml() {
    let preset = SearchSpace::remap_2019();
    let json = serde_json::to_string_pretty(&preset).unwrap();
    let file = write(".json", &json);
    assert_eq!(SearchSpace::from_file(file.path()).unwrap(), preset);
    let toml = toml::to_string(&preset).unwrap();
    let file = write(".toml", &toml);
    assert_eq!(SearchSpace::from_file(file.path()).unwrap(), preset);
    assert!(json.contains("\"start\""), "{json}");
}

#[test]
fn user_files_are_validated_with_errors_naming_the_entry() {
    let unknown = error_of(&preset_with(|v| {
        v["pre_dense"]["conv2d"][0] = "batchnorm".into();
    }));
    assert!(
        unknown.contains("row `conv2d`") && unknown.contains("`batchnorm`"),
        "{unknown}"
    );

    let empty = error_of(&preset_with(|v| {
        v["grids"]["dense"]["units"] = serde_json::json!([]);
    }));
    assert!(empty.contains("grid `dense.units` is empty"), "{empty}");

    let no_end = error_of(&preset_with(|v| {
        v["post_dense"]["dropout"] = serde_json::json!(["dense"]);
        v["post_dense"]["dense"] = serde_json::json!(["dropout"]);
        v["post_dense"]["activation"] = serde_json::json!(["dropout"]);
    }));
    assert!(
        no_end.contains("no sequence of draws") && no_end.contains("post_dense"),
        "{no_end}"
    );

    let missing_row = error_of(&preset_with(|v| {
        v["pre_dense"].as_object_mut().unwrap().remove("dropout");
    }));
    assert!(missing_row.contains("no `dropout` row"), "{missing_row}");

    let spatial = error_of(&preset_with(|v| {
        v["post_dense"]["dense"][0] = "conv2d".into();
    }));
    assert!(spatial.contains("cannot follow a dense"), "{spatial}");

    let rate = error_of(&preset_with(|v| {
        v["grids"]["dropout"]["rate"] = serde_json::json!([0.5, 1.5]);
    }));
    assert!(
        rate.contains("dropout.rate") && rate.contains("1.5"),
        "{rate}"
    );

    let missing = SearchSpace::from_file(std::path::Path::new("/nonexistent/space.json"));
    assert!(matches!(missing, Err(SamplingError::Read { .. })));
}

#[test]
fn the_same_seed_gives_the_same_models_and_another_seed_does_not() {
    let draw = |seed| {
        Sampler::new(SearchSpace::remap_2019(), input(), 10, seed)
            .sample_many(200)
            .iter()
            .map(Architecture::hash)
            .collect::<Vec<_>>()
    };
    assert_eq!(draw(5), draw(5));
    assert_ne!(draw(5), draw(6));
}

#[test]
fn sampled_models_respect_the_cap_the_strict_fit_rule_and_the_depth_limit() {
    let mut sampler = Sampler::new(SearchSpace::remap_2019(), input(), 10, 3)
        .with_max_params(50_000)
        .with_max_depth(3);
    for arch in sampler.sample_many(500) {
        assert!(arch.params().unwrap() <= 50_000);
        assert!(arch.layers.len() <= 3);
        let analysis = arch.analyze().unwrap();
        let mut shape = input().shape();
        for (layer, report) in arch.layers.iter().zip(&analysis.layers) {
            assert!(
                remap_sampling::fits_strictly(layer, shape).is_some(),
                "{layer} on {shape}"
            );
            shape = report.output;
        }
    }
    assert!(sampler.stats().rejected_over_cap > 0);
}

fn six_layers() -> Architecture {
    Architecture::new(
        input(),
        10,
        vec![
            Layer::conv(16, 3),
            Layer::Activation {
                function: remap_architecture::Activation::Relu,
            },
            Layer::Activation {
                function: remap_architecture::Activation::Relu,
            },
            Layer::maxpool(2),
            Layer::Dropout { rate: 0.25 },
            Layer::Dense { units: 64 },
        ],
    )
}

#[test]
fn ablation_removes_each_layer_once_and_explains_what_it_skips() {
    let parent = six_layers();
    let out = ablate(&parent, &AblationRequest::default()).unwrap();
    // Removing either of the two identical relus gives the same net.
    assert_eq!(out.children.len(), 5);
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].layer, Some(2));
    assert!(
        out.skipped[0]
            .reason
            .contains("removed activation(relu) at 1"),
        "{:?}",
        out.skipped
    );
    let texts: Vec<_> = out.children.iter().map(|c| c.changes.join("; ")).collect();
    assert_eq!(
        texts,
        [
            "removed conv2d(k3,f16) at 0",
            "removed activation(relu) at 1",
            "removed maxpool2d(2) at 3",
            "removed dropout(0.25) at 4",
            "removed dense(64) at 5",
        ]
    );
    for child in &out.children {
        assert_eq!(child.parent, parent.hash());
        assert_eq!(child.architecture.layers.len(), 5);
        assert_eq!(child.origin, remap_sampling::Origin::Ablation);
    }
}

#[test]
fn ablation_honours_the_selection_the_budget_and_existing_models() {
    let parent = six_layers();
    let request = AblationRequest {
        layers: Some(vec![3, 0]),
        max_params: Some(200_000),
        existing: vec![],
    };
    let out = ablate(&parent, &request).unwrap();
    // Removing the pool quadruples the dense layer's input: over the budget.
    assert_eq!(out.dropped_over_budget, 1);
    assert_eq!(
        out.skipped.len(),
        1,
        "shown with the reason: {:?}",
        out.skipped
    );
    assert_eq!(out.skipped[0].layer, Some(3));
    assert!(
        out.skipped[0]
            .reason
            .contains("over the budget of 200,000 by"),
        "{}",
        out.skipped[0].reason
    );
    assert_eq!(out.children.len(), 1);
    assert_eq!(out.children[0].changes, ["removed conv2d(k3,f16) at 0"]);

    let existing = vec![out.children[0].hash.clone()];
    let again = ablate(
        &parent,
        &AblationRequest {
            layers: Some(vec![0]),
            max_params: None,
            existing,
        },
    )
    .unwrap();
    assert!(again.children.is_empty());
    assert!(again.skipped[0].reason.contains("already has"));

    let bad = ablate(
        &parent,
        &AblationRequest {
            layers: Some(vec![6]),
            ..AblationRequest::default()
        },
    );
    assert!(matches!(
        bad,
        Err(SamplingError::NoSuchLayer { layer: 6, .. })
    ));
}

#[test]
fn handcrafted_children_describe_their_edits() {
    let parent = six_layers();
    let mut layers = parent.layers.clone();
    layers.remove(2);
    layers[0] = Layer::conv(64, 3);
    layers.insert(4, Layer::Dense { units: 16 });
    let child = remap_sampling::Child::handcrafted(
        &parent,
        Architecture::new(parent.input, parent.classes, layers.clone()),
    );
    assert_eq!(
        child.changes,
        [
            "conv2d at 0: filters 16 → 64",
            // Either relu may go; the diff keeps the earlier one.
            "removed activation(relu) at 2",
            "inserted dense(16) at 4",
        ]
    );
    assert_eq!(
        remap_sampling::apply(&parent, &child.edits).unwrap().layers,
        layers
    );
    assert_eq!(child.origin, remap_sampling::Origin::Handcrafted);
}
