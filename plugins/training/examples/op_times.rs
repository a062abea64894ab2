//! Milliseconds per operation, forward and forward + backward, for the layers of a typical
//! REMAP net (`C3x32 relu M2 C3x64 relu M2 D128 relu`, batch 256, 28×28×1) on burn's CPU
//! backend. `bench/op_times.sh` prints it beside PyTorch's times for the same ops, to show
//! which kernels limit training throughput.
//!
//! `cargo run -p remap-training --example op_times` (prints JSON lines).

use std::time::Instant;

use burn::nn::conv::Conv2dConfig;
use burn::nn::pool::MaxPool2dConfig;
use burn::nn::{LinearConfig, Relu};
use burn::tensor::{Device, Distribution, Tensor};

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

fn report(op: &str, forward: f64, backward: f64) {
    println!(r#"{{"op":"{op}","forward_ms":{forward:.2},"forward_backward_ms":{backward:.2}}}"#);
}

/// Times `op` on a random input of `shape`: the forward pass alone, and forward plus the
/// backward pass of the output's sum (gradients for the op's parameters, and for its input
/// when `input_grad`).
fn time_op<const D: usize, const E: usize>(
    name: &str,
    shape: [usize; D],
    input_grad: bool,
    device: &Device,
    op: impl Fn(Tensor<D>) -> Tensor<E>,
) {
    let x = Tensor::<D>::random(shape, Distribution::Default, device);
    let forward = median_ms(|| {
        let _ = op(x.clone()).sum().into_scalar::<f32>();
    });
    let backward = median_ms(|| {
        let x = if input_grad {
            x.clone().require_grad()
        } else {
            x.clone()
        };
        let grads = op(x).sum().backward();
        drop(grads);
    });
    report(name, forward, backward);
}

fn main() {
    let device = Device::flex().autodiff();
    let conv1 = Conv2dConfig::new([1, 32], [3, 3]).init(&device);
    let conv2 = Conv2dConfig::new([32, 64], [3, 3]).init(&device);
    let pool = MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init();
    let dense = LinearConfig::new(64 * 5 * 5, 128).init(&device);
    let head = LinearConfig::new(128, 10).init(&device);
    let relu = Relu::new();

    time_op(
        "conv 1→32 k3 on 28×28 (no input grad)",
        [BATCH, 1, 28, 28],
        false,
        &device,
        |x| conv1.forward(x),
    );
    time_op("relu 32×26×26", [BATCH, 32, 26, 26], true, &device, |x| {
        relu.forward(x)
    });
    time_op(
        "maxpool 2 on 32×26×26",
        [BATCH, 32, 26, 26],
        true,
        &device,
        |x| pool.forward(x),
    );
    time_op(
        "conv 32→64 k3 on 13×13",
        [BATCH, 32, 13, 13],
        true,
        &device,
        |x| conv2.forward(x),
    );
    // The second conv as one GEMM (im2col rows × weights): what the conv costs at best.
    let w = Tensor::<2>::random([288, 64], Distribution::Default, &device).require_grad();
    time_op(
        "matmul 30976×288 · 288×64",
        [30976, 288],
        true,
        &device,
        |x| x.matmul(w.clone()),
    );
    time_op("relu 64×11×11", [BATCH, 64, 11, 11], true, &device, |x| {
        relu.forward(x)
    });
    time_op(
        "maxpool 2 on 64×11×11",
        [BATCH, 64, 11, 11],
        true,
        &device,
        |x| pool.forward(x),
    );
    time_op("dense 1600→128", [BATCH, 1600], true, &device, |x| {
        dense.forward(x)
    });
    time_op("dense 128→10", [BATCH, 128], true, &device, |x| {
        head.forward(x)
    });
}
