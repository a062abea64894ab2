//! [`pool2d`]: max or average pooling by our kernel on the CPU (with its backward pass in
//! burn's autodiff graph), by burn's op elsewhere.

use burn::backend::Flex;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::NoCheckpointing;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::nn::PaddingConfig2d;
use burn::nn::pool::{AvgPool2d, MaxPool2d};
use burn::tensor::Tensor;
use remap_kernels::pool::{Pool2d, PoolKind};

use super::bridge::{self, Cpu};

/// A pooling layer.
#[derive(Debug, Clone, Copy)]
pub enum Layer<'a> {
    Max(&'a MaxPool2d),
    Average(&'a AvgPool2d),
}

impl Layer<'_> {
    fn burn(self, x: Tensor<4>) -> Tensor<4> {
        match self {
            Layer::Max(p) => p.forward(x),
            Layer::Average(p) => p.forward(x),
        }
    }

    /// Kind, window and stride when our kernel computes this layer exactly: square window
    /// and stride, no padding, floor output size (and no dilation).
    fn ours(self) -> Option<(PoolKind, usize, usize)> {
        let (kind, [kh, kw], [sh, sw], padding, ceil) = match self {
            Layer::Max(p) if p.dilation == [1, 1] => (
                PoolKind::Max,
                p.kernel_size,
                p.stride,
                &p.padding,
                p.ceil_mode,
            ),
            Layer::Max(_) => return None,
            Layer::Average(p) => (
                PoolKind::Average,
                p.kernel_size,
                p.stride,
                &p.padding,
                p.ceil_mode,
            ),
        };
        (kh == kw && sh == sw && *padding == PaddingConfig2d::Valid && !ceil)
            .then_some((kind, kh, sh))
    }
}

/// `layer` applied to `x` (N×C×H×W).
pub fn pool2d(layer: Layer, x: Tensor<4>) -> Tensor<4> {
    let Some((kind, size, stride)) = layer.ours() else {
        return layer.burn(x);
    };
    let [n, c, h, w] = x.dims();
    if h < size || w < size {
        return layer.burn(x);
    }
    let g = Pool2d::new(n * c, [h, w], size, stride);
    let shape = [n, c, g.out_h, g.out_w];
    match bridge::split(x) {
        Ok(Cpu::Plain(x)) => {
            let out = g.forward(kind, &bridge::values(&x)).output;
            bridge::plain(bridge::flex(out, &shape))
        }
        Ok(Cpu::Tracked(x)) => {
            let pooled = g.forward(kind, &bridge::values(x.primitive()));
            let out = bridge::flex(pooled.output, &shape);
            let prepared = PoolBackward
                .prepare::<NoCheckpointing>([x.node()])
                .compute_bound()
                .stateful();
            bridge::tracked(match prepared {
                OpsKind::Tracked(prep) => prep.finish(
                    State {
                        geometry: g,
                        kind,
                        input_shape: [n, c, h, w],
                        argmax: pooled.argmax,
                    },
                    out,
                ),
                OpsKind::UnTracked(prep) => prep.finish(out),
            })
        }
        Err(x) => layer.burn(x),
    }
}

#[derive(Debug)]
struct PoolBackward;

#[derive(Debug, Clone)]
struct State {
    geometry: Pool2d,
    kind: PoolKind,
    input_shape: [usize; 4],
    argmax: Vec<u32>,
}

impl Backward<Flex, 1> for PoolBackward {
    type State = State;

    fn backward(self, ops: Ops<State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [node] = ops.parents;
        let grad: FlexTensor = grads.consume::<Flex>(&ops.node);
        if let Some(node) = node {
            let s = ops.state;
            let dx = s
                .geometry
                .backward(s.kind, &bridge::values(&grad), &s.argmax);
            grads.register::<Flex>(node.id, bridge::flex(dx, &s.input_shape));
        }
    }
}
