//! Forward passes over a whole split without gradients: loss, accuracy, predicted labels and
//! class log-probabilities.

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::tensor::Device;
use burn::tensor::activation::log_softmax;

use crate::batcher::Batcher;
use crate::focus::LogProbs;
use crate::model::Net;
use crate::results::accuracy;
use remap_datasets::Split;

/// A split's mean loss, accuracy, and the predicted label and class log-probabilities of
/// every image, in split order.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub loss: f64,
    pub accuracy: f64,
    pub predictions: Vec<u32>,
    pub log_probs: LogProbs,
}

/// Evaluates `net` (put in inference mode) on `split` in batches of `batch_size`.
pub fn evaluate(
    net: &Net,
    split: &Split,
    batcher: &Batcher,
    batch_size: usize,
    device: &Device,
) -> Evaluation {
    let net = net.valid();
    let loss_fn = CrossEntropyLossConfig::new().init(device);
    let indices: Vec<usize> = (0..split.len()).collect();
    let mut predictions = Vec::with_capacity(split.len());
    let mut log_probs = Vec::new();
    let mut loss_sum = 0.0;
    let mut classes = 1;
    for chunk in indices.chunks(batch_size.max(1)) {
        let x = batcher.images(&split.images, chunk, device);
        let y = Batcher::labels(&split.labels, chunk, device);
        let logits = net.forward(x);
        classes = logits.dims()[1];
        log_probs.extend(
            log_softmax(logits.clone(), 1)
                .into_data()
                .convert::<f32>()
                .try_to_vec::<f32>()
                .expect("float log-probabilities"),
        );
        let loss = loss_fn.forward(logits.clone(), y);
        loss_sum += f64::from(loss.into_scalar::<f32>()) * chunk.len() as f64;
        let predicted = logits.argmax(1).flatten::<1>(0, 1);
        predictions.extend(
            predicted
                .into_data()
                .convert::<i64>()
                .try_to_vec::<i64>()
                .expect("integer predictions")
                .into_iter()
                .map(|p| p as u32),
        );
    }
    Evaluation {
        loss: loss_sum / split.len().max(1) as f64,
        accuracy: accuracy(&split.labels, &predictions),
        predictions,
        log_probs: LogProbs::quantize(&log_probs, classes),
    }
}
