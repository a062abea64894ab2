//! Every fixture PyTorch's two exporters (and a Keras-style graph) wrote imports with the
//! parameter count PyTorch gives; the net with batch normalisation is refused at its node.
//! `tests/fixtures/make_fixtures.py` regenerates the files and `fixtures.json`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use remap_architecture::{Layer, Source};
use remap_onnx::{ImportError, import};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    params: u64,
    input: [u32; 3],
    classes: u32,
    refused: Option<Refused>,
}

#[derive(Deserialize)]
struct Refused {
    op: String,
    node: String,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixtures() -> BTreeMap<String, Fixture> {
    let text = std::fs::read_to_string(dir().join("fixtures.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn every_fixture_imports_with_pytorchs_parameter_count_or_is_refused_at_its_node() {
    let fixtures = fixtures();
    assert_eq!(
        fixtures.len(),
        9,
        "four nets by two exporters and a Keras graph"
    );
    for (file, fixture) in &fixtures {
        let result = import(&read(file));
        match &fixture.refused {
            Some(expected) => {
                let err = result.expect_err(file);
                let refusal = err.refusal().unwrap_or_else(|| panic!("{file}: {err}"));
                assert_eq!(refusal.op, expected.op, "{file}");
                assert_eq!(refusal.node, expected.node, "{file}");
                let message = err.to_string();
                assert!(message.contains(&expected.node), "{message}");
                assert!(message.contains("fold it into"), "{message}");
            }
            None => {
                let imported = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                let arch = &imported.architecture;
                assert_eq!(
                    arch.params().unwrap(),
                    fixture.params,
                    "{file}: {}",
                    arch.summary()
                );
                let [c, h, w] = fixture.input;
                let input = arch.input;
                assert_eq!(
                    [input.channels, input.height, input.width],
                    [c, h, w],
                    "{file}"
                );
                assert_eq!(arch.classes, fixture.classes, "{file}");
                assert!(imported.notes[0].contains("weights are not imported"));
            }
        }
    }
}

#[test]
fn both_exporters_give_the_same_architecture() {
    for net in ["conv_chain", "residual", "concat"] {
        let a = import(&read(&format!("{net}.torchscript.onnx"))).unwrap();
        let b = import(&read(&format!("{net}.dynamo.onnx"))).unwrap();
        assert_eq!(a.architecture, b.architecture, "{net}");
    }
}

#[test]
fn the_conv_chain_keeps_its_layers_in_order() {
    let arch = import(&read("conv_chain.torchscript.onnx"))
        .unwrap()
        .architecture;
    // Dropout is not in an eval-mode export; the final Softmax is the head's.
    assert_eq!(
        arch.summary(),
        "C3x4 relu M2 C3x6s tanh A2 D16 sigmoid → 5",
        "{}",
        arch.canonical_json()
    );
}

#[test]
fn the_residual_net_sums_its_skip_and_the_concat_net_its_branches() {
    let residual = import(&read("residual.torchscript.onnx"))
        .unwrap()
        .architecture;
    assert_eq!(residual.layers[4], Layer::Add);
    assert_eq!(
        residual.sources(4),
        vec![Source::Layer(1), Source::Layer(3)]
    );
    let concat = import(&read("concat.dynamo.onnx")).unwrap().architecture;
    assert_eq!(concat.layers[2], Layer::Concat);
    assert_eq!(concat.sources(1), vec![Source::Input]);
    assert_eq!(concat.sources(2), vec![Source::Layer(0), Source::Layer(1)]);
}

#[test]
fn the_keras_graph_reads_its_nhwc_input_and_its_matmul_add_layers() {
    let imported = import(&read("keras_style.onnx")).unwrap();
    assert_eq!(imported.architecture.summary(), "C3x4s relu M2 D8 relu → 3");
    let notes = imported.notes.join("\n");
    assert!(notes.contains("NHWC"), "{notes}");
    assert!(
        notes.contains("`dense/MatMul` and `dense/BiasAdd`"),
        "{notes}"
    );
    assert!(notes.contains("`head/Softmax` dropped"), "{notes}");
}

#[test]
fn bytes_that_are_not_onnx_are_refused_as_such() {
    let err = import(b"{\"input\": 1}").unwrap_err();
    assert!(
        matches!(err, ImportError::Decode(_) | ImportError::Graph(_)),
        "{err}"
    );
}
