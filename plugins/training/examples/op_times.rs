//! Milliseconds per operation, forward and forward + backward, for the layers of REMAP's golden
//! nets at batch 256 (28×28×1 input) on the CPU: as REMAP trains them (our kernels for
//! convolution and pooling, burn's flex ops for the rest) and with burn's own op.
//! `bench/op_times.sh` prints it beside PyTorch's times for the same ops.
//!
//! `cargo run -p remap-training --example op_times` (prints JSON lines).

use std::time::Instant;

use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{AvgPool2dConfig, MaxPool2dConfig};
use burn::nn::{LinearConfig, Relu};
use burn::tensor::{Device, Distribution, Tensor};
use remap_training::burn;
use remap_training::kernels::{conv2d, pool, pool2d};

/// The allocator the `remap` binary trains with (glibc's would fault large tensors in afresh
/// every run).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BATCH: usize = 256;
const REPS: usize = 10;

/// Median milliseconds of `f` over [`REPS`] runs after one warm-up.
fn median_ms(mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..REPS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[REPS / 2]
}

/// The forward pass alone, and forward plus the backward pass of the output's sum (gradients
/// for the op's parameters, and for its input when `input_grad`), in ms. A pooling of the
/// input alone has nothing to differentiate: its second time is the forward pass again.
fn time<const D: usize, const E: usize>(
    x: &Tensor<D>,
    input_grad: bool,
    differentiable: bool,
    op: &dyn Fn(Tensor<D>) -> Tensor<E>,
) -> (f64, f64) {
    let forward = median_ms(|| {
        let _ = op(x.clone()).sum().into_scalar::<f32>();
    });
    let backward = median_ms(|| {
        let x = if input_grad {
            x.clone().require_grad()
        } else {
            x.clone()
        };
        let y = op(x).sum();
        if differentiable {
            drop(y.backward());
        } else {
            let _ = y.into_scalar::<f32>();
        }
    });
    (forward, backward)
}

/// Prints one JSON line: REMAP's times for `ours` and, when given, burn's for `burn`.
/// `differentiable`: the op has parameters or `input_grad`.
fn report<const D: usize, const E: usize>(
    name: &str,
    shape: [usize; D],
    input_grad: bool,
    differentiable: bool,
    ours: &dyn Fn(Tensor<D>) -> Tensor<E>,
    burn: Option<&dyn Fn(Tensor<D>) -> Tensor<E>>,
) {
    let x = Tensor::<D>::random(shape, Distribution::Default, &Device::flex().autodiff());
    let (f, b) = time(&x, input_grad, differentiable, ours);
    let (bf, bb) = burn.map_or((f, b), |op| time(&x, input_grad, differentiable, op));
    println!(
        r#"{{"op":"{name}","forward_ms":{f:.2},"forward_backward_ms":{b:.2},"burn_forward_ms":{bf:.2},"burn_forward_backward_ms":{bb:.2}}}"#
    );
}

fn conv(name: &str, [c, h, w]: [usize; 3], filters: usize, k: usize, input_grad: bool) {
    let layer: Conv2d = Conv2dConfig::new([c, filters], [k, k]).init(&Device::flex().autodiff());
    report(
        name,
        [BATCH, c, h, w],
        input_grad,
        true,
        &|x| conv2d(&layer, x),
        Some(&|x| layer.forward(x)),
    );
}

fn main() {
    let relu = Relu::new();
    let max2 = MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init();
    let max5 = MaxPool2dConfig::new([5, 5]).with_strides([2, 2]).init();
    let avg2 = AvgPool2dConfig::new([2, 2]).with_strides([2, 2]).init();
    let avg3 = AvgPool2dConfig::new([3, 3]).with_strides([2, 2]).init();
    let max = |p| move |x| pool2d(pool::Layer::Max(p), x);
    let avg = |p| move |x| pool2d(pool::Layer::Average(p), x);

    // C3x32 relu M2 C3x64 relu M2 D128 relu, layer by layer.
    conv(
        "conv 1→32 k3 on 28×28 (no input grad)",
        [1, 28, 28],
        32,
        3,
        false,
    );
    report(
        "relu 32×26×26",
        [BATCH, 32, 26, 26],
        true,
        true,
        &|x| relu.forward(x),
        None,
    );
    let (m2, b2) = (max(&max2), |x| max2.forward(x));
    report(
        "maxpool 2 on 32×26×26",
        [BATCH, 32, 26, 26],
        true,
        true,
        &m2,
        Some(&b2),
    );
    conv("conv 32→64 k3 on 13×13", [32, 13, 13], 64, 3, true);
    report(
        "maxpool 2 on 64×11×11",
        [BATCH, 64, 11, 11],
        true,
        true,
        &m2,
        Some(&b2),
    );
    let device = Device::flex().autodiff();
    let dense = LinearConfig::new(64 * 5 * 5, 128).init(&device);
    report(
        "dense 1600→128",
        [BATCH, 1600],
        true,
        true,
        &|x| dense.forward(x),
        None,
    );
    let head = LinearConfig::new(128, 10).init(&device);
    report(
        "dense 128→10",
        [BATCH, 128],
        true,
        true,
        &|x| head.forward(x),
        None,
    );

    // The other golden nets' convolutions, poolings and largest dense layers.
    conv(
        "conv 1→16 k3 on 28×28 (no input grad)",
        [1, 28, 28],
        16,
        3,
        false,
    );
    conv(
        "conv 1→64 k5 on 28×28 (no input grad)",
        [1, 28, 28],
        64,
        5,
        false,
    );
    let (m, b) = (max(&max2), |x| max2.forward(x));
    report(
        "maxpool 2 on 64×24×24",
        [BATCH, 64, 24, 24],
        true,
        true,
        &m,
        Some(&b),
    );
    conv(
        "conv 1→16 k1 on 28×28 (no input grad)",
        [1, 28, 28],
        16,
        1,
        false,
    );
    conv("conv 16→32 k3 on 28×28", [16, 28, 28], 32, 3, true);
    let (a, b) = (avg(&avg3), |x| avg3.forward(x));
    report(
        "avgpool 3 on 32×26×26",
        [BATCH, 32, 26, 26],
        true,
        true,
        &a,
        Some(&b),
    );
    let (m, b) = (max(&max5), |x| max5.forward(x));
    report(
        "maxpool 5 on 1×28×28 (no input grad)",
        [BATCH, 1, 28, 28],
        false,
        false,
        &m,
        Some(&b),
    );
    conv("conv 1→128 k5 on 12×12", [1, 12, 12], 128, 5, true);
    let (a, b) = (avg(&avg2), |x| avg2.forward(x));
    report(
        "avgpool 2 on 128×8×8",
        [BATCH, 128, 8, 8],
        true,
        true,
        &a,
        Some(&b),
    );
    conv("conv 128→32 k1 on 4×4", [128, 4, 4], 32, 1, true);
    conv("conv 32→32 k3 on 26×26", [32, 26, 26], 32, 3, true);
    conv("conv 32→64 k3 on 24×24", [32, 24, 24], 64, 3, true);
    report(
        "avgpool 2 on 64×22×22",
        [BATCH, 64, 22, 22],
        true,
        true,
        &a,
        Some(&b),
    );
    let wide = LinearConfig::new(32 * 26 * 26, 10).init(&device);
    report(
        "dense 21632→10",
        [BATCH, 32 * 26 * 26],
        true,
        true,
        &|x| wide.forward(x),
        None,
    );
}
