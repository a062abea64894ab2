use remap_architecture::{ArchError, Architecture, FitError, Layer, Shape, parse_many};
use remap_golden as golden;

fn arch(json: &str) -> Result<Architecture, ArchError> {
    Architecture::from_json(json)
}

#[test]
fn golden_parameter_counts_match_pytorch() {
    let g = golden::load();
    assert_eq!(g.archs.len(), 8);
    for (a, expected) in g.archs.iter().zip(&g.params) {
        assert_eq!(a.params().unwrap(), *expected, "{}", a.summary());
    }
}

#[test]
fn shapes_follow_the_valid_padding_rule() {
    let a = arch(
        r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
        {"type":"conv2d","filters":16,"kernel":3},{"type":"maxpool2d","size":3},
        {"type":"avgpool2d","size":2,"stride":1},{"type":"dense","units":64}]}"#,
    )
    .unwrap();
    let an = a.analyze().unwrap();
    let outs: Vec<Shape> = an.layers.iter().map(|l| l.output).collect();
    assert_eq!(
        outs,
        vec![
            Shape::Spatial {
                height: 26,
                width: 26,
                channels: 16
            },
            Shape::Spatial {
                height: 12,
                width: 12,
                channels: 16
            },
            Shape::Spatial {
                height: 11,
                width: 11,
                channels: 16
            },
            Shape::Flat(64),
        ]
    );
    assert_eq!(an.layers[0].params, (9 + 1) * 16);
    assert_eq!(an.layers[3].params, (11 * 11 * 16 + 1) * 64);
    assert_eq!(an.head.params, 65 * 10);
    assert_eq!(an.head.output, Shape::Flat(10));
}

#[test]
fn a_window_equal_to_the_map_fits_but_a_larger_one_names_both_sizes() {
    let ok = r#"{"input":{"height":5,"width":5,"channels":1},"classes":2,"layers":[{"type":"conv2d","filters":4,"kernel":5}]}"#;
    assert!(arch(ok).is_ok());
    let bad = r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
        {"type":"conv2d","filters":8,"kernel":3},{"type":"maxpool2d","size":2},
        {"type":"maxpool2d","size":3},{"type":"maxpool2d","size":2},{"type":"conv2d","filters":8,"kernel":5}]}"#;
    let err = arch(bad).unwrap_err();
    assert_eq!(err.layer(), Some(4));
    let msg = err.to_string();
    assert!(msg.contains("layer 4"), "{msg}");
    assert!(msg.contains("5×5") && msg.contains("3×3×8"), "{msg}");
    assert!(matches!(
        err,
        ArchError::DoesNotFit {
            source: FitError::WindowTooLarge { window: 5, .. },
            ..
        }
    ));
}

#[test]
fn spatial_after_dense_is_rejected() {
    let err = arch(
        r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
        {"type":"dense","units":16},{"type":"maxpool2d","size":2}]}"#,
    )
    .unwrap_err();
    assert_eq!(err.layer(), Some(1));
    assert!(
        err.to_string().contains("cannot follow a dense layer"),
        "{err}"
    );
}

#[test]
fn field_errors_name_layer_field_and_reason() {
    let cases = [
        (
            r#"{"type":"conv3d","filters":1}"#,
            "unknown layer type `conv3d`",
        ),
        (
            r#"{"type":"conv2d","filters":16,"kernel":3,"dilation":2}"#,
            "unknown field `dilation`",
        ),
        (
            r#"{"type":"conv2d","filters":16,"kernel":0}"#,
            "field `kernel`: 0 is out of range",
        ),
        (
            r#"{"type":"conv2d","filters":0,"kernel":3}"#,
            "field `filters`: 0 is out of range",
        ),
        (
            r#"{"type":"conv2d","kernel":3}"#,
            "field `filters`: missing",
        ),
        (
            r#"{"type":"dropout","rate":1.0}"#,
            "field `rate`: 1 is outside (0, 1)",
        ),
        (r#"{"type":"dropout","rate":0}"#, "outside (0, 1)"),
        (
            r#"{"type":"activation","function":"gelu"}"#,
            "`gelu` is not one of",
        ),
        (r#"{"type":"dense","units":2.5}"#, "not a whole number"),
    ];
    for (layer, expected) in cases {
        let json = format!(
            r#"{{"input":{{"height":28,"width":28,"channels":1}},"classes":10,"layers":[{{"type":"dense","units":8}},{layer}]}}"#
        );
        let err = arch(&json).unwrap_err();
        assert_eq!(err.layer(), Some(1), "{layer}");
        let msg = err.to_string();
        assert!(msg.starts_with("layer 1"), "{msg}");
        assert!(msg.contains(expected), "{layer}: {msg}");
    }
}

#[test]
fn json_syntax_errors_give_line_and_column() {
    let err =
        arch("{\n  \"input\": {\"height\": 28,\n  \"width\": 28 \"channels\": 1}\n}").unwrap_err();
    match err {
        ArchError::Json { line, column, .. } => assert_eq!((line, column), (3, 15)),
        other => panic!("expected a JSON error, got {other}"),
    }
}

#[test]
fn extra_top_level_fields_are_ignored() {
    let a = arch(r#"{"name":"N1","params":7850,"hash":"x","input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[]}"#)
        .unwrap();
    assert_eq!(a.params().unwrap(), 7850);
}

#[test]
fn hash_ignores_key_order_and_written_defaults() {
    let a = arch(r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[{"type":"conv2d","filters":16,"kernel":3},{"type":"maxpool2d","size":2}]}"#).unwrap();
    let b = arch(r#"{"layers":[{"kernel":3,"padding":"valid","type":"conv2d","stride":1,"filters":16},{"stride":2,"size":2,"type":"maxpool2d"}],"classes":10,"input":{"channels":1,"width":28,"height":28},"name":"x"}"#).unwrap();
    let c = arch(r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[{"type":"conv2d","filters":16,"kernel":3},{"type":"avgpool2d","size":2}]}"#).unwrap();
    assert_eq!(a.hash(), b.hash());
    assert_ne!(a.hash(), c.hash());
    assert_eq!(a.hash().len(), 16);
    assert_eq!(a.canonical_json(), b.canonical_json());
    // The canonical form reads back to the same architecture.
    assert_eq!(arch(&a.canonical_json()).unwrap(), a);
}

#[test]
fn summary_is_one_readable_line() {
    let a = Architecture::new(
        remap_architecture::Input {
            height: 28,
            width: 28,
            channels: 1,
        },
        10,
        vec![
            Layer::conv(32, 3),
            Layer::Activation {
                function: remap_architecture::Activation::Relu,
            },
            Layer::maxpool(2),
            Layer::Dense { units: 128 },
        ],
    );
    assert_eq!(a.summary(), "C3x32 relu M2 D128 → 10");
}

#[test]
fn many_formats_keep_valid_items_beside_invalid_ones() {
    let good = r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[]}"#;
    let bad = r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[{"type":"pool"}]}"#;
    let lines = format!("{good}\n{bad}\n{{oops\n{good}\n");
    let items = parse_many(&lines).unwrap();
    assert_eq!(items.len(), 4);
    assert!(items[0].result.is_ok() && items[3].result.is_ok());
    assert!(items[1].result.is_err());
    assert!(matches!(
        items[2].result,
        Err(ArchError::Json { line: 3, .. })
    ));
    let array = format!("[{good},{bad}]");
    let items = parse_many(&array).unwrap();
    assert_eq!(items.iter().filter(|i| i.result.is_ok()).count(), 1);
    assert!(parse_many("[{").is_err());
}
