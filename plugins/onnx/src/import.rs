//! An ONNX graph as a REMAP architecture (spec §10.4): the nodes are read in order, each
//! network tensor remembering the layer that made it; shape arithmetic and constants are
//! evaluated on the way; a final Softmax is dropped and the last dense layer becomes the head.

use std::collections::{BTreeMap, HashMap};

use prost::Message;
use remap_architecture::{Activation, Architecture, Input, Layer, LayerKind, Shape, Source};

use crate::constant::{self, Const, Dim};
use crate::node::Node;
use crate::pb::tensor_shape_proto::dimension::Value as DimValue;
use crate::pb::{GraphProto, ModelProto, type_proto};
use crate::spatial;
use crate::value::{Act, Layout, Value};
use crate::{ImportError, Refusal};

/// What the import always says: the graph's weights stay behind.
pub const WEIGHTS_NOTE: &str =
    "weights are not imported: REMAP explores the architecture and trains it from scratch";

/// The ops the importer maps, for refusals.
const SUPPORTED: &str = "REMAP imports Conv, MaxPool, AveragePool, Gemm, MatMul+Add, Relu, \
    Tanh, Sigmoid, Dropout, Add, Concat, Flatten/Reshape to [N, features] and a final Softmax";

/// An imported architecture and what the import dropped, folded or assumed.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub architecture: Architecture,
    /// One line each, the weights note first.
    pub notes: Vec<String>,
}

/// Imports a serialised ONNX model.
pub fn import(bytes: &[u8]) -> Result<Imported, ImportError> {
    let model = ModelProto::decode(bytes).map_err(|e| ImportError::Decode(e.to_string()))?;
    import_model(&model)
}

/// Imports an ONNX model: its graph's single image input and single output, the layers in
/// between. A model REMAP exported gets back the dropout layers its graph leaves out (from
/// its `architecture` metadata, when the graph agrees with it).
pub fn import_model(model: &ModelProto) -> Result<Imported, ImportError> {
    let graph = model
        .graph
        .as_ref()
        .ok_or_else(|| ImportError::Graph("is missing".into()))?;
    let mut walker = Walker::new(graph)?;
    for (i, proto) in graph.node.iter().enumerate() {
        walker.node(&Node::new(proto, i))?;
    }
    let mut imported = walker.finish(graph)?;
    restore_dropout(model, &mut imported);
    Ok(imported)
}

/// The state of reading a graph's nodes in order.
struct Walker {
    values: HashMap<String, Value>,
    /// How many nodes (and graph outputs) read each tensor.
    uses: HashMap<String, usize>,
    layers: Vec<Layer>,
    sources: Vec<Vec<Source>>,
    /// The node each layer came from: `(op, name)`.
    made_by: Vec<(String, String)>,
    /// Whether each conv or dense layer has its bias (other layers: true).
    biased: Vec<bool>,
    /// The image's dimensions after the batch, in tensor order.
    image: [u32; 3],
    /// The image's layout, once a node decided it.
    image_layout: Option<Layout>,
    /// The batch size, when the graph fixes it.
    batch: Option<i64>,
    notes: Vec<String>,
}

impl Walker {
    fn new(graph: &GraphProto) -> Result<Self, ImportError> {
        let mut values = HashMap::new();
        for tensor in &graph.initializer {
            values.insert(tensor.name.clone(), Value::Const(constant::read(tensor)));
        }
        let inputs: Vec<_> = graph
            .input
            .iter()
            .filter(|i| !values.contains_key(&i.name))
            .collect();
        let [input] = inputs[..] else {
            let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
            return Err(ImportError::Graph(format!(
                "has {} inputs ({}); REMAP nets read one image",
                names.len(),
                names.join(", ")
            )));
        };
        let dims = match input.r#type.as_ref().and_then(|t| t.value.as_ref()) {
            Some(type_proto::Value::TensorType(t)) => t
                .shape
                .as_ref()
                .map(|s| s.dim.iter().map(|d| d.value.clone()).collect::<Vec<_>>()),
            _ => None,
        };
        let Some(dims) = dims else {
            return Err(ImportError::Graph(format!(
                "input `{}` has no shape; export with a fixed image size",
                input.name
            )));
        };
        if dims.len() != 4 {
            return Err(ImportError::Graph(format!(
                "input `{}` has {} dimensions; REMAP nets read images [N, C, H, W] (or Keras' [N, H, W, C])",
                input.name,
                dims.len()
            )));
        }
        let batch = match dims[0] {
            Some(DimValue::DimValue(b)) => Some(b),
            _ => None,
        };
        let mut image = [0u32; 3];
        for (k, dim) in dims[1..].iter().enumerate() {
            image[k] = match dim {
                Some(DimValue::DimValue(v)) if *v > 0 => *v as u32,
                other => {
                    return Err(ImportError::Graph(format!(
                        "input `{}`: dimension {} is {other:?}, not a fixed size; export with a fixed image size",
                        input.name,
                        k + 1
                    )));
                }
            };
        }
        let [c, h, w] = image;
        values.insert(
            input.name.clone(),
            Value::Act(Act {
                source: Source::Input,
                shape: spatial_shape(h, w, c),
                layout: Layout::Image,
                flat: false,
                softmax: None,
            }),
        );
        let mut uses = HashMap::new();
        let read = graph.node.iter().flat_map(|n| &n.input);
        for name in read.chain(graph.output.iter().map(|o| &o.name)) {
            *uses.entry(name.clone()).or_insert(0) += 1;
        }
        Ok(Walker {
            values,
            uses,
            layers: Vec::new(),
            sources: Vec::new(),
            made_by: Vec::new(),
            biased: Vec::new(),
            image,
            image_layout: None,
            batch,
            notes: Vec::new(),
        })
    }

    fn node(&mut self, node: &Node) -> Result<(), ImportError> {
        let out = match node.op() {
            "Constant" => Value::Const(constant_node(node)?),
            "Identity" | "Cast" => self.value(node, 0)?.clone(),
            "Shape" => self.shape_of(node)?,
            "Gather" => self.gather(node)?,
            "Unsqueeze" | "Squeeze" => self.squeeze(node)?,
            "Concat" => self.concat(node)?,
            "Transpose" => self.transpose(node)?,
            "Reshape" => self.reshape(node)?,
            "Flatten" => self.flatten(node)?,
            "Conv" => self.conv(node)?,
            "MaxPool" | "AveragePool" => {
                let input = self.feature_map(node, 0)?;
                let layer = spatial::pool(node, input.shape)?;
                self.push(node, layer, &[input], true)?
            }
            "Gemm" => self.gemm(node)?,
            "MatMul" => self.matmul(node)?,
            "Add" => self.add(node)?,
            "Sub" | "Mul" | "Div" => self.scale(node)?,
            "Relu" | "Tanh" | "Sigmoid" => {
                let function = match node.op() {
                    "Relu" => Activation::Relu,
                    "Tanh" => Activation::Tanh,
                    _ => Activation::Sigmoid,
                };
                let input = self.act(node, 0)?;
                self.push(node, Layer::Activation { function }, &[input], true)?
            }
            "Dropout" => self.dropout(node)?,
            "Softmax" | "LogSoftmax" => {
                let mut input = self.act(node, 0)?;
                let axis = node.int("axis", -1);
                if !input.is_vector() || !(axis == 1 || axis == -1) {
                    return Err(node.refuse(
                        format!("{} over axis {axis} of a {} tensor", node.op(), input.shape),
                        "REMAP's head ends in a softmax over the classes; drop this one",
                    ));
                }
                input.softmax = Some(node.name.clone());
                Value::Act(input)
            }
            _ => return Err(unsupported(node)),
        };
        self.values.insert(node.output()?.to_string(), out);
        Ok(())
    }

    /// Input `k` of `node`.
    fn value(&self, node: &Node, k: usize) -> Result<&Value, ImportError> {
        let name = node
            .inputs()
            .get(k)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| node.malformed(format!("has no input {k}")))?;
        self.values
            .get(name)
            .ok_or_else(|| node.malformed(format!("reads `{name}`, which no earlier node makes")))
    }

    /// Input `k` of `node` as a network tensor (that has not been through a Softmax).
    fn act(&self, node: &Node, k: usize) -> Result<Act, ImportError> {
        match self.value(node, k)? {
            Value::Act(act) => {
                if let Some(softmax) = &act.softmax {
                    return Err(node.refuse(
                        format!("reads the output of Softmax `{softmax}`"),
                        "only a Softmax at the very end is dropped; REMAP has no softmax layer inside a net",
                    ));
                }
                Ok(act.clone())
            }
            Value::Const(_) => Err(node.malformed(format!(
                "input {k} (`{}`) is a constant where the network's tensor is expected",
                node.inputs()[k]
            ))),
        }
    }

    /// Input `k` of `node` as a constant.
    fn konst(&self, node: &Node, k: usize) -> Result<Const, ImportError> {
        match self.value(node, k)? {
            Value::Const(c) => Ok(c.clone()),
            Value::Act(_) => Err(node.refuse(
                format!(
                    "input {k} (`{}`) is computed from the image",
                    node.inputs()[k]
                ),
                "REMAP's layers take their weights and shapes as constants",
            )),
        }
    }

    /// Input `k` as an NCHW feature map, what convolutions and pools read.
    fn feature_map(&mut self, node: &Node, k: usize) -> Result<Act, ImportError> {
        let mut act = self.act(node, k)?;
        if act.is_vector() {
            return Err(node.refuse(
                format!(
                    "reads the vector {} (after a flatten or dense layer)",
                    act.shape
                ),
                "REMAP's convolutions and pools come before the dense layers",
            ));
        }
        match act.layout {
            Layout::Nchw => {}
            Layout::Image => {
                self.decide_image(node, Layout::Nchw)?;
                act.layout = Layout::Nchw;
            }
            Layout::Nhwc => {
                return Err(node.refuse(
                    "reads an NHWC tensor",
                    "transpose to NCHW (perm [0, 3, 1, 2]) before the convolutions, as tf2onnx does",
                ));
            }
        }
        Ok(act)
    }

    fn decide_image(&mut self, node: &Node, layout: Layout) -> Result<(), ImportError> {
        match self.image_layout {
            Some(l) if l != layout => Err(node.refuse(
                "reads the image in a second layout",
                "read the image as NCHW, or transpose it once from NHWC at the input",
            )),
            _ => {
                self.image_layout = Some(layout);
                Ok(())
            }
        }
    }

    /// Appends a layer reading `inputs`; elementwise layers keep a flattened input flat.
    fn push(
        &mut self,
        node: &Node,
        layer: Layer,
        inputs: &[Act],
        biased: bool,
    ) -> Result<Value, ImportError> {
        let shapes: Vec<Shape> = inputs.iter().map(|a| a.shape).collect();
        let shape = if inputs.len() > 1 {
            layer.merged_shape(&shapes).map_err(|k| {
                node.malformed(format!(
                    "input `{}` is {} but `{}` is {}",
                    node.inputs()[k],
                    shapes[k],
                    node.inputs()[0],
                    shapes[0]
                ))
            })?
        } else {
            layer
                .output_shape(shapes[0])
                .map_err(|e| node.malformed(e.to_string()))?
        };
        let flat = inputs[0].flat && layer.kind() != LayerKind::Dense;
        let layout = if flat { inputs[0].layout } else { Layout::Nchw };
        self.layers.push(layer);
        self.sources.push(inputs.iter().map(|a| a.source).collect());
        self.made_by
            .push((node.op().to_string(), node.name.clone()));
        self.biased.push(biased);
        Ok(Value::Act(Act {
            source: Source::Layer(self.layers.len() - 1),
            shape,
            layout,
            flat,
            softmax: None,
        }))
    }

    fn conv(&mut self, node: &Node) -> Result<Value, ImportError> {
        let input = self.feature_map(node, 0)?;
        let weight = self.konst(node, 1)?;
        let (layer, note) = spatial::conv(node, input.shape, &weight.dims)?;
        self.notes.extend(note);
        let biased = node.inputs().get(2).is_some_and(|b| !b.is_empty());
        self.push(node, layer, &[input], biased)
    }

    /// A dense layer from `Gemm`: `A · B(ᵀ) + C`, A the network's vector.
    fn gemm(&mut self, node: &Node) -> Result<Value, ImportError> {
        let input = self.vector(node)?;
        if node.int("transA", 0) != 0 {
            return Err(node.refuse(
                "transposes the network's tensor (transA = 1)",
                "a dense layer multiplies [N, features] by its weight",
            ));
        }
        let weight = self.konst(node, 1)?;
        let &[rows, cols] = &weight.dims[..] else {
            return Err(node.malformed(format!("weight dimensions {:?}", weight.dims)));
        };
        let (n_in, units) = if node.int("transB", 0) != 0 {
            (cols, rows)
        } else {
            (rows, cols)
        };
        self.dense(node, input, n_in, units, node.inputs().len() > 2)
    }

    /// A dense layer from `MatMul` by a constant; an `Add` of a constant after it is its bias.
    fn matmul(&mut self, node: &Node) -> Result<Value, ImportError> {
        let input = self.vector(node)?;
        let weight = self.konst(node, 1)?;
        let &[n_in, units] = &weight.dims[..] else {
            return Err(node.malformed(format!("weight dimensions {:?}", weight.dims)));
        };
        self.dense(node, input, n_in, units, false)
    }

    fn dense(
        &mut self,
        node: &Node,
        input: Act,
        n_in: i64,
        units: i64,
        biased: bool,
    ) -> Result<Value, ImportError> {
        if n_in != input.features() as i64 {
            return Err(node.malformed(format!(
                "weight reads {n_in} features, the input has {}",
                input.features()
            )));
        }
        let units = u32::try_from(units)
            .ok()
            .filter(|&u| u > 0)
            .ok_or_else(|| node.malformed(format!("{units} units")))?;
        self.push(node, Layer::Dense { units }, &[input], biased)
    }

    /// Input 0 as the vector a dense layer reads.
    fn vector(&self, node: &Node) -> Result<Act, ImportError> {
        let input = self.act(node, 0)?;
        if !input.is_vector() {
            return Err(node.refuse(
                format!(
                    "multiplies the feature map {} without flattening it",
                    input.shape
                ),
                "flatten to [N, features] before the dense layer (torch.flatten(x, 1))",
            ));
        }
        Ok(input)
    }

    /// `Add`: a merge of two network tensors, a bias after a MatMul, or the input's
    /// normalisation.
    fn add(&mut self, node: &Node) -> Result<Value, ImportError> {
        let (a, b) = (self.value(node, 0)?.clone(), self.value(node, 1)?.clone());
        match (a, b) {
            (Value::Act(_), Value::Act(_)) => {
                let (x, y) = (self.act(node, 0)?, self.act(node, 1)?);
                self.merge(node, Layer::Add, vec![x, y])
            }
            (Value::Act(act), Value::Const(c)) | (Value::Const(c), Value::Act(act)) => {
                if let Source::Layer(j) = act.source
                    && j + 1 == self.layers.len()
                    && !self.biased[j]
                    && self.layers[j].kind() == LayerKind::Dense
                    && c.len() == act.features() as usize
                {
                    self.biased[j] = true;
                    self.notes.push(format!(
                        "`{}` and `{}` read as one dense layer ({})",
                        self.made_by[j].1, node.name, self.layers[j]
                    ));
                    return Ok(Value::Act(act));
                }
                self.normalisation(node, act)
            }
            (Value::Const(_), Value::Const(_)) => Err(constant_folding(node)),
        }
    }

    /// `Sub`, `Mul`, `Div` of the image by constants: its normalisation, dropped.
    fn scale(&mut self, node: &Node) -> Result<Value, ImportError> {
        match (self.value(node, 0)?.clone(), self.value(node, 1)?.clone()) {
            (Value::Act(act), Value::Const(_)) | (Value::Const(_), Value::Act(act)) => {
                self.normalisation(node, act)
            }
            (Value::Act(_), Value::Act(_)) => Err(node.refuse(
                "combines two network tensors elementwise",
                "REMAP merges branches only by Add and Concat",
            )),
            (Value::Const(_), Value::Const(_)) => Err(constant_folding(node)),
        }
    }

    fn normalisation(&mut self, node: &Node, act: Act) -> Result<Value, ImportError> {
        if act.source != Source::Input {
            return Err(node.refuse(
                "applies a constant to a layer's output",
                "REMAP's layers have their own bias and no scaling: remove it or fold it into the layer",
            ));
        }
        self.notes.push(format!(
            "`{}` ({}) dropped: it normalises the input, which REMAP does from the data set",
            node.name,
            node.op()
        ));
        Ok(Value::Act(act))
    }

    /// A merge layer; an `Add` whose first input is an `Add` only it reads (the last layer)
    /// grows that one instead, so a chain of two-input Adds stays one layer.
    fn merge(&mut self, node: &Node, layer: Layer, inputs: Vec<Act>) -> Result<Value, ImportError> {
        if let Some(flat) = inputs.iter().find(|a| a.flat) {
            return Err(node.refuse(
                format!("merges the flattened map {}", flat.shape),
                "merge feature maps before flattening them",
            ));
        }
        let mut inputs = inputs;
        for act in &mut inputs {
            if act.is_vector() {
                continue;
            }
            match act.layout {
                Layout::Nhwc => {
                    return Err(node.refuse(
                        "merges NHWC tensors",
                        "merge the NCHW feature maps, before any transpose back to NHWC",
                    ));
                }
                Layout::Image => {
                    self.decide_image(node, Layout::Nchw)?;
                    act.layout = Layout::Nchw;
                }
                Layout::Nchw => {}
            }
        }
        if layer == Layer::Add
            && let Source::Layer(j) = inputs[0].source
            && j + 1 == self.layers.len()
            && self.layers[j] == Layer::Add
            && self.uses.get(&node.inputs()[0]) == Some(&1)
        {
            if inputs[1].shape != inputs[0].shape {
                return Err(
                    node.malformed(format!("adds {} to {}", inputs[1].shape, inputs[0].shape))
                );
            }
            self.sources[j].push(inputs[1].source);
            return Ok(Value::Act(inputs[0].clone()));
        }
        self.push(node, layer, &inputs, true)
    }

    fn dropout(&mut self, node: &Node) -> Result<Value, ImportError> {
        let input = self.act(node, 0)?;
        let rate = match node.inputs().get(1).filter(|n| !n.is_empty()) {
            Some(_) => self.konst(node, 1)?.scalar_float(),
            None => Some(node.float("ratio").unwrap_or(0.5)),
        };
        let Some(rate) = rate else {
            return Err(node.malformed("its ratio is not a constant"));
        };
        if rate <= 0.0 {
            self.notes
                .push(format!("`{}`: dropout of rate 0 dropped", node.name));
            return Ok(Value::Act(input));
        }
        if rate >= 1.0 {
            return Err(node.malformed(format!("dropout rate {rate}")));
        }
        // f32 → f64 keeps binary noise (0.25 is exact, 0.3 is not): round to 6 digits.
        let rate = (f64::from(rate) * 1e6).round() / 1e6;
        self.push(node, Layer::Dropout { rate }, &[input], true)
    }

    /// `Shape`: the dimensions of a tensor, the batch as [`Dim::Batch`].
    fn shape_of(&self, node: &Node) -> Result<Value, ImportError> {
        let dims: Vec<Dim> = match self.value(node, 0)? {
            Value::Act(act) => act.dims(),
            Value::Const(c) => c.dims.iter().map(|&d| Dim::Known(d)).collect(),
        };
        let rank = dims.len() as i64;
        let clamp = |v: i64| (if v < 0 { v + rank } else { v }).clamp(0, rank) as usize;
        let start = clamp(node.int("start", 0));
        let end = clamp(node.int("end", rank));
        Ok(Value::Const(Const::ints(
            dims.get(start..end).unwrap_or_default().to_vec(),
        )))
    }

    fn gather(&self, node: &Node) -> Result<Value, ImportError> {
        let data = self.konst(node, 0)?;
        let indices = self.konst(node, 1)?;
        let (Some(values), Some(picks)) = (&data.ints, indices.known_ints()) else {
            return Err(shape_arithmetic(node));
        };
        if node.int("axis", 0) != 0 || data.dims.len() != 1 {
            return Err(shape_arithmetic(node));
        }
        let n = values.len() as i64;
        let mut out = Vec::new();
        for p in picks {
            let i = if p < 0 { p + n } else { p };
            out.push(
                *values
                    .get(i as usize)
                    .ok_or_else(|| node.malformed(format!("index {p} out of {n}")))?,
            );
        }
        Ok(Value::Const(Const {
            dims: indices.dims.clone(),
            ints: Some(out),
            floats: None,
        }))
    }

    /// `Unsqueeze` and `Squeeze` of constants (shape arithmetic); of the network's tensor,
    /// refused.
    fn squeeze(&self, node: &Node) -> Result<Value, ImportError> {
        let Value::Const(c) = self.value(node, 0)? else {
            return Err(node.refuse(
                "changes the rank of the network's tensor",
                "REMAP's tensors are images [N, C, H, W] and vectors [N, features]",
            ));
        };
        let axes = match node.ints("axes") {
            Some(axes) => Some(axes),
            None if node.inputs().len() > 1 => Some(
                self.konst(node, 1)?
                    .known_ints()
                    .ok_or_else(|| node.malformed("axes are not constant"))?,
            ),
            None => None,
        };
        let mut dims = c.dims.clone();
        if node.op() == "Unsqueeze" {
            let axes = axes.ok_or_else(|| node.malformed("has no axes"))?;
            let rank = (dims.len() + axes.len()) as i64;
            let mut sorted: Vec<usize> = axes
                .iter()
                .map(|&a| (if a < 0 { a + rank } else { a }) as usize)
                .collect();
            sorted.sort_unstable();
            for a in sorted {
                dims.insert(a.min(dims.len()), 1);
            }
        } else {
            let rank = dims.len() as i64;
            let drop: Vec<usize> = match axes {
                Some(axes) => axes
                    .iter()
                    .map(|&a| (if a < 0 { a + rank } else { a }) as usize)
                    .collect(),
                None => (0..dims.len()).filter(|&i| dims[i] == 1).collect(),
            };
            dims = dims
                .iter()
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, &d)| d)
                .collect();
        }
        Ok(Value::Const(Const { dims, ..c.clone() }))
    }

    /// `Concat`: of constants, shape arithmetic; of network tensors, a merge.
    fn concat(&mut self, node: &Node) -> Result<Value, ImportError> {
        let values: Vec<Value> = (0..node.inputs().len())
            .map(|k| self.value(node, k).cloned())
            .collect::<Result<_, _>>()?;
        if values.iter().all(|v| matches!(v, Value::Const(_))) {
            let mut ints = Vec::new();
            for v in &values {
                let Value::Const(c) = v else { unreachable!() };
                if c.dims.len() != 1 {
                    return Err(shape_arithmetic(node));
                }
                ints.extend(c.ints.clone().ok_or_else(|| shape_arithmetic(node))?);
            }
            return Ok(Value::Const(Const::ints(ints)));
        }
        let inputs: Vec<Act> = (0..values.len())
            .map(|k| self.act(node, k))
            .collect::<Result<_, _>>()?;
        let rank = if inputs[0].is_vector() { 2 } else { 4 };
        let axis = node.int("axis", 1);
        if axis != 1 && axis != 1 - rank {
            return Err(node.refuse(
                format!("concatenates along axis {axis}"),
                "REMAP concatenates along the channels (or features): dim=1",
            ));
        }
        if inputs.len() < 2 {
            return Ok(Value::Act(inputs[0].clone()));
        }
        self.merge(node, Layer::Concat, inputs)
    }

    /// `Transpose`: of a constant, its dimensions permuted; of the network's tensor, Keras'
    /// NHWC ↔ NCHW at the input and before the flatten.
    fn transpose(&mut self, node: &Node) -> Result<Value, ImportError> {
        let perm = node.ints("perm");
        match self.value(node, 0)?.clone() {
            Value::Const(c) => {
                let perm = perm.unwrap_or_else(|| (0..c.dims.len() as i64).rev().collect());
                let dims = perm
                    .iter()
                    .map(|&p| c.dims.get(p as usize).copied())
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| node.malformed(format!("perm {perm:?}")))?;
                let keep = dims.len() <= 1;
                Ok(Value::Const(Const {
                    dims,
                    ints: c.ints.filter(|_| keep),
                    floats: c.floats.filter(|_| keep),
                }))
            }
            Value::Act(_) => {
                let mut act = self.act(node, 0)?;
                let perm = perm.unwrap_or_default();
                let to_nchw = perm == [0, 3, 1, 2];
                let to_nhwc = perm == [0, 2, 3, 1];
                match (act.layout, act.is_vector()) {
                    (Layout::Image, false) if to_nchw => {
                        self.decide_image(node, Layout::Nhwc)?;
                        let [h, w, c] = self.image;
                        act.shape = spatial_shape(h, w, c);
                        act.layout = Layout::Nchw;
                    }
                    (Layout::Image, false) if to_nhwc => {
                        self.decide_image(node, Layout::Nchw)?;
                        act.layout = Layout::Nhwc;
                    }
                    (Layout::Nhwc, false) if to_nchw => act.layout = Layout::Nchw,
                    (Layout::Nchw, false) if to_nhwc => act.layout = Layout::Nhwc,
                    _ => {
                        return Err(node.refuse(
                            format!("permutes the network's tensor by {perm:?}"),
                            "REMAP follows only NHWC ↔ NCHW transposes of feature maps (Keras' layout)",
                        ));
                    }
                }
                self.note_once("NHWC ↔ NCHW transposes dropped (Keras' layout)");
                Ok(Value::Act(act))
            }
        }
    }

    /// `Reshape` of the network's tensor to `[N, features]`: a flatten.
    fn reshape(&mut self, node: &Node) -> Result<Value, ImportError> {
        let mut act = self.act(node, 0)?;
        let target = self.konst(node, 1)?;
        let Some(target) = target.ints.clone() else {
            return Err(node.malformed("its shape is not a constant"));
        };
        let features = act.features() as i64;
        let batch_ok = |d: Dim| match d {
            Dim::Batch => true,
            Dim::Known(v) => v == 0 || v == -1 || Some(v) == self.batch,
        };
        let flattens = match target[..] {
            [n, Dim::Known(-1)] => batch_ok(n) && n != Dim::Known(-1),
            [n, Dim::Known(f)] => batch_ok(n) && f == features,
            _ => false,
        };
        if !flattens {
            return Err(node.refuse(
                format!("reshapes {} to {}", act.shape, dims_text(&target)),
                "REMAP only flattens feature maps to [N, features] \
                 (torch.flatten(x, 1) or x.view(x.size(0), -1))",
            ));
        }
        if act.layout == Layout::Image {
            self.decide_image(node, Layout::Nchw)?;
        }
        act.flat = true;
        Ok(Value::Act(act))
    }

    fn flatten(&mut self, node: &Node) -> Result<Value, ImportError> {
        let mut act = self.act(node, 0)?;
        let rank = if act.is_vector() { 2 } else { 4 };
        let axis = node.int("axis", 1);
        if axis != 1 && axis != 1 - rank {
            return Err(node.refuse(
                format!("flattens from axis {axis}"),
                "REMAP flattens everything but the batch: axis=1",
            ));
        }
        if act.layout == Layout::Image {
            self.decide_image(node, Layout::Nchw)?;
        }
        act.flat = true;
        Ok(Value::Act(act))
    }

    fn note_once(&mut self, note: &str) {
        if !self.notes.iter().any(|n| n == note) {
            self.notes.push(note.to_string());
        }
    }

    /// The architecture: the output must come from the last layer, a dense one (the head).
    fn finish(mut self, graph: &GraphProto) -> Result<Imported, ImportError> {
        let [output] = &graph.output[..] else {
            return Err(ImportError::Graph(format!(
                "has {} outputs; REMAP nets have one (the class scores)",
                graph.output.len()
            )));
        };
        let act = match self.values.get(&output.name) {
            Some(Value::Act(act)) => act.clone(),
            Some(Value::Const(_)) => {
                return Err(ImportError::Graph(format!(
                    "output `{}` is a constant",
                    output.name
                )));
            }
            None => {
                return Err(ImportError::Graph(format!(
                    "output `{}` is made by no node",
                    output.name
                )));
            }
        };
        let Source::Layer(head) = act.source else {
            return Err(ImportError::Graph(format!(
                "output `{}` is the image itself: there are no layers",
                output.name
            )));
        };
        let (op, name) = self.made_by[head].clone();
        let refuse = |reason: String, suggestion: &str| {
            ImportError::Refused(Refusal {
                op: op.clone(),
                node: name.clone(),
                reason,
                suggestion: suggestion.into(),
            })
        };
        let Layer::Dense { units: classes } = self.layers[head] else {
            return Err(refuse(
                format!(
                    "the graph's output comes from this {} layer",
                    self.layers[head].kind()
                ),
                "REMAP's head is a dense layer (Gemm, or MatMul+Add), optionally followed by Softmax",
            ));
        };
        if head + 1 != self.layers.len() {
            let (_, after) = &self.made_by[head + 1];
            return Err(ImportError::Graph(format!(
                "has layers after its output's (`{after}` …) that lead nowhere"
            )));
        }
        if self.sources[head] != [Source::previous(head)] {
            return Err(refuse(
                "the last dense layer reads an earlier layer, not the one before it".into(),
                "REMAP's head reads the last hidden layer",
            ));
        }
        if let Some(softmax) = &act.softmax {
            self.notes.push(format!(
                "`{softmax}` dropped: REMAP's head ends in a softmax"
            ));
        }
        for (k, biased) in self.biased.iter().enumerate() {
            if !biased {
                let (_, node) = &self.made_by[k];
                self.notes.push(format!(
                    "`{node}` has no bias; REMAP's {} has one, so the count is higher than the graph's",
                    self.layers[k]
                ));
            }
        }
        self.layers.pop();
        self.sources.pop();
        let [d1, d2, d3] = self.image;
        let input = match self.image_layout {
            Some(Layout::Nhwc) => Input::new(d1, d2, d3),
            _ => Input::new(d2, d3, d1),
        };
        let inputs: BTreeMap<usize, Vec<Source>> = self.sources.into_iter().enumerate().collect();
        let architecture = Architecture::new(input, classes, self.layers).with_inputs(inputs);
        architecture.analyze()?;
        let mut notes = vec![WEIGHTS_NOTE.to_string()];
        notes.extend(self.notes);
        Ok(Imported {
            architecture,
            notes,
        })
    }
}

/// A feature map of `height` × `width` × `channels`.
fn spatial_shape(height: u32, width: u32, channels: u32) -> Shape {
    Shape::Spatial {
        height,
        width,
        channels,
    }
}

fn dims_text(dims: &[Dim]) -> String {
    let parts: Vec<String> = dims
        .iter()
        .map(|d| match d {
            Dim::Batch => "N".into(),
            Dim::Known(v) => v.to_string(),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// A `Constant` node's value.
fn constant_node(node: &Node) -> Result<Const, ImportError> {
    if let Some(t) = node.attr("value").and_then(|a| a.t.as_ref()) {
        return Ok(constant::read(t));
    }
    if let Some(a) = node.attr("value_ints") {
        return Ok(Const::ints(a.ints.iter().map(|&v| Dim::Known(v)).collect()));
    }
    if let Some(a) = node.attr("value_int") {
        return Ok(Const {
            dims: vec![],
            ints: Some(vec![Dim::Known(a.i)]),
            floats: None,
        });
    }
    if let Some(a) = node.attr("value_float") {
        return Ok(Const {
            dims: vec![],
            ints: None,
            floats: Some(vec![a.f]),
        });
    }
    if let Some(a) = node.attr("value_floats") {
        return Ok(Const {
            dims: vec![a.floats.len() as i64],
            ints: None,
            floats: Some(a.floats.clone()),
        });
    }
    Err(node.malformed("has no value the importer reads"))
}

fn shape_arithmetic(node: &Node) -> ImportError {
    node.malformed("shape arithmetic the importer does not follow")
}

fn constant_folding(node: &Node) -> ImportError {
    node.refuse(
        "arithmetic on constants",
        "export with constant folding on (do_constant_folding=True)",
    )
}

/// The refusal of an op REMAP has no layer for, with the nearest thing it has.
fn unsupported(node: &Node) -> ImportError {
    let op = node.op();
    let (reason, suggestion) = match op {
        "BatchNormalization" => (
            "batch normalisation is not one of REMAP's layers".to_string(),
            "fold it into the preceding Conv before export \
             (torch.nn.utils.fusion.fuse_conv_bn_eval), or remove it"
                .to_string(),
        ),
        "GlobalAveragePool" | "GlobalMaxPool" => (
            "global pooling is not one of REMAP's layers".into(),
            "pool with a window the size of the feature map (AvgPool2d/MaxPool2d), \
             or flatten into the dense layer"
                .into(),
        ),
        "LeakyRelu" | "Elu" | "Selu" | "PRelu" | "Gelu" | "HardSigmoid" | "HardSwish"
        | "Softplus" | "Clip" | "Mish" => (
            format!("{op} is not one of REMAP's activations"),
            "use ReLU, Tanh or Sigmoid".into(),
        ),
        "Pad" => (
            "explicit padding is not one of REMAP's layers".into(),
            "use the convolution's own padding (0 or \"same\")".into(),
        ),
        "LRN" | "InstanceNormalization" | "LayerNormalization" | "GroupNormalization" => (
            "normalisation layers are not part of REMAP's format".into(),
            "remove it".into(),
        ),
        "ConvTranspose" | "Resize" | "Upsample" => (
            "REMAP's nets only shrink feature maps".into(),
            "classifiers with conv, pool and dense layers are what REMAP explores".into(),
        ),
        _ => (
            format!("{op} has no counterpart in REMAP's format"),
            SUPPORTED.to_string(),
        ),
    };
    node.refuse(reason, suggestion)
}

/// A model REMAP exported names its architecture in the metadata; its graph leaves the
/// dropout layers out. Where the graph agrees with the metadata less its dropouts, the
/// metadata's architecture is the one imported.
fn restore_dropout(model: &ModelProto, imported: &mut Imported) {
    let Some(entry) = model
        .metadata_props
        .iter()
        .find(|p| p.key == "architecture")
    else {
        return;
    };
    let Ok(stated) = Architecture::from_json(&entry.value) else {
        return;
    };
    let mut without = stated.clone();
    while let Some(at) = without
        .layers
        .iter()
        .position(|l| l.kind() == LayerKind::Dropout)
    {
        without = without.without_layer(at);
    }
    if without != stated && without == imported.architecture {
        imported.architecture = stated;
        imported
            .notes
            .push("dropout layers restored from the model's REMAP metadata".into());
    }
}
