//! Layers the unit tests build their nets from.

use crate::{Activation, Layer, Padding};

/// A 3×3 convolution with `same` padding.
pub fn same(filters: u32) -> Layer {
    Layer::Conv2d {
        filters,
        kernel: 3,
        stride: 1,
        padding: Padding::Same,
    }
}

pub const RELU: Layer = Layer::Activation {
    function: Activation::Relu,
};
