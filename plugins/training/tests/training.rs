//! Training end to end on a tiny generated data set: learning, determinism, resume,
//! reload-and-predict, divergence and cancellation, on the CPU and on wgpu.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use remap_architecture::Architecture;
use remap_training::burn::tensor::Device;
use remap_training::{
    Checkpoint, Dataset, Normalization, Progress, Protocol, Split, Status, ThreadShare,
    TrainOptions, evaluate, load_weights, save_weights, train,
};

const SIZE: usize = 12;

/// Bars of three orientations (horizontal, vertical, diagonal) at random positions with noise.
fn bars(n: usize, seed: u64) -> Split {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut split = Split::default();
    for i in 0..n {
        let class = (i % 3) as u32;
        let mut img = [0u8; SIZE * SIZE];
        for p in img.iter_mut() {
            *p = rng.random_range(0..60);
        }
        let at = rng.random_range(2..SIZE - 2);
        for k in 0..SIZE {
            let (y, x) = match class {
                0 => (at, k),
                1 => (k, at),
                _ => (k, (k + at) % SIZE),
            };
            img[y * SIZE + x] = 255;
        }
        split.images.extend_from_slice(&img);
        split.labels.push(class);
    }
    split
}

fn data() -> Dataset {
    Dataset {
        name: "bars".into(),
        classes: vec!["horizontal".into(), "vertical".into(), "diagonal".into()],
        height: SIZE as u32,
        width: SIZE as u32,
        channels: 1,
        train: bars(240, 1),
        held_out: bars(60, 2),
        normalization: Normalization {
            mean: vec![0.2],
            std: vec![0.3],
        },
    }
}

fn arch() -> Architecture {
    Architecture::from_json(
        r#"{"input":{"height":12,"width":12,"channels":1},"classes":3,"layers":[
            {"type":"conv2d","filters":4,"kernel":3},
            {"type":"activation","function":"relu"},
            {"type":"maxpool2d","size":2},
            {"type":"dropout","rate":0.1},
            {"type":"dense","units":16},
            {"type":"activation","function":"relu"}]}"#,
    )
    .unwrap()
}

fn options(epochs: usize) -> TrainOptions {
    let mut protocol = Protocol::for_input(12, 12);
    protocol.batch_size = 16;
    protocol.max_epochs = epochs;
    TrainOptions {
        protocol,
        seed: 7,
        pause_after: None,
        threads: None,
    }
}

fn run(
    epochs: usize,
    checkpoint: Option<&Checkpoint>,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> remap_training::Outcome {
    train(
        &arch(),
        &data(),
        &options(epochs),
        &Device::flex(),
        checkpoint,
        cancel,
        progress,
    )
    .unwrap()
}

/// A job's share of threads may change while it trains (other jobs start and end): the run
/// ends bit for bit where one on a fixed number of threads does.
#[test]
fn a_changing_thread_share_gives_the_same_run() {
    let fixed = run(2, None, &AtomicBool::new(false), &mut |_| {});
    let share = ThreadShare::new(1);
    let mut options = options(2);
    options.threads = Some(share.clone());
    let mut batches = 0;
    let changing = train(
        &arch(),
        &data(),
        &options,
        &Device::flex(),
        None,
        &AtomicBool::new(false),
        &mut |p| {
            if let Progress::Batch { .. } = p {
                batches += 1;
                share.set(if batches % 2 == 0 { 1 } else { 3 });
            }
        },
    )
    .unwrap();
    let losses = |o: &remap_training::Outcome| -> Vec<(f64, f64)> {
        o.epochs
            .iter()
            .map(|e| (e.train_loss, e.val_loss))
            .collect()
    };
    assert_eq!(losses(&changing), losses(&fixed));
    assert_eq!(changing.held_out.predictions, fixed.held_out.predictions);
}

#[test]
fn learns_and_reports_every_batch_and_epoch() {
    let mut batches = 0;
    let mut epochs = 0;
    let out = run(4, None, &AtomicBool::new(false), &mut |p| match p {
        Progress::Batch { .. } => batches += 1,
        Progress::Epoch(_) => epochs += 1,
    });
    assert_eq!(out.status, Status::Completed);
    assert_eq!((batches, epochs), (4 * 15, 4));
    assert_eq!(out.epochs.len(), 4);
    let last = &out.epochs[3];
    assert!(last.train_loss < out.epochs[0].train_loss + 0.5);
    assert!(last.val_accuracy > 0.6, "{:?}", out.epochs);
    assert!(last.images_per_second > 0.0 && last.seconds > 0.0);
    assert_eq!(last.learning_rate, 1e-3 * 0.75f64.powi(3));
    assert_eq!(out.held_out.predictions.len(), 60);
    assert_eq!(out.held_out.accuracy, last.val_accuracy);
    let total: u64 = out.classes.confusion.iter().flatten().sum();
    assert_eq!(total, 60);
}

#[test]
fn same_seed_same_run() {
    let a = run(1, None, &AtomicBool::new(false), &mut |_| {});
    let b = run(1, None, &AtomicBool::new(false), &mut |_| {});
    assert_eq!(a.epochs[0].train_loss, b.epochs[0].train_loss);
    assert_eq!(a.held_out.predictions, b.held_out.predictions);
}

#[test]
fn resume_after_an_interruption_matches_an_uninterrupted_run() {
    let whole = run(2, None, &AtomicBool::new(false), &mut |_| {});

    let dir = tempfile::tempdir().unwrap();
    let checkpoint = Checkpoint::new(dir.path());
    // Stop in the middle of epoch 2, after epoch 1's checkpoint.
    let cancel = AtomicBool::new(false);
    let first = run(2, Some(&checkpoint), &cancel, &mut |p| {
        if let Progress::Batch {
            epoch: 2, batch: 3, ..
        } = p
        {
            cancel.store(true, Ordering::Relaxed);
        }
    });
    assert_eq!(first.status, Status::Cancelled);
    assert_eq!(first.epochs.len(), 1);

    let resumed = run(2, Some(&checkpoint), &AtomicBool::new(false), &mut |_| {});
    assert_eq!(resumed.status, Status::Completed);
    assert_eq!(resumed.epochs.len(), 2);
    // The first epoch comes back from the checkpoint (timings to JSON's precision).
    let (a, b) = (&resumed.epochs[0], &first.epochs[0]);
    assert_eq!(
        (a.train_loss, a.val_loss, a.val_accuracy),
        (b.train_loss, b.val_loss, b.val_accuracy)
    );
    assert_eq!(resumed.epochs[1].train_loss, whole.epochs[1].train_loss);
    assert_eq!(resumed.held_out.predictions, whole.held_out.predictions);
    // Only the last epoch's files remain.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["model-epoch2.bpk", "optimizer-epoch2.bin", "state.json"]
    );
}

#[test]
fn pausing_at_a_rung_then_continuing_ends_where_an_uninterrupted_run_does() {
    let whole = run(3, None, &AtomicBool::new(false), &mut |_| {});

    let dir = tempfile::tempdir().unwrap();
    let checkpoint = Checkpoint::new(dir.path());
    let mut rung = options(3);
    rung.pause_after = Some(1);
    let device = Device::flex();
    let never = AtomicBool::new(false);
    let first = train(
        &arch(),
        &data(),
        &rung,
        &device,
        Some(&checkpoint),
        &never,
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(first.status, Status::Paused);
    assert_eq!(first.epochs.len(), 1);
    // The rung's result is the net after epoch 1, evaluated on the held-out images.
    assert_eq!(first.epochs[0].train_loss, whole.epochs[0].train_loss);

    let rest = run(3, Some(&checkpoint), &never, &mut |_| {});
    assert_eq!(rest.epochs.len(), 3);
    assert_eq!(rest.status, whole.status);
    assert_eq!(rest.epochs[2].train_loss, whole.epochs[2].train_loss);
    assert_eq!(rest.epochs[2].learning_rate, whole.epochs[2].learning_rate);
    assert_eq!(rest.held_out.predictions, whole.held_out.predictions);
}

#[test]
fn saved_weights_reload_to_identical_predictions() {
    let out = run(1, None, &AtomicBool::new(false), &mut |_| {});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("weights.bpk");
    save_weights(&out.net, &path).unwrap();
    let device = Device::flex();
    let net = load_weights(&arch(), &path, &device).unwrap();
    let d = data();
    let batcher = remap_training::batcher::Batcher::new(1, SIZE, SIZE, &[0.2], &[0.3]);
    let again = evaluate(&net, &d.held_out, &batcher, 7, &device);
    assert_eq!(again.predictions, out.held_out.predictions);
}

#[test]
fn a_diverging_loss_ends_the_run_with_status_diverged() {
    let mut o = options(2);
    o.protocol.learning_rate = 1e30;
    let out = train(
        &arch(),
        &data(),
        &o,
        &Device::flex(),
        None,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(out.status, Status::Diverged);
    assert!(out.epochs.len() < 2);
}

#[test]
fn cancelling_stops_between_batches() {
    let cancel = AtomicBool::new(false);
    let mut seen = 0;
    let out = run(2, None, &cancel, &mut |p| {
        if let Progress::Batch { batch, .. } = p {
            seen = *batch;
            if *batch == 2 {
                cancel.store(true, Ordering::Relaxed);
            }
        }
    });
    assert_eq!(out.status, Status::Cancelled);
    assert_eq!(seen, 2);
    assert!(out.epochs.is_empty());
}

#[test]
fn mismatched_data_is_an_error_not_a_panic() {
    let mut d = data();
    d.classes.pop();
    let err = train(
        &arch(),
        &d,
        &options(1),
        &Device::flex(),
        None,
        &AtomicBool::new(false),
        &mut |_| {},
    );
    assert!(err.is_err());
}

/// The GPU code path end to end: one epoch on wgpu, under Mesa's software Vulkan (lavapipe,
/// which `scripts/setup.sh` installs) on a machine without a GPU, so CI trains through the
/// same kernels a user's GPU runs.
#[test]
fn trains_one_epoch_on_wgpu() {
    let selected = remap_training::device::select(remap_training::DeviceChoice::Gpu)
        .expect("no wgpu adapter: scripts/setup.sh installs Mesa's software Vulkan driver");
    eprintln!("training device: {selected}");
    assert!(selected.is_gpu && selected.description.starts_with("gpu ("));
    // A larger step than REMAP's so that one short epoch learns (the CPU tests take four).
    let mut options = options(1);
    options.protocol.learning_rate = 1e-2;
    let out = train(
        &arch(),
        &data(),
        &options,
        &selected.device,
        None,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(out.status, Status::Completed);
    // Three classes: chance is 1/3.
    assert!(out.epochs[0].val_accuracy > 0.45, "{:?}", out.epochs);
}
