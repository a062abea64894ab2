//! [`tanh`] and [`sigmoid`] by our kernels on the CPU (with their backward pass in burn's
//! autodiff graph, from the saved output), by burn's ops elsewhere.

use burn::backend::Flex;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::NoCheckpointing;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::tensor::Tensor;
use burn::tensor::activation;
use remap_kernels::Squash;

use super::bridge::{self, Cpu};

/// `tanh(x)`, elementwise.
pub fn tanh<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    squash(Squash::Tanh, x)
}

/// `1 / (1 + e⁻ˣ)`, elementwise.
pub fn sigmoid<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    squash(Squash::Sigmoid, x)
}

fn squash<const D: usize>(kind: Squash, x: Tensor<D>) -> Tensor<D> {
    let shape = x.dims().to_vec();
    match bridge::split(x) {
        Ok(Cpu::Plain(x)) => {
            let y = kind.forward(&bridge::values(&x));
            bridge::plain(bridge::flex(y, &shape))
        }
        Ok(Cpu::Tracked(x)) => {
            let y = kind.forward(&bridge::values(x.primitive()));
            let prepared = SquashBackward
                .prepare::<NoCheckpointing>([x.node()])
                .compute_bound()
                .stateful();
            bridge::tracked(match prepared {
                OpsKind::Tracked(prep) => {
                    let out = bridge::flex(y.clone(), &shape);
                    prep.finish(State { kind, y, shape }, out)
                }
                OpsKind::UnTracked(prep) => prep.finish(bridge::flex(y, &shape)),
            })
        }
        Err(x) => match kind {
            Squash::Tanh => activation::tanh(x),
            Squash::Sigmoid => activation::sigmoid(x),
        },
    }
}

#[derive(Debug)]
struct SquashBackward;

#[derive(Debug, Clone)]
struct State {
    kind: Squash,
    /// The forward pass's output: both gradients are functions of it.
    y: Vec<f32>,
    shape: Vec<usize>,
}

impl Backward<Flex, 1> for SquashBackward {
    type State = State;

    fn backward(self, ops: Ops<State, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [node] = ops.parents;
        let grad: FlexTensor = grads.consume::<Flex>(&ops.node);
        if let Some(node) = node {
            let s = ops.state;
            let dx = s.kind.backward(&s.y, &bridge::values(&grad));
            grads.register::<Flex>(node.id, bridge::flex(dx, &s.shape));
        }
    }
}
