//! The inference graph as an ONNX model: pixels in [0, 1] → normalisation → hidden layers
//! as wired (dropout omitted; merges as `Add` and `Concat`) → flatten → Gemm → softmax.

use std::collections::HashMap;

use prost::Message;
use remap_architecture::{Activation, Layer, Padding, Shape, Source};

use crate::pb::attribute_proto::AttributeType;
use crate::pb::tensor_proto::DataType;
use crate::pb::tensor_shape_proto::{Dimension, dimension};
use crate::pb::{
    AttributeProto, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, StringStringEntryProto,
    TensorProto, TensorShapeProto, TypeProto, ValueInfoProto, type_proto,
};
use crate::{ExportError, TrainedModel, named_tensors};

/// The default domain's opset the graph uses.
pub const OPSET: i64 = 17;
/// ONNX IR version 8, the one that goes with opset 17.
const IR_VERSION: i64 = 8;
/// The input: `[N, C, H, W]` pixel values in [0, 1], N dynamic.
pub const INPUT: &str = "image";
/// The output: `[N, classes]` class probabilities.
pub const OUTPUT: &str = "probabilities";

/// The ONNX model of `model`, serialised.
pub fn to_onnx(model: &TrainedModel) -> Result<Vec<u8>, ExportError> {
    Ok(onnx_model(model)?.encode_to_vec())
}

/// The ONNX model of `model`. Metadata: `classes` (a JSON array of names in label order),
/// `architecture` (spec §2 JSON), `hash`, `normalization_mean` and `normalization_std`.
pub fn onnx_model(model: &TrainedModel) -> Result<ModelProto, ExportError> {
    model.check()?;
    let arch = &model.arch;
    let analysis = arch.analyze()?;
    let mut weights: HashMap<String, TensorProto> = named_tensors(arch, &model.net)?
        .into_iter()
        .map(|t| {
            let dims = t.shape.iter().map(|&d| d as i64).collect();
            (t.name.clone(), float_tensor(&t.name, dims, t.values))
        })
        .collect();
    let mut take = |name: String| {
        weights
            .remove(&name)
            .ok_or_else(|| ExportError::Weights(format!("no tensor {name}")))
    };

    let c = i64::from(arch.input.channels);
    let (mean, std) = (model.mean()?, model.std()?);
    let mut g = Graph::default();
    g.initializer
        .push(float_tensor("normalize.mean", vec![1, c, 1, 1], mean));
    g.initializer
        .push(float_tensor("normalize.std", vec![1, c, 1, 1], std));
    let centred = g.node("Sub", "normalize.sub", &[INPUT, "normalize.mean"], vec![]);
    let image = g.node("Div", "normalize.div", &[&centred, "normalize.std"], vec![]);

    // The value each layer outputs, by layer index.
    let mut outputs: Vec<String> = Vec::with_capacity(arch.layers.len());
    for (i, (layer, report)) in arch.layers.iter().zip(&analysis.layers).enumerate() {
        let name = format!("layers.{i}");
        let sources: Vec<String> = arch
            .sources(i)
            .into_iter()
            .map(|s| match s {
                Source::Input => image.clone(),
                Source::Layer(j) => outputs[j].clone(),
            })
            .collect();
        let mut x = sources[0].clone();
        x = match *layer {
            Layer::Conv2d {
                kernel,
                stride,
                padding,
                ..
            } => {
                let (w, b) = (format!("{name}.weight"), format!("{name}.bias"));
                g.initializer.push(take(w.clone())?);
                g.initializer.push(take(b.clone())?);
                let (k, s) = (i64::from(kernel), i64::from(stride));
                let pads = conv_pads(report.input, kernel, stride, padding);
                let attrs = vec![
                    ints("kernel_shape", vec![k, k]),
                    ints("strides", vec![s, s]),
                    ints("pads", pads),
                    ints("dilations", vec![1, 1]),
                ];
                g.node("Conv", &name, &[&x, &w, &b], attrs)
            }
            Layer::Maxpool2d { size, stride } | Layer::Avgpool2d { size, stride } => {
                let op = if matches!(layer, Layer::Maxpool2d { .. }) {
                    "MaxPool"
                } else {
                    "AveragePool"
                };
                let (k, s) = (i64::from(size), i64::from(stride));
                let attrs = vec![
                    ints("kernel_shape", vec![k, k]),
                    ints("strides", vec![s, s]),
                ];
                g.node(op, &name, &[&x], attrs)
            }
            Layer::Dense { .. } => {
                if report.input.is_spatial() {
                    x = g.node(
                        "Flatten",
                        &format!("{name}.flatten"),
                        &[&x],
                        vec![int("axis", 1)],
                    );
                }
                let (w, b) = (format!("{name}.weight"), format!("{name}.bias"));
                g.initializer.push(take(w.clone())?);
                g.initializer.push(take(b.clone())?);
                g.node("Gemm", &name, &[&x, &w, &b], vec![int("transB", 1)])
            }
            Layer::Activation { function } => {
                let op = match function {
                    Activation::Relu => "Relu",
                    Activation::Tanh => "Tanh",
                    Activation::Sigmoid => "Sigmoid",
                };
                g.node(op, &name, &[&x], vec![])
            }
            // Identity at inference.
            Layer::Dropout { .. } => x,
            // ONNX's Add takes two inputs: a chain of them, the last named after the layer.
            Layer::Add => {
                let mut sum = x;
                for (k, other) in sources.iter().enumerate().skip(1) {
                    let node = if k + 1 == sources.len() {
                        name.clone()
                    } else {
                        format!("{name}.add{k}")
                    };
                    sum = g.node("Add", &node, &[&sum, other], vec![]);
                }
                sum
            }
            Layer::Concat => {
                let inputs: Vec<&str> = sources.iter().map(String::as_str).collect();
                g.node("Concat", &name, &inputs, vec![int("axis", 1)])
            }
        };
        outputs.push(x);
    }
    let mut x = outputs.last().cloned().unwrap_or(image);
    if analysis.head.input.is_spatial() {
        x = g.node("Flatten", "head.flatten", &[&x], vec![int("axis", 1)]);
    }
    g.initializer.push(take("head.weight".into())?);
    g.initializer.push(take("head.bias".into())?);
    let logits = g.node(
        "Gemm",
        "head",
        &[&x, "head.weight", "head.bias"],
        vec![int("transB", 1)],
    );
    g.nodes.push(node(
        "Softmax",
        "softmax",
        &[&logits],
        OUTPUT,
        vec![int("axis", 1)],
    ));

    let input_dims = [
        dim_param("N"),
        dim_value(c),
        dim_value(i64::from(arch.input.height)),
        dim_value(i64::from(arch.input.width)),
    ];
    let output_dims = [dim_param("N"), dim_value(i64::from(arch.classes))];
    let graph = GraphProto {
        name: format!("remap {}", arch.summary()),
        node: g.nodes,
        initializer: g.initializer,
        input: vec![value_info(INPUT, &input_dims)],
        output: vec![value_info(OUTPUT, &output_dims)],
        doc_string: "Input: pixel values in [0, 1]; output: class probabilities.".into(),
        ..Default::default()
    };
    let classes = serde_json::to_string(&model.classes).expect("strings serialise");
    let metadata = [
        ("classes", classes),
        ("architecture", arch.canonical_json()),
        ("hash", arch.hash()),
        ("params", analysis.params.to_string()),
        ("normalization_mean", json_floats(&model.mean()?)),
        ("normalization_std", json_floats(&model.std()?)),
    ];
    Ok(ModelProto {
        ir_version: IR_VERSION,
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: OPSET,
        }],
        producer_name: "remap".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        doc_string: format!("REMAP model {} ({})", arch.summary(), arch.hash()),
        graph: Some(graph),
        metadata_props: metadata
            .into_iter()
            .map(|(key, value)| StringStringEntryProto {
                key: key.into(),
                value,
            })
            .collect(),
        ..Default::default()
    })
}

/// Nodes and initializers, in order; each node's output is named after the node.
#[derive(Default)]
struct Graph {
    nodes: Vec<NodeProto>,
    initializer: Vec<TensorProto>,
}

impl Graph {
    /// Adds a node whose single output is named `name`; returns that name.
    fn node(
        &mut self,
        op: &str,
        name: &str,
        inputs: &[&str],
        attrs: Vec<AttributeProto>,
    ) -> String {
        self.nodes.push(node(op, name, inputs, name, attrs));
        name.to_string()
    }
}

fn node(
    op: &str,
    name: &str,
    inputs: &[&str],
    output: &str,
    attrs: Vec<AttributeProto>,
) -> NodeProto {
    NodeProto {
        op_type: op.into(),
        name: name.into(),
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![output.into()],
        attribute: attrs,
        ..Default::default()
    }
}

/// Conv padding `[top, left, bottom, right]` as burn applies it ([`Padding::amounts`]).
pub(crate) fn conv_pads(input: Shape, kernel: u32, stride: u32, padding: Padding) -> Vec<i64> {
    let Shape::Spatial { height, width, .. } = input else {
        return vec![0; 4];
    };
    padding
        .amounts(
            [height as usize, width as usize],
            kernel as usize,
            stride as usize,
        )
        .map(|p| p as i64)
        .to_vec()
}

fn float_tensor(name: &str, dims: Vec<i64>, values: Vec<f32>) -> TensorProto {
    TensorProto {
        name: name.into(),
        dims,
        data_type: DataType::Float as i32,
        float_data: values,
        ..Default::default()
    }
}

fn int(name: &str, value: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::Int as i32,
        i: value,
        ..Default::default()
    }
}

fn ints(name: &str, values: Vec<i64>) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        r#type: AttributeType::Ints as i32,
        ints: values,
        ..Default::default()
    }
}

fn dim_param(name: &str) -> Dimension {
    Dimension {
        value: Some(dimension::Value::DimParam(name.into())),
        ..Default::default()
    }
}

fn dim_value(v: i64) -> Dimension {
    Dimension {
        value: Some(dimension::Value::DimValue(v)),
        ..Default::default()
    }
}

fn value_info(name: &str, dims: &[Dimension]) -> ValueInfoProto {
    ValueInfoProto {
        name: name.into(),
        r#type: Some(TypeProto {
            value: Some(type_proto::Value::TensorType(type_proto::Tensor {
                elem_type: DataType::Float as i32,
                shape: Some(TensorShapeProto { dim: dims.to_vec() }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn json_floats(values: &[f32]) -> String {
    serde_json::to_string(values).expect("finite floats serialise")
}
