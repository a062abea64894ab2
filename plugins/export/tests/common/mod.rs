//! Shared by the export tests: small trained models on generated data, and the
//! probabilities burn and tract give for the same pixels.
#![allow(dead_code)]

use std::sync::atomic::AtomicBool;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use remap_architecture::Architecture;
use remap_datasets::{Dataset, Normalization, Split};
use remap_export::{About, TrainedModel};
use remap_training::batcher::Batcher;
use remap_training::burn::tensor::Device;
use remap_training::burn::tensor::activation::softmax;
use remap_training::{Protocol, TrainOptions, train};
use tract_onnx::prelude::*;

/// Images the tests predict.
pub const IMAGES: usize = 32;

/// `n` random images of `arch`'s input shape as u8 pixels.
pub fn pixels(arch: &Architecture, n: usize, seed: u64) -> Vec<u8> {
    let i = &arch.input;
    let len = n * (i.channels * i.height * i.width) as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..len).map(|_| rng.random()).collect()
}

/// A split of `n` random images with labels cycling through the classes.
fn split(arch: &Architecture, n: usize, seed: u64) -> Split {
    Split {
        images: pixels(arch, n, seed),
        labels: (0..n as u32).map(|k| k % arch.classes).collect(),
    }
}

/// A made-up per-channel normalisation (not the identity, so the graph's Sub/Div matter).
pub fn normalization(channels: u32) -> Normalization {
    Normalization {
        mean: (0..channels).map(|c| 0.3 + 0.1 * c as f32).collect(),
        std: (0..channels).map(|c| 0.25 + 0.05 * c as f32).collect(),
    }
}

/// `arch` trained for one epoch on 48 random images (seeded), ready to export.
pub fn trained(arch: &Architecture, seed: u64) -> TrainedModel {
    let i = arch.input;
    let classes: Vec<String> = (0..arch.classes).map(|c| format!("class {c}")).collect();
    let data = Dataset {
        name: "random".into(),
        classes: classes.clone(),
        height: i.height,
        width: i.width,
        channels: i.channels,
        train: split(arch, 48, seed),
        held_out: split(arch, 8, seed + 1),
        normalization: normalization(i.channels),
    };
    let mut protocol = Protocol::for_input(i.height, i.width);
    protocol.max_epochs = 1;
    protocol.batch_size = 16;
    let options = TrainOptions {
        protocol,
        seed,
        pause_after: None,
        threads: None,
    };
    let outcome = train(
        arch,
        &data,
        &options,
        &Device::flex(),
        None,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{}: {e}", arch.summary()));
    assert_eq!(outcome.epochs.len(), 1);
    TrainedModel {
        arch: arch.clone(),
        net: outcome.net,
        classes,
        normalization: data.normalization,
        about: About {
            dataset: "random".into(),
            seed: Some(seed),
            per_class_accuracy: Some(outcome.classes.per_class_accuracy.clone()),
            confusion: Some(outcome.classes.confusion.clone()),
            ..About::default()
        },
    }
}

/// burn's softmax(net(normalised pixels)), row-major `[n, classes]`.
pub fn burn_probabilities(model: &TrainedModel, pixels: &[u8], n: usize) -> Vec<f32> {
    let i = &model.arch.input;
    let batcher = Batcher::new(
        i.channels as usize,
        i.height as usize,
        i.width as usize,
        &model.normalization.mean,
        &model.normalization.std,
    );
    let indices: Vec<usize> = (0..n).collect();
    let x = batcher.images(pixels, &indices, &Device::flex());
    softmax(model.net.forward(x), 1)
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .unwrap()
}

/// The ONNX model's `probabilities` for the pixels (scaled to [0, 1]) run by tract,
/// row-major `[n, classes]`.
pub fn tract_probabilities(onnx: &[u8], arch: &Architecture, pixels: &[u8], n: usize) -> Vec<f32> {
    let i = &arch.input;
    let shape = [n, i.channels as usize, i.height as usize, i.width as usize];
    let plan = tract_onnx::onnx()
        .model_for_read(&mut &onnx[..])
        .expect("tract reads the ONNX file")
        .with_input_fact(0, f32::fact(shape).into())
        .unwrap()
        .into_optimized()
        .expect("tract optimises the graph")
        .into_runnable()
        .unwrap();
    let values: Vec<f32> = pixels.iter().map(|&p| f32::from(p) / 255.0).collect();
    let input = Tensor::from_shape(&shape, &values).unwrap();
    let out = plan
        .run(tvec!(input.into_tvalue()))
        .expect("tract runs the graph");
    let probs = out[0].to_plain_array_view::<f32>().unwrap();
    assert_eq!(probs.shape(), &[n, arch.classes as usize]);
    probs.iter().copied().collect()
}

/// The largest absolute difference of two equally long vectors.
pub fn max_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// Graphs (spec §9.4): a residual block (a 3-way add), two branches from the image joined by
/// concat, and vectors concatenated after dense layers.
pub const GRAPHS: [&str; 3] = [
    r#"{"input":{"height":10,"width":10,"channels":2},"classes":3,"layers":[
        {"type":"conv2d","filters":4,"kernel":3,"padding":"same"},
        {"type":"activation","function":"relu"},
        {"type":"conv2d","filters":4,"kernel":3,"padding":"same"},
        {"type":"activation","function":"relu"},
        {"type":"conv2d","filters":4,"kernel":3,"padding":"same"},
        {"type":"add","inputs":[4,1,0]},
        {"type":"maxpool2d","size":2}]}"#,
    r#"{"input":{"height":9,"width":9,"channels":1},"classes":4,"layers":[
        {"type":"conv2d","filters":3,"kernel":3,"padding":"same"},
        {"type":"activation","function":"tanh"},
        {"type":"conv2d","filters":5,"kernel":5,"padding":"same","inputs":["input"]},
        {"type":"concat","inputs":[1,2]},
        {"type":"conv2d","filters":4,"kernel":1},
        {"type":"dropout","rate":0.5},
        {"type":"avgpool2d","size":2}]}"#,
    r#"{"input":{"height":6,"width":6,"channels":1},"classes":2,"layers":[
        {"type":"dense","units":7},
        {"type":"activation","function":"sigmoid"},
        {"type":"dense","units":3,"inputs":["input"]},
        {"type":"concat","inputs":[1,2]},
        {"type":"dense","units":5}]}"#,
];
