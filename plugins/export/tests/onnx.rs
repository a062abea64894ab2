//! The exported ONNX graph, run by tract, gives burn's probabilities (issue 7 acceptance).

mod common;

use common::{GRAPHS, IMAGES, burn_probabilities, max_diff, pixels, tract_probabilities, trained};
use prost::Message;
use remap_architecture::Architecture;
use remap_export::pb::ModelProto;
use remap_export::pb::tensor_shape_proto::dimension::Value as Dim;
use remap_export::{INPUT, OPSET, OUTPUT, to_onnx};

/// Beyond the golden nets: `same` padding with an odd total (one extra pixel at the end),
/// stride 2 on an even and an odd input, and pools after it.
const SAME_PADDING: [&str; 2] = [
    r#"{"input":{"height":12,"width":12,"channels":2},"classes":3,"layers":[
        {"type":"conv2d","filters":4,"kernel":2,"padding":"same"},
        {"type":"activation","function":"relu"},
        {"type":"conv2d","filters":3,"kernel":3,"stride":2,"padding":"same"},
        {"type":"maxpool2d","size":2,"stride":1}]}"#,
    r#"{"input":{"height":11,"width":11,"channels":1},"classes":4,"layers":[
        {"type":"conv2d","filters":5,"kernel":4,"stride":2,"padding":"same"},
        {"type":"activation","function":"tanh"},
        {"type":"avgpool2d","size":2},
        {"type":"dense","units":6},
        {"type":"dropout","rate":0.5}]}"#,
];

/// Golden nets, odd paddings and graphs.
#[test]
fn every_golden_net_runs_in_tract_with_burns_probabilities() {
    let golden = remap_golden::load();
    let mut archs = golden.archs.clone();
    archs.extend(
        SAME_PADDING
            .iter()
            .chain(&GRAPHS)
            .map(|t| Architecture::from_json(t).unwrap()),
    );
    assert_eq!(archs.len(), 8 + SAME_PADDING.len() + GRAPHS.len());
    for (k, arch) in archs.iter().enumerate() {
        let model = trained(arch, k as u64);
        let onnx = to_onnx(&model).unwrap();
        let images = pixels(arch, IMAGES, 100 + k as u64);
        let burn = burn_probabilities(&model, &images, IMAGES);
        let tract = tract_probabilities(&onnx, arch, &images, IMAGES);
        let diff = max_diff(&burn, &tract);
        assert!(diff < 1e-4, "{}: max difference {diff}", arch.summary());
        // Probabilities, not logits.
        for row in tract.chunks(arch.classes as usize) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        }
    }
}

#[test]
fn the_graph_names_its_input_output_opset_and_classes() {
    let arch = &remap_golden::load().archs[2];
    let model = common::trained(arch, 1);
    let proto = ModelProto::decode(&to_onnx(&model).unwrap()[..]).unwrap();
    assert!(
        proto
            .opset_import
            .iter()
            .any(|o| o.domain.is_empty() && o.version >= 17)
    );
    assert_eq!(OPSET, 17);
    let graph = proto.graph.unwrap();
    let dims = |v: &remap_export::pb::ValueInfoProto| -> Vec<Dim> {
        let Some(remap_export::pb::type_proto::Value::TensorType(t)) =
            v.r#type.as_ref().unwrap().value.as_ref()
        else {
            panic!("a tensor")
        };
        t.shape
            .as_ref()
            .unwrap()
            .dim
            .iter()
            .map(|d| d.value.clone().unwrap())
            .collect()
    };
    assert_eq!(graph.input.len(), 1);
    assert_eq!(graph.input[0].name, INPUT);
    assert_eq!(
        dims(&graph.input[0]),
        vec![
            Dim::DimParam("N".into()),
            Dim::DimValue(1),
            Dim::DimValue(28),
            Dim::DimValue(28)
        ]
    );
    assert_eq!(graph.output[0].name, OUTPUT);
    assert_eq!(
        dims(&graph.output[0]),
        vec![Dim::DimParam("N".into()), Dim::DimValue(10)]
    );
    let ops: Vec<&str> = graph.node.iter().map(|n| n.op_type.as_str()).collect();
    // Normalisation first, dropout gone, softmax last.
    assert_eq!(
        ops,
        [
            "Sub", "Div", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Tanh", "Gemm", "Softmax"
        ]
    );
    let classes = proto
        .metadata_props
        .iter()
        .find(|p| p.key == "classes")
        .expect("class names in the metadata");
    let names: Vec<String> = serde_json::from_str(&classes.value).unwrap();
    assert_eq!(names, model.classes);
}

#[test]
fn a_batch_of_another_size_runs_too() {
    let arch = &remap_golden::load().archs[5];
    let model = trained(arch, 5);
    let onnx = to_onnx(&model).unwrap();
    let images = pixels(arch, 3, 9);
    let diff = max_diff(
        &burn_probabilities(&model, &images, 3),
        &tract_probabilities(&onnx, arch, &images, 3),
    );
    assert!(diff < 1e-4, "max difference {diff}");
}

#[test]
fn merges_become_add_and_concat_nodes_that_read_their_branches() {
    let ops = |json: &str| -> Vec<(String, Vec<String>)> {
        let arch = Architecture::from_json(json).unwrap();
        let proto = ModelProto::decode(&to_onnx(&trained(&arch, 3)).unwrap()[..]).unwrap();
        proto
            .graph
            .unwrap()
            .node
            .into_iter()
            .filter(|n| n.op_type == "Add" || n.op_type == "Concat")
            .map(|n| (n.op_type, n.input))
            .collect()
    };
    // The 3-way add: two Add nodes, the last named after the layer.
    let adds = ops(GRAPHS[0]);
    assert_eq!(
        adds,
        [
            ("Add".into(), vec!["layers.4".into(), "layers.1".into()]),
            (
                "Add".into(),
                vec!["layers.5.add1".into(), "layers.0".into()]
            ),
        ]
    );
    let concat = ops(GRAPHS[1]);
    assert_eq!(
        concat,
        [("Concat".into(), vec!["layers.1".into(), "layers.2".into()])]
    );
}
