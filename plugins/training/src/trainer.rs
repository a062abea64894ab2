//! The training loop of REMAP's protocol: Adam with per-epoch decay, cross-entropy on logits,
//! early stopping on the mean validation loss, a checkpoint after every epoch.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use burn::module::Module;
use burn::nn::loss::CrossEntropyLossConfig;
use burn::optim::GradientsParams;
use burn::tensor::Device;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use remap_architecture::Architecture;

use crate::adam::Adam;
use crate::batcher::Batcher;
use crate::checkpoint::{Checkpoint, CheckpointError, CheckpointState};
use crate::data::{self, DataError, epoch_order};
use crate::evaluate::{Evaluation, evaluate};
use crate::memory::{self, MemoryCheck, MemoryError, MemoryEstimate};
use crate::model::{ModelError, Net};
use crate::protocol::{ADAM_EPSILON, EarlyStopping, Protocol};
use crate::report::{EpochRecord, Progress, Status};
use crate::results::ClassResults;
use crate::threads::ThreadShare;
use remap_datasets::Dataset;

/// What a run needs besides the architecture and the data.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    pub protocol: Protocol,
    /// Fixes initialisation, data order and dropout masks.
    pub seed: u64,
    /// Pause after this many epochs in all (a screening rung), keeping the checkpoint, so
    /// that a later call continues exactly where an uninterrupted run would be. `None` trains
    /// to the protocol's end.
    pub pause_after: Option<usize>,
    /// The threads each batch may use, changeable while the run trains; `None`: the
    /// process's rayon pool.
    pub threads: Option<ThreadShare>,
}

impl TrainOptions {
    /// Runs `work` with the run's current share of threads.
    fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.threads {
            Some(share) => share.install(work),
            None => work(),
        }
    }
}

/// Why a run could not train (a diverging loss is a [`Status`], not an error).
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error("the architecture expects {expected} input but the data set has {found}")]
    InputMismatch { expected: String, found: String },
    #[error("the architecture has {arch} classes but the data set has {data}")]
    ClassMismatch { arch: u32, data: usize },
    #[error("batch size must be at least 1")]
    ZeroBatch,
    #[error(transparent)]
    Memory(#[from] crate::memory::MemoryError),
}

/// A finished (or stopped) run.
#[derive(Debug)]
pub struct Outcome {
    pub status: Status,
    /// Completed epochs, including any done before a resume.
    pub epochs: Vec<EpochRecord>,
    /// The final weights, on the plain (non-autodiff) device.
    pub net: Net,
    /// The final net on the held-out images, in their order.
    pub held_out: Evaluation,
    pub classes: ClassResults,
}

/// Refuses `arch` at `batch` when it cannot fit in the memory available now, and says so
/// when that memory could not be measured. An invalid architecture fails later with its own
/// error.
fn check_memory(arch: &Architecture, batch: usize) -> Result<(), MemoryError> {
    let Ok(estimate) = MemoryEstimate::of(arch, batch) else {
        return Ok(());
    };
    if let MemoryCheck::Unmeasured { estimate } = memory::check(estimate, memory::available())? {
        tracing::warn!(
            needed = %memory::bytes(estimate.total()),
            "the memory available could not be measured (no MemAvailable in /proc/meminfo); \
             training without checking that the model fits"
        );
    }
    Ok(())
}

/// Trains `arch` on `data` on `device` (a plain device; autodiff is added here).
///
/// With a `checkpoint`, each completed epoch is saved there and an existing checkpoint of the
/// same architecture is resumed from. `cancel` is checked between batches; `progress` hears
/// every batch and every epoch.
pub fn train(
    arch: &Architecture,
    data: &Dataset,
    options: &TrainOptions,
    device: &Device,
    checkpoint: Option<&Checkpoint>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Outcome, TrainError> {
    check_fit(arch, data, &options.protocol)?;
    check_memory(arch, options.protocol.batch_size)?;
    let protocol = &options.protocol;
    let seed = options.seed;
    let train_device = device.clone().autodiff();
    let epsilon = f64::from(ADAM_EPSILON);

    let resumed = match checkpoint {
        Some(c) => c.load(arch, epsilon, &train_device)?,
        None => None,
    };
    let (mut net, mut adam, mut epochs, mut stopping) = match resumed {
        Some(r) => {
            tracing::info!(epochs = r.state.epochs.len(), "resuming from checkpoint");
            (r.net, r.adam, r.state.epochs, r.state.early_stopping)
        }
        None => (
            Net::new(arch, seed, &train_device)?,
            Adam::new(epsilon),
            Vec::new(),
            EarlyStopping::new(),
        ),
    };

    let batcher = Batcher::new(
        data.channels as usize,
        data.height as usize,
        data.width as usize,
        &data.normalization.mean,
        &data.normalization.std,
    );
    let loss_fn = CrossEntropyLossConfig::new().init(&train_device);
    let n = data.train.len();
    let batches = n.div_ceil(protocol.batch_size);

    let mut status = if stopping.epochs_without_improvement >= protocol.patience {
        Status::EarlyStopped
    } else {
        Status::Completed
    };
    let mut epoch = epochs.len();
    let last = options
        .pause_after
        .map_or(protocol.max_epochs, |rung| rung.min(protocol.max_epochs));
    'epochs: while status == Status::Completed && epoch < last {
        // Dropout masks depend on the seed and epoch only, so a resumed epoch replays exactly.
        let mut masks = dropout_stream(seed, epoch);
        let order = epoch_order(n, seed, epoch);
        let lr = protocol.learning_rate_at(epoch);
        let start = Instant::now();
        let (mut loss_sum, mut correct, mut seen) = (0.0f64, 0i64, 0usize);
        for (b, chunk) in order.chunks(protocol.batch_size).enumerate() {
            if cancel.load(Ordering::Relaxed) {
                status = Status::Cancelled;
                break 'epochs;
            }
            let mut step = |net: Net| {
                let x = batcher.images(&data.train.images, chunk, &train_device);
                let y = Batcher::labels(&data.train.labels, chunk, &train_device);
                let logits = net.forward_train(x, &mut masks);
                let loss = loss_fn.forward(logits.clone(), y.clone());
                let loss_value = f64::from(loss.clone().into_scalar::<f32>());
                if !loss_value.is_finite() {
                    return (net, loss_value, 0);
                }
                let grads = GradientsParams::from_grads(loss.backward(), &net);
                let net = adam.step(lr, net, grads);
                let correct = logits
                    .argmax(1)
                    .flatten::<1>(0, 1)
                    .equal(y)
                    .int()
                    .sum()
                    .into_scalar::<i64>();
                (net, loss_value, correct)
            };
            let (stepped, loss_value, batch_correct) = options.install(|| step(net));
            net = stepped;
            if !loss_value.is_finite() {
                tracing::warn!(epoch = epoch + 1, batch = b + 1, "loss is not finite");
                status = Status::Diverged;
                break 'epochs;
            }
            correct += batch_correct;
            loss_sum += loss_value * chunk.len() as f64;
            seen += chunk.len();
            progress(&Progress::Batch {
                epoch: epoch + 1,
                batch: b + 1,
                batches,
                images: seen,
                loss: loss_value,
            });
        }
        let train_seconds = start.elapsed().as_secs_f64();
        let val = options
            .install(|| evaluate(&net, &data.held_out, &batcher, protocol.batch_size, device));
        if !val.loss.is_finite() {
            status = Status::Diverged;
            break;
        }
        let record = EpochRecord {
            epoch: epoch + 1,
            learning_rate: lr,
            train_loss: loss_sum / seen as f64,
            train_accuracy: correct as f64 / seen as f64,
            val_loss: val.loss,
            val_accuracy: val.accuracy,
            seconds: start.elapsed().as_secs_f64(),
            images_per_second: seen as f64 / train_seconds.max(1e-9),
        };
        tracing::info!(
            epoch = record.epoch,
            train_loss = record.train_loss,
            val_accuracy = record.val_accuracy,
            images_per_second = record.images_per_second,
            "epoch done"
        );
        progress(&Progress::Epoch(record.clone()));
        epochs.push(record);
        let stop = stopping.update(val.loss, protocol);
        if let Some(c) = checkpoint {
            let state = CheckpointState {
                arch_hash: arch.hash(),
                seed,
                protocol: protocol.clone(),
                epochs: epochs.clone(),
                early_stopping: stopping.clone(),
                model_file: String::new(),
                optimizer_file: String::new(),
            };
            c.save(state, &net, &adam)?;
        }
        if stop {
            status = Status::EarlyStopped;
        }
        epoch += 1;
    }
    if status == Status::Completed && epoch < protocol.max_epochs {
        status = Status::Paused;
    }

    let net = net.valid();
    let held_out =
        options.install(|| evaluate(&net, &data.held_out, &batcher, protocol.batch_size, device));
    let classes = ClassResults::new(
        &data.held_out.labels,
        &held_out.predictions,
        data.classes.len(),
    );
    Ok(Outcome {
        status,
        epochs,
        net,
        held_out,
        classes,
    })
}

/// The dropout masks' random stream of `epoch`.
fn dropout_stream(seed: u64, epoch: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(1 + epoch as u64);
    rng
}

fn check_fit(arch: &Architecture, data: &Dataset, protocol: &Protocol) -> Result<(), TrainError> {
    data::check(data)?;
    let i = &arch.input;
    if (i.height, i.width, i.channels) != (data.height, data.width, data.channels) {
        return Err(TrainError::InputMismatch {
            expected: format!("{}×{}×{}", i.height, i.width, i.channels),
            found: format!("{}×{}×{}", data.height, data.width, data.channels),
        });
    }
    if arch.classes as usize != data.classes.len() {
        return Err(TrainError::ClassMismatch {
            arch: arch.classes,
            data: data.classes.len(),
        });
    }
    if protocol.batch_size == 0 {
        return Err(TrainError::ZeroBatch);
    }
    Ok(())
}
