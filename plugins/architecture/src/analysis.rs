use serde::Serialize;

use crate::{ArchError, Architecture, Shape};

/// What one layer (or the head) does to the shape, and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerReport {
    /// The layer's `type`, or `"head"` for the classifier.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The shape coming in.
    #[serde(skip)]
    pub input: Shape,
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
        let mut shape = arch.input.shape();
        let mut layers = Vec::with_capacity(arch.layers.len());
        for (index, layer) in arch.layers.iter().enumerate() {
            let output = layer
                .output_shape(shape)
                .map_err(|source| ArchError::DoesNotFit {
                    layer: index,
                    description: layer.to_string(),
                    source,
                })?;
            layers.push(LayerReport {
                kind: layer.kind().name(),
                input: shape,
                output,
                params: layer.params(shape),
            });
            shape = output;
        }
        let head = LayerReport {
            kind: "head",
            input: shape,
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
