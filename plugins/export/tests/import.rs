//! ONNX import against export (issue 33): an exported net imports as the same architecture,
//! and every fixture PyTorch's exporters wrote, imported and exported again, runs in tract
//! with the fixture's parameter count and the imported layer shapes.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{GRAPHS, normalization, pixels, tract_probabilities};
use prost::Message;
use remap_architecture::{Architecture, Layer, LayerKind, Shape};
use remap_export::pb::ModelProto;
use remap_export::{About, TrainedModel, onnx_model, to_onnx};
use remap_onnx::{import, import_model};
use remap_training::Net;
use remap_training::burn::tensor::Device;
use tract_onnx::prelude::*;

/// `arch` with freshly initialised weights: what `remap export` of an untrained model writes.
fn untrained(arch: &Architecture) -> TrainedModel {
    TrainedModel {
        arch: arch.clone(),
        net: Net::new(arch, 1, &Device::flex()).unwrap(),
        classes: (0..arch.classes).map(|c| format!("class {c}")).collect(),
        normalization: normalization(arch.input.channels),
        about: About::default(),
    }
}

/// The golden nets, the graphs of the export tests (a 3-way residual add, branches joined by
/// concat, dense layers on the image) and `same` padding with stride 2.
fn nets() -> Vec<Architecture> {
    let mut archs = remap_golden::load().archs.clone();
    archs.extend(GRAPHS.iter().map(|t| Architecture::from_json(t).unwrap()));
    archs.push(
        Architecture::from_json(
            r#"{"input":{"height":11,"width":11,"channels":1},"classes":4,"layers":[
            {"type":"conv2d","filters":5,"kernel":4,"stride":2,"padding":"same"},
            {"type":"activation","function":"tanh"},
            {"type":"avgpool2d","size":2,"stride":1},
            {"type":"dense","units":6},
            {"type":"dropout","rate":0.5}]}"#,
        )
        .unwrap(),
    );
    archs
}

fn without_dropout(arch: &Architecture) -> Architecture {
    let mut out = arch.clone();
    while let Some(at) = out
        .layers
        .iter()
        .position(|l| l.kind() == LayerKind::Dropout)
    {
        out = out.without_layer(at);
    }
    out
}

#[test]
fn an_exported_net_imports_as_the_same_architecture() {
    let nets = nets();
    assert!(nets.iter().any(|a| !a.is_chain()), "graphs included");
    assert!(
        nets.iter()
            .any(|a| a.layers.contains(&Layer::Dropout { rate: 0.5 }))
    );
    for arch in &nets {
        let mut proto = onnx_model(&untrained(arch)).unwrap();
        let imported =
            import(&proto.encode_to_vec()).unwrap_or_else(|e| panic!("{}: {e}", arch.summary()));
        assert_eq!(&imported.architecture, arch, "{}", arch.summary());
        // From the graph alone (no metadata): everything but the dropout the graph omits.
        proto.metadata_props.clear();
        let graph_only = import_model(&proto).unwrap().architecture;
        assert_eq!(graph_only, without_dropout(arch), "{}", arch.summary());
    }
}

#[derive(serde::Deserialize)]
struct Fixture {
    params: u64,
    refused: Option<serde_json::Value>,
}

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../onnx/tests/fixtures")
}

/// The output shape tract infers for each node named `layers.{i}`, as `[C, H, W]` or `[F]`.
fn tract_layer_shapes(onnx: &[u8], arch: &Architecture) -> BTreeMap<usize, Vec<usize>> {
    let i = arch.input;
    let shape = [1, i.channels as usize, i.height as usize, i.width as usize];
    let model = tract_onnx::onnx()
        .model_for_read(&mut &onnx[..])
        .unwrap()
        .with_input_fact(0, f32::fact(shape).into())
        .unwrap()
        .into_typed()
        .unwrap();
    let mut out = BTreeMap::new();
    for node in model.nodes() {
        let Some(index) = node
            .name
            .strip_prefix("layers.")
            .and_then(|n| n.parse().ok())
        else {
            continue;
        };
        let fact = model.outlet_fact(OutletId::new(node.id, 0)).unwrap();
        let dims: Vec<usize> = fact.shape.as_concrete().unwrap()[1..].to_vec();
        out.insert(index, dims);
    }
    out
}

#[test]
fn every_fixture_reexported_runs_in_tract_with_its_parameter_count_and_layer_shapes() {
    let text = std::fs::read_to_string(fixtures_dir().join("fixtures.json")).unwrap();
    let fixtures: BTreeMap<String, Fixture> = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    for (file, fixture) in fixtures.iter().filter(|(_, f)| f.refused.is_none()) {
        let bytes = std::fs::read(fixtures_dir().join(file)).unwrap();
        let arch = import(&bytes)
            .unwrap_or_else(|e| panic!("{file}: {e}"))
            .architecture;
        let onnx = to_onnx(&untrained(&arch)).unwrap();
        // The re-exported weights, normalisation aside, are PyTorch's parameter count.
        let proto = ModelProto::decode(&onnx[..]).unwrap();
        let params: i64 = proto
            .graph
            .as_ref()
            .unwrap()
            .initializer
            .iter()
            .filter(|t| !t.name.starts_with("normalize."))
            .map(|t| t.dims.iter().product::<i64>())
            .sum();
        assert_eq!(params as u64, fixture.params, "{file}");
        // tract's shapes for every layer node are the architecture's.
        let analysis = arch.analyze().unwrap();
        let shapes = tract_layer_shapes(&onnx, &arch);
        for (i, report) in analysis.layers.iter().enumerate() {
            if let Some(dims) = shapes.get(&i) {
                let want: Vec<usize> = match report.output {
                    Shape::Spatial {
                        height,
                        width,
                        channels,
                    } => vec![channels, height, width],
                    Shape::Flat(n) => vec![n],
                }
                .into_iter()
                .map(|d| d as usize)
                .collect();
                assert_eq!(dims, &want, "{file}: layer {i} ({})", arch.layers[i]);
            }
        }
        assert!(shapes.len() >= arch.layers.len() / 2, "{file}: {shapes:?}");
        let images = pixels(&arch, 4, 9);
        tract_probabilities(&onnx, &arch, &images, 4);
        checked += 1;
    }
    assert_eq!(checked, 7);
}
