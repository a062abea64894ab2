//! What REMAP cannot express is refused naming the op, the node and what to do instead.

use remap_onnx::pb::attribute_proto::AttributeType;
use remap_onnx::pb::tensor_proto::DataType;
use remap_onnx::pb::tensor_shape_proto::{Dimension, dimension};
use remap_onnx::pb::{
    AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, TensorShapeProto, TypeProto,
    ValueInfoProto, type_proto,
};
use remap_onnx::{Refusal, import_model};

fn weight(name: &str, dims: &[i64]) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims: dims.to_vec(),
        data_type: DataType::Float as i32,
        float_data: vec![0.1; dims.iter().product::<i64>() as usize],
        ..Default::default()
    }
}

fn ints(name: &str, values: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::Ints as i32,
        ints: values.to_vec(),
        ..Default::default()
    }
}

fn node(op: &str, name: &str, inputs: &[&str], attribute: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        op_type: op.into(),
        name: name.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![name.into()],
        attribute,
        ..Default::default()
    }
}

/// `x` [1, 2, 6, 6] → `middle` nodes (the first reads `x`, the last is `body`) → flatten →
/// Gemm to 3 classes. `conv` is a 2→4 conv weight for the middle nodes to use.
fn model(middle: Vec<NodeProto>, features: i64) -> ModelProto {
    let dim = |v: i64| Dimension {
        value: Some(dimension::Value::DimValue(v)),
        ..Default::default()
    };
    let input = ValueInfoProto {
        name: "x".into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: Some(TensorShapeProto {
                    dim: vec![dim(1), dim(2), dim(6), dim(6)],
                }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut nodes = middle;
    nodes.push(node("Flatten", "flat", &["body"], vec![]));
    nodes.push(node("Gemm", "head", &["flat", "hw", "hb"], vec![]));
    ModelProto {
        graph: Some(GraphProto {
            node: nodes,
            initializer: vec![
                weight("conv", &[4, 2, 3, 3]),
                weight("conv_b", &[4]),
                weight("hw", &[features, 3]),
                weight("hb", &[3]),
            ],
            input: vec![input],
            output: vec![ValueInfoProto {
                name: "head".into(),
                ..Default::default()
            }],
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn refusal(middle: Vec<NodeProto>, features: i64) -> Refusal {
    let err = import_model(&model(middle, features)).unwrap_err();
    err.refusal()
        .cloned()
        .unwrap_or_else(|| panic!("not a refusal: {err}"))
}

#[test]
fn a_plain_graph_imports() {
    let nodes = vec![node("Conv", "body", &["x", "conv", "conv_b"], vec![])];
    let arch = import_model(&model(nodes, 4 * 4 * 4)).unwrap().architecture;
    assert_eq!(arch.summary(), "C3x4 → 3");
}

#[test]
fn grouped_and_dilated_convolutions_are_refused() {
    let group = AttributeProto {
        name: "group".into(),
        r#type: AttributeType::Int as i32,
        i: 2,
        ..Default::default()
    };
    let r = refusal(
        vec![node("Conv", "body", &["x", "conv", "conv_b"], vec![group])],
        64,
    );
    assert_eq!((r.op.as_str(), r.node.as_str()), ("Conv", "body"));
    assert!(r.reason.contains("group = 2"), "{r}");
    let dilated = ints("dilations", &[2, 2]);
    let r = refusal(
        vec![node(
            "Conv",
            "body",
            &["x", "conv", "conv_b"],
            vec![dilated],
        )],
        4,
    );
    assert!(r.reason.contains("dilation"), "{r}");
}

#[test]
fn other_activations_and_global_pooling_are_refused_with_a_suggestion() {
    let r = refusal(vec![node("LeakyRelu", "body", &["x"], vec![])], 72);
    assert_eq!((r.op.as_str(), r.node.as_str()), ("LeakyRelu", "body"));
    assert!(r.suggestion.contains("ReLU"), "{r}");
    let r = refusal(vec![node("GlobalAveragePool", "body", &["x"], vec![])], 2);
    assert!(
        r.suggestion.contains("window the size of the feature map"),
        "{r}"
    );
}

#[test]
fn padding_that_is_neither_valid_nor_same_is_refused() {
    let pads = ints("pads", &[2, 2, 2, 2]);
    let r = refusal(
        vec![node("Conv", "body", &["x", "conv", "conv_b"], vec![pads])],
        4 * 8 * 8,
    );
    assert!(r.reason.contains("padding [2, 2, 2, 2]"), "{r}");
}

#[test]
fn a_softmax_inside_the_net_is_refused_at_its_reader() {
    let r = refusal(
        vec![
            node("Flatten", "f0", &["x"], vec![]),
            node("Softmax", "soft", &["f0"], vec![]),
            node("Relu", "body", &["soft"], vec![]),
        ],
        72,
    );
    assert_eq!(r.node, "body");
    assert!(r.reason.contains("Softmax `soft`"), "{r}");
}

#[test]
fn a_reshape_that_does_not_flatten_is_refused() {
    let shape = TensorProto {
        name: "shape".into(),
        dims: vec![3],
        data_type: DataType::Int64 as i32,
        int64_data: vec![1, 2, 36],
        ..Default::default()
    };
    let mut m = model(vec![node("Reshape", "body", &["x", "shape"], vec![])], 72);
    m.graph.as_mut().unwrap().initializer.push(shape);
    let r = import_model(&m).unwrap_err();
    let r = r.refusal().unwrap();
    assert_eq!((r.op.as_str(), r.node.as_str()), ("Reshape", "body"));
}
