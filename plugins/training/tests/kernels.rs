//! Our CPU kernels against burn's own ops on random shapes: outputs and the gradients of a
//! random linear loss for the input, weight and bias, within 1e-4 relative.

use remap_training::burn::nn::PaddingConfig2d;
use remap_training::burn::nn::conv::Conv2dConfig;
use remap_training::burn::nn::pool::{AvgPool2dConfig, MaxPool2dConfig};
use remap_training::burn::tensor::activation;
use remap_training::burn::tensor::{Device, Distribution, Tensor};
use remap_training::kernels::{conv2d, pool, pool2d, sigmoid, tanh};

fn device() -> Device {
    Device::flex().autodiff()
}

fn assert_close<const D: usize>(ours: Tensor<D>, burn: Tensor<D>, what: &str) {
    assert_eq!(ours.dims(), burn.dims(), "{what}: shape");
    let a = ours.into_data().try_to_vec::<f32>().unwrap();
    let b = burn.into_data().try_to_vec::<f32>().unwrap();
    let scale = b.iter().map(|v| v.abs()).sum::<f32>() / b.len().max(1) as f32;
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert!(
            (x - y).abs() <= 1e-4 * (y.abs() + scale),
            "{what}[{i}]: ours {x}, burn {y}"
        );
    }
}

/// `(batch, c_in, h, w, c_out, kernel, stride, same)`
type ConvCase = (usize, usize, usize, usize, usize, usize, usize, bool);

const CONVS: [ConvCase; 10] = [
    (2, 3, 7, 9, 4, 3, 1, false),
    (1, 1, 28, 28, 8, 3, 1, false),
    (3, 2, 9, 8, 5, 3, 2, false),
    (2, 3, 7, 7, 4, 3, 1, true),
    (2, 2, 8, 7, 3, 3, 2, true),
    (1, 4, 6, 5, 6, 5, 1, true),
    (2, 5, 4, 4, 3, 1, 1, false),
    (2, 1, 11, 13, 4, 5, 2, false),
    (2, 1, 6, 5, 4, 1, 1, false),
    (2, 6, 9, 9, 5, 3, 1, false),
];

#[test]
fn conv2d_matches_burn_in_values_and_gradients() {
    let device = device();
    for (n, c, h, w, f, k, s, same) in CONVS {
        let case = format!("n{n} c{c} {h}×{w} → {f} k{k} s{s} same={same}");
        let layer = Conv2dConfig::new([c, f], [k, k])
            .with_stride([s, s])
            .with_padding(if same {
                PaddingConfig2d::Same
            } else {
                PaddingConfig2d::Valid
            })
            .init(&device);
        let x = Tensor::<4>::random([n, c, h, w], Distribution::Uniform(-1.0, 1.0), &device)
            .require_grad();
        let burn = layer.forward(x.clone());
        let ours = conv2d(&layer, x.clone());
        let r = Tensor::<4>::random(burn.dims(), Distribution::Uniform(-1.0, 1.0), &device);
        let burn_grads = (burn.clone() * r.clone()).sum().backward();
        let our_grads = (ours.clone() * r).sum().backward();
        assert_close(ours, burn, &format!("{case}: output"));
        let grad = |t: &Tensor<4>, g| t.grad(g).unwrap();
        assert_close(
            grad(&x, &our_grads),
            grad(&x, &burn_grads),
            &format!("{case}: input grad"),
        );
        let wv = layer.weight.val();
        assert_close(
            grad(&wv, &our_grads),
            grad(&wv, &burn_grads),
            &format!("{case}: weight grad"),
        );
        let bv = layer.bias.as_ref().unwrap().val();
        assert_close(
            bv.grad(&our_grads).unwrap(),
            bv.grad(&burn_grads).unwrap(),
            &format!("{case}: bias grad"),
        );
    }
}

#[test]
fn conv2d_on_the_plain_device_matches_burn() {
    let device = Device::flex();
    let layer = Conv2dConfig::new([3, 4], [3, 3])
        .with_padding(PaddingConfig2d::Same)
        .init(&device);
    let x = Tensor::<4>::random([2, 3, 9, 7], Distribution::Default, &device);
    assert_close(conv2d(&layer, x.clone()), layer.forward(x), "plain conv");
}

#[test]
fn pooling_matches_burn_in_values_and_gradients() {
    let device = device();
    // (batch, channels, h, w, size, stride)
    for (n, c, h, w, k, s) in [
        (2, 3, 8, 8, 2, 2),
        (1, 2, 9, 7, 2, 2),
        (2, 2, 13, 11, 3, 2),
        (1, 1, 28, 28, 5, 2),
        (3, 2, 6, 5, 2, 1),
    ] {
        let case = format!("n{n} c{c} {h}×{w} k{k} s{s}");
        let max = MaxPool2dConfig::new([k, k]).with_strides([s, s]).init();
        let avg = AvgPool2dConfig::new([k, k]).with_strides([s, s]).init();
        let x = Tensor::<4>::random([n, c, h, w], Distribution::Uniform(-1.0, 1.0), &device)
            .require_grad();
        for (name, burn, ours) in [
            (
                "max",
                max.forward(x.clone()),
                pool2d(pool::Layer::Max(&max), x.clone()),
            ),
            (
                "avg",
                avg.forward(x.clone()),
                pool2d(pool::Layer::Average(&avg), x.clone()),
            ),
        ] {
            let r = Tensor::<4>::random(burn.dims(), Distribution::Uniform(-1.0, 1.0), &device);
            let burn_grads = (burn.clone() * r.clone()).sum().backward();
            let our_grads = (ours.clone() * r).sum().backward();
            assert_close(ours, burn, &format!("{case} {name}: output"));
            assert_close(
                x.grad(&our_grads).unwrap(),
                x.grad(&burn_grads).unwrap(),
                &format!("{case} {name}: input grad"),
            );
        }
    }
}

#[test]
fn tanh_and_sigmoid_match_burn_in_values_and_gradients() {
    let device = device();
    for dims in [[2, 3, 5, 7], [1, 1, 1, 1], [3, 4, 9, 9]] {
        // Where the gradients (1 − y², y·(1 − y)) are well conditioned: in the tails both ops
        // subtract nearly equal numbers and differ by an ulp of y. The tails' values are below.
        let x = Tensor::<4>::random(dims, Distribution::Uniform(-3.0, 3.0), &device).require_grad();
        let r = Tensor::<4>::random(dims, Distribution::Uniform(-1.0, 1.0), &device);
        for (name, ours, burn) in [
            ("tanh", tanh(x.clone()), activation::tanh(x.clone())),
            (
                "sigmoid",
                sigmoid(x.clone()),
                activation::sigmoid(x.clone()),
            ),
        ] {
            let case = format!("{name} {dims:?}");
            let our_grads = (ours.clone() * r.clone()).sum().backward();
            let burn_grads = (burn.clone() * r.clone()).sum().backward();
            assert_close(ours, burn, &format!("{case}: output"));
            assert_close(
                x.grad(&our_grads).unwrap(),
                x.grad(&burn_grads).unwrap(),
                &format!("{case}: input grad"),
            );
        }
    }
    // Flat features (after a dense layer) and the plain device take the same kernels; the
    // values hold in both tails.
    let flat = Tensor::<2>::random([4, 33], Distribution::Uniform(-12.0, 12.0), &Device::flex());
    assert_close(
        tanh(flat.clone()),
        activation::tanh(flat.clone()),
        "plain tanh",
    );
    assert_close(
        sigmoid(flat.clone()),
        activation::sigmoid(flat),
        "plain sigmoid",
    );
}
