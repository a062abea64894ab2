//! `remap export`: a trained model — from a `remap train` run folder or a session — as
//! architecture JSON, safetensors, ONNX, a PyTorch module and a model card.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{ArgGroup, Args};
use remap_datasets::DatasetSource;
use remap_export::{About, Format, TrainedModel, export};
use remap_session::{protocol_settings, trained_model};
use remap_store::{Location, Store};
use remap_training::burn::tensor::Device;
use remap_training::{Dataset, load_weights};
use serde::Deserialize;

use crate::training::RunConfig;

#[derive(Args)]
#[command(group(ArgGroup::new("source").required(true).args(["run", "session"])))]
pub struct ExportArgs {
    /// Folder of a finished `remap train` run.
    #[arg(long, value_name = "DIR")]
    run: Option<PathBuf>,
    /// Session of the model (with --model).
    #[arg(long, requires = "model")]
    session: Option<String>,
    /// The model's id (see `remap session status`); its last finished run is exported.
    #[arg(long, requires = "session")]
    model: Option<i64>,
    /// Database of the session: a file path, sqlite://PATH or postgres://USER@HOST:PORT/DB.
    #[arg(long, requires = "session")]
    db: Option<String>,
    /// Formats to write (comma-separated): json, safetensors, onnx, pytorch, card.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "json,safetensors,onnx,pytorch,card"
    )]
    format: Vec<Format>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Write into an existing, non-empty folder (files of the same names are replaced).
    #[arg(long)]
    force: bool,
}

pub fn run(args: ExportArgs) -> Result<ExitCode> {
    let model = match (&args.run, &args.session, args.model) {
        (Some(dir), _, _) => from_run(dir)?,
        (None, Some(session), Some(model)) => from_session(session, model, args.db.as_deref())?,
        _ => bail!("choose --run DIR or --session NAME --model ID"),
    };
    let written = export(&model, &args.format, &args.out, args.force)?;
    for file in &written {
        println!(
            "{:<12} {} ({} bytes)",
            file.format.name(),
            file.path.display(),
            file.bytes
        );
    }
    eprintln!(
        "exported {} ({}) to {}",
        model.arch.summary(),
        model.arch.hash(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// What `remap train` wrote in result.json (the fields the card shows).
#[derive(Deserialize)]
struct ResultFile {
    status: Option<String>,
    #[serde(default)]
    epochs: Vec<serde_json::Value>,
    val_accuracy: Option<f64>,
    per_class_accuracy: Option<Vec<Option<f64>>>,
    confusion: Option<Vec<Vec<u64>>>,
    device: Option<String>,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path, what: &str) -> Result<T> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read {} ({what})", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not {what}", path.display()))
}

fn from_run(dir: &Path) -> Result<TrainedModel> {
    let run: RunConfig = read_json(&dir.join("run.json"), "a run description")?;
    let result: ResultFile = read_json(&dir.join("result.json"), "a finished run's result")?;
    let options = run.load_options();
    let source: DatasetSource = run
        .dataset
        .parse()
        .with_context(|| format!("data set {} of {}", run.dataset, dir.display()))?;
    let data = remap_datasets::load(&source, &options)
        .with_context(|| format!("loading {} for its classes and normalisation", run.dataset))?;
    let net = load_weights(&run.arch, &dir.join("weights.bpk"), &Device::flex())?;
    let mut settings = protocol_settings(&run.protocol);
    if let Some(limit) = run.limit {
        settings.push(("images per class (limit)".into(), limit.to_string()));
    }
    settings.push(("data seed".into(), run.data_seed.to_string()));
    let about = About {
        source: format!("the run folder {}", dir.display()),
        seed: Some(run.seed),
        settings,
        status: result.status,
        epochs: Some(result.epochs.len()),
        val_accuracy: result.val_accuracy,
        device: result.device,
        per_class_accuracy: result.per_class_accuracy,
        confusion: result.confusion,
        lineage: None,
        ..data_about(&run.dataset, &data)
    };
    Ok(TrainedModel {
        arch: run.arch,
        net,
        classes: data.classes.clone(),
        normalization: data.normalization.clone(),
        about,
    })
}

fn data_about(dataset: &str, data: &Dataset) -> About {
    About {
        dataset: dataset.to_string(),
        train_images: Some(data.train.len()),
        held_out_images: Some(data.held_out.len()),
        ..About::default()
    }
}

fn from_session(name: &str, id: i64, db: Option<&str>) -> Result<TrainedModel> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let location = match db {
            Some(text) => Location::parse(text)?,
            None => Location::embedded()?,
        };
        let store = Store::open(&location).await?;
        let session = store.session_by_name(name).await?;
        let model = store.model(id).await?;
        if model.session_id != session.id {
            bail!("model {id} is not in session `{name}` (see `remap session status {name}`)");
        }
        let trained = trained_model(&store, id).await?;
        store.close().await?;
        Ok(trained)
    })
}
