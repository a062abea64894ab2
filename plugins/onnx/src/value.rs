//! What flows along an edge of the graph while importing: the network's activations
//! (which layer made them, their shape and memory layout) or constants.

use remap_architecture::{Shape, Source};

use crate::constant::{Const, Dim};

/// How a feature map's dimensions are ordered in the ONNX tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The graph's input before anything decided its layout: read as NCHW unless a
    /// Transpose to NCHW follows (then it was NHWC, as Keras writes it).
    Image,
    /// `[N, C, H, W]`, what ONNX's Conv and pools take.
    Nchw,
    /// `[N, H, W, C]`, Keras' layout (before the Flatten of a Keras graph).
    Nhwc,
}

/// An activation tensor of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct Act {
    /// The layer that made it (or the image): what a layer reading it names as its input.
    pub source: Source,
    /// Its shape as the architecture sees it (channels, height, width).
    pub shape: Shape,
    pub layout: Layout,
    /// Flattened to `[N, features]` (REMAP flattens implicitly before a dense layer).
    pub flat: bool,
    /// The Softmax node it went through, if any (only a final Softmax is dropped).
    pub softmax: Option<String>,
}

impl Act {
    /// The tensor's dimensions in ONNX order, batch first.
    pub fn dims(&self) -> Vec<Dim> {
        let mut dims = vec![Dim::Batch];
        match (self.shape, self.flat, self.layout) {
            (Shape::Flat(n), _, _) => dims.push(Dim::Known(i64::from(n))),
            (s, true, _) => dims.push(Dim::Known(s.size() as i64)),
            (
                Shape::Spatial {
                    height,
                    width,
                    channels,
                },
                false,
                layout,
            ) => {
                let [h, w, c] = [height, width, channels].map(|v| Dim::Known(i64::from(v)));
                match layout {
                    Layout::Nhwc => dims.extend([h, w, c]),
                    Layout::Image | Layout::Nchw => dims.extend([c, h, w]),
                }
            }
        }
        dims
    }

    /// Whether it is a vector `[N, features]`: a dense layer's output or a flattened map.
    pub fn is_vector(&self) -> bool {
        self.flat || !self.shape.is_spatial()
    }

    /// The number of features it has as a vector.
    pub fn features(&self) -> u64 {
        self.shape.size()
    }
}

/// The value of one named tensor of the graph.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Act(Act),
    Const(Const),
}
