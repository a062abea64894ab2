//! `remap train` and `remap predict`: training an architecture on a data set with REMAP's
//! protocol, resuming an interrupted run, and predicting from saved weights.

use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use remap_architecture::Architecture;
use remap_datasets::{DatasetSource, LoadOptions};
use remap_training::checkpoint::write_atomic;
use remap_training::{
    Checkpoint, Dataset, DeviceChoice, Progress, Protocol, TrainOptions, batcher::Batcher, device,
    evaluate, load_weights, save_weights, train,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::input::read_text;

const RUN: &str = "run.json";
const RESULT: &str = "result.json";
const PREDICTIONS: &str = "predictions.json";
const WEIGHTS: &str = "weights.bpk";
const CHECKPOINT: &str = "checkpoint";

#[derive(Args)]
pub struct TrainArgs {
    /// Architecture file (spec §2 JSON); `-` reads stdin.
    #[arg(long, required_unless_present = "resume")]
    arch: Option<PathBuf>,
    /// sketches | quickdraw:DIR | cifar10:DIR | mnist:DIR | folder:DIR
    #[arg(long, required_unless_present = "resume")]
    dataset: Option<String>,
    /// Keep only these classes (comma-separated names), labelled in this order.
    #[arg(long, value_delimiter = ',')]
    classes: Option<Vec<String>>,
    /// Keep the first N images of each class (before the train/held-out split).
    #[arg(long)]
    limit: Option<usize>,
    /// Maximum number of epochs (REMAP: 10; early stopping may end sooner).
    #[arg(long)]
    epochs: Option<usize>,
    /// Batch size (default: 256 for 28×28 data, 32 for larger images).
    #[arg(long)]
    batch: Option<usize>,
    /// Seed of initialisation, data order and dropout.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Seed of the generated sketches (other data sets ignore it).
    #[arg(long, default_value_t = 0)]
    data_seed: u64,
    /// auto (a hardware GPU if found, else CPU) | cpu | gpu
    #[arg(long, default_value = "auto")]
    device: DeviceChoice,
    /// Output folder: run.json, result.json, predictions.json, weights.bpk, checkpoint/.
    #[arg(long, required_unless_present = "resume", conflicts_with = "resume")]
    out: Option<PathBuf>,
    /// Continue the interrupted run in DIR from its last completed epoch.
    #[arg(long, value_name = "DIR")]
    resume: Option<PathBuf>,
}

#[derive(Args)]
pub struct PredictArgs {
    /// Folder of a finished `remap train` run.
    #[arg(long, value_name = "DIR")]
    run: PathBuf,
    /// Data set to predict (default: the run's); its held-out images are predicted in order.
    #[arg(long)]
    dataset: Option<String>,
    /// auto | cpu | gpu
    #[arg(long, default_value = "cpu")]
    device: DeviceChoice,
}

/// How a run was started: everything `--resume` and `predict` need to redo it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunConfig {
    pub arch: Architecture,
    pub dataset: String,
    pub classes: Option<Vec<String>>,
    pub limit: Option<usize>,
    pub data_seed: u64,
    pub seed: u64,
    pub protocol: Protocol,
}

impl RunConfig {
    /// The data set options the run was trained with.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            classes: self.classes.clone(),
            limit: self.limit,
            seed: self.data_seed,
            ..LoadOptions::default()
        }
    }
}

fn load_data(spec: &str, options: &LoadOptions) -> Result<Dataset> {
    let source: DatasetSource = spec.parse().with_context(|| format!("--dataset {spec}"))?;
    remap_datasets::load(&source, options).with_context(|| format!("loading {spec}"))
}

pub fn run_train(args: TrainArgs) -> Result<ExitCode> {
    let (out, config) = match &args.resume {
        Some(dir) => {
            let path = dir.join(RUN);
            let text = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {} (is it a run folder?)", path.display()))?;
            let config: RunConfig = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a run description", path.display()))?;
            (dir.clone(), config)
        }
        None => {
            let arch_path = args.arch.as_ref().expect("clap requires --arch");
            let text = read_text(arch_path)?;
            let arch = Architecture::from_json(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", arch_path.display()))?;
            let mut protocol = Protocol::for_input(arch.input.height, arch.input.width);
            if let Some(e) = args.epochs {
                protocol.max_epochs = e;
            }
            if let Some(b) = args.batch {
                protocol.batch_size = b;
            }
            let config = RunConfig {
                arch,
                dataset: args.dataset.clone().expect("clap requires --dataset"),
                classes: args.classes.clone(),
                limit: args.limit,
                data_seed: args.data_seed,
                seed: args.seed,
                protocol,
            };
            let out = args.out.clone().expect("clap requires --out");
            fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
            if out.join(CHECKPOINT).join("state.json").exists() {
                bail!(
                    "{} already holds a run; use --resume {0} to continue it or choose another --out",
                    out.display()
                );
            }
            let text = serde_json::to_vec_pretty(&config)?;
            write_atomic(&out.join(RUN), &text)?;
            (out, config)
        }
    };

    let data = load_data(&config.dataset, &config.load_options())?;
    let selected = device::select(args.device)?;
    eprintln!(
        "training {} ({} parameters) on {} ({} train / {} held-out images, {} classes) with {}",
        config.arch.summary(),
        config.arch.params()?,
        data.name,
        data.train.len(),
        data.held_out.len(),
        data.classes.len(),
        selected.description
    );

    let options = TrainOptions {
        protocol: config.protocol.clone(),
        seed: config.seed,
        pause_after: None,
        threads: None,
    };
    let checkpoint = Checkpoint::new(out.join(CHECKPOINT));
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "epoch {prefix} [{bar:30}] {pos}/{len} batches  {per_sec}  loss {msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let cancel = AtomicBool::new(false);
    let mut on_progress = |p: &Progress| {
        match p {
        Progress::Batch {
            epoch,
            batch,
            batches,
            loss,
            ..
        } => {
            if *batch == 1 {
                bar.reset();
                bar.set_length(*batches as u64);
                bar.set_prefix(format!("{epoch}/{}", options.protocol.max_epochs));
            }
            bar.set_position(*batch as u64);
            bar.set_message(format!("{loss:.4}"));
        }
        Progress::Epoch(r) => bar.println(format!(
            "epoch {:>2}: train loss {:.4} acc {:.4} | val loss {:.4} acc {:.4} | {:.1} s, {:.0} img/s",
            r.epoch,
            r.train_loss,
            r.train_accuracy,
            r.val_loss,
            r.val_accuracy,
            r.seconds,
            r.images_per_second
        )),
    }
    };
    let outcome = train(
        &config.arch,
        &data,
        &options,
        &selected.device,
        Some(&checkpoint),
        &cancel,
        &mut on_progress,
    )?;
    bar.finish_and_clear();

    save_weights(&outcome.net, &out.join(WEIGHTS))?;
    let predictions = predictions_json(&data, &outcome.held_out.predictions);
    write_atomic(&out.join(PREDICTIONS), predictions.as_bytes())?;
    let result = json!({
        "status": outcome.status.name(),
        "epochs": outcome.epochs,
        "val_accuracy": outcome.held_out.accuracy,
        "val_loss": outcome.held_out.loss,
        "per_class_accuracy": outcome.classes.per_class_accuracy,
        "confusion": outcome.classes.confusion,
        "params": config.arch.params()?,
        "device": selected.description,
        "arch": config.arch,
        "arch_hash": config.arch.hash(),
        "summary": config.arch.summary(),
        "dataset": config.dataset,
        "classes": data.classes,
        "train_images": data.train.len(),
        "held_out_images": data.held_out.len(),
        "seed": config.seed,
        "protocol": config.protocol,
        "weights": WEIGHTS,
    });
    write_atomic(
        &out.join(RESULT),
        serde_json::to_string_pretty(&result)?.as_bytes(),
    )?;
    eprintln!(
        "{}: {} epochs, held-out accuracy {:.4}; results in {}",
        outcome.status.name(),
        outcome.epochs.len(),
        outcome.held_out.accuracy,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The predicted label of every held-out image, in order, with the class names.
fn predictions_json(data: &Dataset, predictions: &[u32]) -> String {
    let v = json!({
        "dataset": data.name,
        "classes": data.classes,
        "predictions": predictions,
    });
    format!("{v}\n")
}

pub fn run_predict(args: PredictArgs) -> Result<ExitCode> {
    let path = args.run.join(RUN);
    let text = fs::read_to_string(&path)
        .with_context(|| format!("cannot read {} (is it a run folder?)", path.display()))?;
    let config: RunConfig = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a run description", path.display()))?;
    let spec = args.dataset.as_deref().unwrap_or(&config.dataset);
    let data = load_data(spec, &config.load_options())?;
    let selected = device::select(args.device)?;
    let net = load_weights(&config.arch, &args.run.join(WEIGHTS), &selected.device)?;
    let batcher = Batcher::new(
        data.channels as usize,
        data.height as usize,
        data.width as usize,
        &data.normalization.mean,
        &data.normalization.std,
    );
    let eval = evaluate(
        &net,
        &data.held_out,
        &batcher,
        config.protocol.batch_size,
        &selected.device,
    );
    print!("{}", predictions_json(&data, &eval.predictions));
    Ok(ExitCode::SUCCESS)
}
