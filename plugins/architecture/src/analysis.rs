use serde::Serialize;

use crate::{ArchError, Architecture, Layer, Shape, Source};

/// What one layer (or the head) does to the shape, and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerReport {
    /// The layer's `type`, or `"head"` for the classifier.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The shape coming in (a merge's first input).
    #[serde(skip)]
    pub input: Shape,
    /// Where the layer reads from, when that is not just the layer before it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Source>,
    /// The output shape, `[h, w, c]` or `[n]`.
    #[serde(serialize_with = "dims")]
    pub output: Shape,
    /// Trainable parameters.
    pub params: u64,
}

fn dims<S: serde::Serializer>(shape: &Shape, s: S) -> Result<S::Ok, S::Error> {
    shape.dims().serialize(s)
}

/// Shapes and parameter counts of a valid architecture.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// One report per hidden layer, in order.
    pub layers: Vec<LayerReport>,
    /// The classifier head: flatten (if spatial) → dense(classes).
    pub head: LayerReport,
    /// Total parameters, head included.
    pub params: u64,
}

impl Analysis {
    pub(crate) fn of(arch: &Architecture) -> Result<Self, ArchError> {
        let mut layers: Vec<LayerReport> = Vec::with_capacity(arch.layers.len());
        for (index, layer) in arch.layers.iter().enumerate() {
            let sources = arch.sources(index);
            let inputs = sources
                .iter()
                .map(|&s| source_shape(arch, &layers, index, s))
                .collect::<Result<Vec<Shape>, ArchError>>()?;
            check_count(layer, index, &sources)?;
            let output = if layer.is_merge() {
                layer
                    .merged_shape(&inputs)
                    .map_err(|other| ArchError::Mismatch {
                        layer: index,
                        description: layer.to_string(),
                        first: sources[0],
                        first_shape: inputs[0],
                        other: sources[other],
                        other_shape: inputs[other],
                        rule: match layer {
                            Layer::Concat => {
                                "concat joins feature maps of equal height and width, or vectors"
                            }
                            _ => "add sums inputs of equal shape",
                        },
                    })?
            } else {
                layer
                    .output_shape(inputs[0])
                    .map_err(|source| ArchError::DoesNotFit {
                        layer: index,
                        description: layer.to_string(),
                        source,
                    })?
            };
            layers.push(LayerReport {
                kind: layer.kind().name(),
                input: inputs[0],
                inputs: arch.inputs.get(&index).cloned().unwrap_or_default(),
                output,
                params: layer.params(inputs[0]),
            });
        }
        check_reach(arch)?;
        let shape = layers.last().map_or(arch.input.shape(), |l| l.output);
        let head = LayerReport {
            kind: "head",
            input: shape,
            inputs: Vec::new(),
            output: Shape::Flat(arch.classes),
            params: (shape.size() + 1) * u64::from(arch.classes),
        };
        let params = layers.iter().map(|l| l.params).sum::<u64>() + head.params;
        Ok(Self {
            layers,
            head,
            params,
        })
    }

    /// Every report, the head last.
    pub fn all(&self) -> impl Iterator<Item = &LayerReport> {
        self.layers.iter().chain(std::iter::once(&self.head))
    }
}

/// The shape `source` gives the layer at `index`, or why it cannot read it.
fn source_shape(
    arch: &Architecture,
    done: &[LayerReport],
    index: usize,
    source: Source,
) -> Result<Shape, ArchError> {
    match source {
        Source::Input => Ok(arch.input.shape()),
        Source::Layer(i) if i < index => Ok(done[i].output),
        Source::Layer(reads) => Err(ArchError::ForwardReference {
            layer: index,
            description: arch.layers[index].to_string(),
            reads,
        }),
    }
}

/// A merge reads two or more distinct sources; any other layer reads one.
fn check_count(layer: &Layer, index: usize, sources: &[Source]) -> Result<(), ArchError> {
    let err = |reason: String| ArchError::Field {
        layer: index,
        kind: layer.kind().name().into(),
        field: "inputs".into(),
        reason,
    };
    if let Some((i, s)) = sources
        .iter()
        .enumerate()
        .find(|(i, s)| sources[..*i].contains(s))
    {
        return Err(err(format!(
            "lists {s} twice (at positions {i} and earlier)"
        )));
    }
    match (layer.is_merge(), sources.len()) {
        (true, 0 | 1) => Err(err(format!(
            "{} merges two or more inputs; it lists {}",
            layer.kind(),
            sources.len()
        ))),
        (false, n) if n != 1 => Err(err(format!(
            "{} reads one input; it lists {n} (merge branches with add or concat)",
            layer.kind()
        ))),
        _ => Ok(()),
    }
}

/// Every layer but the last is read by a later one, so that all of them reach the head.
fn check_reach(arch: &Architecture) -> Result<(), ArchError> {
    let n = arch.layers.len();
    let mut read = vec![false; n];
    for j in 0..n {
        for s in arch.sources(j) {
            if let Source::Layer(i) = s {
                read[i] = true;
            }
        }
    }
    match (0..n.saturating_sub(1)).find(|&i| !read[i]) {
        None => Ok(()),
        Some(layer) => {
            let next = layer + 1;
            let list: Vec<String> = arch.sources(next).iter().map(|s| s.to_string()).collect();
            Err(ArchError::Dangling {
                layer,
                description: arch.layers[layer].to_string(),
                next,
                next_reads: list.join(" and "),
            })
        }
    }
}
