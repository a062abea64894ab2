//! [`conv2d`]: a 2-D convolution layer's forward pass, by our kernel on the CPU (with its
//! backward pass registered in burn's autodiff graph) and by burn's op elsewhere.

use burn::backend::Flex;
use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::NoCheckpointing;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::Conv2d;
use burn::tensor::Tensor;
use remap_kernels::conv::Conv2d as Geometry;

use super::bridge::{self, Cpu};

/// `layer` applied to `x` (N×C×H×W). Flex tensors with a bias, groups 1 and dilation 1 (every
/// REMAP conv layer) use our kernels; anything else goes to burn.
pub fn conv2d(layer: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    let Some(bias) = &layer.bias else {
        return layer.forward(x);
    };
    if layer.groups != 1 || layer.dilation != [1, 1] {
        return layer.forward(x);
    }
    let dims = x.dims();
    let [f, c, kh, kw] = layer.weight.dims();
    let geometry = Geometry::new(dims, [f, kh, kw], layer.stride, padding(layer, dims));
    debug_assert_eq!(c, dims[1]);
    let x = match bridge::split(x) {
        Ok(x) => x,
        Err(x) => return layer.forward(x),
    };
    let (weight, bias) = (bridge::split(layer.weight.val()), bridge::split(bias.val()));
    match (x, weight, bias) {
        (Cpu::Plain(x), Ok(Cpu::Plain(w)), Ok(Cpu::Plain(b))) => {
            bridge::plain(forward(&geometry, &x, &w, &b))
        }
        (Cpu::Tracked(x), Ok(Cpu::Tracked(w)), Ok(Cpu::Tracked(b))) => {
            let out = forward(&geometry, x.primitive(), w.primitive(), b.primitive());
            let state = State {
                geometry,
                input: x.primitive().clone(),
                weight: w.primitive().clone(),
            };
            let prepared = ConvBackward
                .prepare::<NoCheckpointing>([x.node(), w.node(), b.node()])
                .compute_bound()
                .stateful();
            bridge::tracked(match prepared {
                OpsKind::Tracked(prep) => prep.finish(state, out),
                OpsKind::UnTracked(prep) => prep.finish(out),
            })
        }
        (x, _, _) => {
            // Mixed devices: let burn report it.
            let x = match x {
                Cpu::Plain(x) => bridge::plain(x),
                Cpu::Tracked(x) => bridge::tracked(x),
            };
            layer.forward(x)
        }
    }
}

/// Explicit `[(top, bottom), (left, right)]` padding, as burn's layer computes it.
fn padding(layer: &Conv2d, [_, _, h, w]: [usize; 4]) -> [(usize, usize); 2] {
    let same = |k: usize, s: usize, size: usize| {
        let out = size.div_ceil(s);
        let total = ((out.max(1) - 1) * s + k).saturating_sub(size);
        (total / 2, total - total / 2)
    };
    let [kh, kw] = layer.kernel_size;
    let [sh, sw] = layer.stride;
    match layer.padding {
        PaddingConfig2d::Valid => [(0, 0), (0, 0)],
        PaddingConfig2d::Same => [same(kh, sh, h), same(kw, sw, w)],
        PaddingConfig2d::Explicit(top, left, bottom, right) => [(top, bottom), (left, right)],
    }
}

fn forward(g: &Geometry, x: &FlexTensor, w: &FlexTensor, b: &FlexTensor) -> FlexTensor {
    let out = g.forward(
        &bridge::values(x),
        &bridge::values(w),
        Some(&bridge::values(b)),
    );
    bridge::flex(out, &[g.batch, g.c_out, g.out_h, g.out_w])
}

#[derive(Debug)]
struct ConvBackward;

#[derive(Debug, Clone)]
struct State {
    geometry: Geometry,
    input: FlexTensor,
    weight: FlexTensor,
}

impl Backward<Flex, 3> for ConvBackward {
    type State = State;

    fn backward(self, ops: Ops<State, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [node_x, node_w, node_b] = ops.parents;
        let grad = grads.consume::<Flex>(&ops.node);
        let State {
            geometry: g,
            input,
            weight,
        } = ops.state;
        let result = g.backward(
            &bridge::values(&input),
            &bridge::values(&weight),
            &bridge::values(&grad),
            node_x.is_some(),
        );
        if let (Some(node), Some(dx)) = (node_x, result.input) {
            grads.register::<Flex>(node.id, bridge::flex(dx, &[g.batch, g.c_in, g.h, g.w]));
        }
        if let Some(node) = node_w {
            let shape = [g.c_out, g.c_in, g.kh, g.kw];
            grads.register::<Flex>(node.id, bridge::flex(result.weight, &shape));
        }
        if let Some(node) = node_b {
            grads.register::<Flex>(node.id, bridge::flex(result.bias, &[g.c_out]));
        }
    }
}
