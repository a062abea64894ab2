//! Skip connections and merges (spec §9.4): parsing, shapes, parameters, errors, hashes.

use remap_architecture::{ArchError, Architecture, Shape, Source};
use remap_golden::graphs::{RESIDUAL, TWO_BRANCH};

fn arch(json: &str) -> Result<Architecture, ArchError> {
    Architecture::from_json(json)
}

fn map(height: u32, width: u32, channels: u32) -> Shape {
    Shape::Spatial {
        height,
        width,
        channels,
    }
}

#[test]
fn a_residual_block_has_the_shapes_and_parameters_pytorch_gives() {
    let a = arch(RESIDUAL).unwrap();
    let an = a.analyze().unwrap();
    let outs: Vec<Shape> = an.layers.iter().map(|l| l.output).collect();
    assert_eq!(
        outs,
        [
            map(32, 32, 32),
            map(32, 32, 32),
            map(32, 32, 32),
            map(32, 32, 32),
            map(32, 32, 32),
            map(16, 16, 32),
            Shape::Flat(64)
        ]
    );
    // PyTorch's numel per module: Conv2d(3,32,3) 32·3·3·3 + 32; Conv2d(32,32,3)
    // 32·32·3·3 + 32; Linear(16·16·32, 64); Linear(64, 10). The add has none.
    let params: Vec<u64> = an.all().map(|l| l.params).collect();
    assert_eq!(params, [896, 0, 9248, 0, 0, 0, 16 * 16 * 32 * 64 + 64, 650]);
    assert_eq!(an.params, 896 + 9248 + 524_352 + 650);
    assert_eq!(an.layers[4].inputs, [Source::Layer(3), Source::Layer(1)]);
    assert_eq!(a.summary(), "C3x32s relu C3x32s relu +(3,1) M2 D64 → 10");
}

#[test]
fn concat_adds_up_the_channels_of_its_branches() {
    let a = arch(TWO_BRANCH).unwrap();
    let an = a.analyze().unwrap();
    assert_eq!(an.layers[2].output, map(28, 28, 8));
    assert_eq!(an.layers[4].output, map(28, 28, 16));
    assert_eq!(an.layers[5].params, 16 * 16 + 16);
    // 80 + 208 + 272 + head (14·14·16·10 + 10).
    assert_eq!(an.params, 80 + 208 + 272 + 31_370);
    assert_eq!(a.sources(2), [Source::Input]);
    assert_eq!(a.summary(), "C3x8s relu C5x8s@in relu ‖(1,3) C1x16 M2 → 10");
}

#[test]
fn concat_of_vectors_adds_up_their_features() {
    let a = arch(
        r#"{"input":{"height":4,"width":4,"channels":1},"classes":2,"layers":[
        {"type":"dense","units":8},{"type":"dense","units":3,"inputs":["input"]},
        {"type":"concat","inputs":[0,1]}]}"#,
    )
    .unwrap();
    let an = a.analyze().unwrap();
    assert_eq!(an.layers[2].output, Shape::Flat(11));
    assert_eq!(an.head.params, 12 * 2);
}

fn error(json: &str) -> ArchError {
    arch(json).unwrap_err()
}

const TOP: &str = r#"{"input":{"height":8,"width":8,"channels":1},"classes":2,"layers":"#;

#[test]
fn a_forward_reference_names_both_layers() {
    let e = error(&format!(
        r#"{TOP}[{{"type":"conv2d","filters":4,"kernel":3,"inputs":[1]}},{{"type":"activation","function":"relu"}}]}}"#
    ));
    assert_eq!(e.layer(), Some(0));
    let msg = e.to_string();
    assert!(
        msg.contains("layer 0") && msg.contains("reads layer 1"),
        "{msg}"
    );
    // A layer reading itself is the same mistake.
    let e = error(&format!(
        r#"{TOP}[{{"type":"add","inputs":[0,"input"]}}]}}"#
    ));
    assert!(
        matches!(e, ArchError::ForwardReference { reads: 0, .. }),
        "{e}"
    );
}

#[test]
fn a_dangling_branch_names_it_and_the_layer_that_skips_it() {
    let e = error(&format!(
        r#"{TOP}[{{"type":"conv2d","filters":4,"kernel":3}},{{"type":"conv2d","filters":4,"kernel":3,"inputs":["input"]}}]}}"#
    ));
    let msg = e.to_string();
    assert_eq!(e.layer(), Some(0));
    assert!(
        msg.contains("layer 0 (conv2d(k3,f4)) is read by no later layer")
            && msg.contains("layer 1 reads the input"),
        "{msg}"
    );
}

#[test]
fn a_shape_mismatch_names_both_inputs_and_their_shapes() {
    let e = error(&format!(
        r#"{TOP}[{{"type":"conv2d","filters":4,"kernel":3}},{{"type":"add","inputs":[0,"input"]}}]}}"#
    ));
    let msg = e.to_string();
    assert_eq!(e.layer(), Some(1));
    assert!(
        msg.contains("layer 0 gives 6×6×4") && msg.contains("the input gives 8×8×1"),
        "{msg}"
    );
    assert!(msg.contains("add sums inputs of equal shape"), "{msg}");
    let e = error(&format!(
        r#"{TOP}[{{"type":"maxpool2d","size":2}},{{"type":"concat","inputs":["input",0]}}]}}"#
    ));
    assert!(e.to_string().contains("equal height and width"), "{e}");
}

#[test]
fn merges_need_two_inputs_and_other_layers_one() {
    let e = error(&format!(r#"{TOP}[{{"type":"add"}}]}}"#));
    assert!(
        e.to_string()
            .contains("add merges two or more inputs; it lists 1"),
        "{e}"
    );
    let e = error(&format!(
        r#"{TOP}[{{"type":"dense","units":3}},{{"type":"dense","units":4,"inputs":[0,"input"]}}]}}"#
    ));
    assert!(e.to_string().contains("reads one input; it lists 2"), "{e}");
    let e = error(&format!(
        r#"{TOP}[{{"type":"dense","units":3}},{{"type":"add","inputs":[0,0]}}]}}"#
    ));
    assert!(e.to_string().contains("lists layer 0 twice"), "{e}");
}

#[test]
fn bad_inputs_fields_say_what_and_where() {
    for (inputs, says) in [
        (r#""input""#, "expected an array"),
        ("[]", "empty"),
        (
            r#"[0, "image"]"#,
            r#"item 1: expected a layer index or "input", found "image""#,
        ),
        ("[-1]", "item 0"),
    ] {
        let e = error(&format!(
            r#"{TOP}[{{"type":"dense","units":3}},{{"type":"add","inputs":{inputs}}}]}}"#
        ));
        let msg = e.to_string();
        assert!(
            msg.contains("layer 1 (add): field `inputs`") && msg.contains(says),
            "{inputs}: {msg}"
        );
    }
}

#[test]
fn the_canonical_form_writes_inputs_only_where_they_are_not_the_default() {
    let a = arch(RESIDUAL).unwrap();
    let json: serde_json::Value = serde_json::from_str(&a.canonical_json()).unwrap();
    assert_eq!(json["layers"][4]["inputs"], serde_json::json!([3, 1]));
    assert!(json["layers"][2].get("inputs").is_none());
    assert_eq!(arch(&a.canonical_json()).unwrap(), a);
    // Naming the previous layer explicitly is the same net.
    let explicit = RESIDUAL.replace(
        r#"{"type": "maxpool2d", "size": 2}"#,
        r#"{"type": "maxpool2d", "size": 2, "inputs": [4]}"#,
    );
    assert_eq!(arch(&explicit).unwrap().hash(), a.hash());
    // The chain twin (skip removed) is another net.
    let twin = a.without_layer(4);
    assert!(twin.is_chain());
    assert_ne!(twin.hash(), a.hash());
    let two = arch(TWO_BRANCH).unwrap();
    let j: serde_json::Value = serde_json::from_str(&two.canonical_json()).unwrap();
    assert_eq!(j["layers"][2]["inputs"], serde_json::json!(["input"]));
}

#[test]
fn a_chain_serialises_as_it_always_has() {
    let a = arch(
        r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
        {"type":"conv2d","filters":8,"kernel":3},{"type":"dropout","rate":0.25}]}"#,
    )
    .unwrap();
    assert_eq!(
        a.canonical_json(),
        r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[{"type":"conv2d","filters":8,"kernel":3,"stride":1,"padding":"valid"},{"type":"dropout","rate":0.25}]}"#
    );
}
