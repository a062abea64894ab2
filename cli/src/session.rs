//! `remap session …`: headless sessions on the embedded SQLite file or PostgreSQL — create
//! (sample and queue the initial models), list, train the queue, show status, queue children.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use remap_architecture::LayerKind;
use remap_sampling::{AblationRequest, Operation, Restriction, VariationRequest};
use remap_session::views::{NewSessionRequest, Queued};
use remap_session::worker::WorkerCommand;
use remap_session::{App, MachineSettings, Training, TrainingSettings, variation_seed};
use remap_store::{
    JobStatus, Location, QueueEvent, RunUntil, SchedulerConfig, Store, default_worker_id,
};

#[derive(Subcommand)]
pub enum SessionCommand {
    /// Create a session: sample its initial models with the session seed and queue them.
    New(NewArgs),
    /// List the sessions of the database.
    List(DbArg),
    /// Train the session's queue until it is empty (Ctrl-C stops; jobs resume next time).
    Run(RunArgs),
    /// A table of the session's models and jobs (`--json`: one object per model).
    Status(StatusArgs),
    /// Queue ablations of a model: one child per selected layer with that layer removed.
    Ablate(AblateArgs),
    /// Queue variations of a model: children with 1..K random, restricted changes.
    Vary(VaryArgs),
    /// What each kind of edit from the parent (remove dropout, widen dense, …) did over the
    /// session's children: count, Δ accuracy and Δ parameters, share that improved.
    Effects(EffectsArgs),
    /// Show, set or lift (`none`) the session's parameter budget.
    Budget(BudgetArgs),
    /// The best trained models: by focus accuracy over `--classes` (validation accuracy
    /// without), at most `--max-params` parameters, ties to the smaller model.
    Best(BestArgs),
    /// Show, set (`--classes a,b`) or clear (`--clear`) the session's focus classes; from two
    /// classes on, screening promotes by their focus accuracy.
    Focus(FocusArgs),
    /// What to train next: candidates of the session's generators ranked by the surrogate's
    /// expected improvement (spec §10.1), with parent, changes, predicted accuracy ± σ.
    Suggest(SuggestArgs),
}

#[derive(Args)]
pub struct SuggestArgs {
    name: String,
    /// How many suggestions.
    #[arg(long, default_value_t = 5)]
    count: usize,
    /// Queue them (origin `suggested`) and print their model ids.
    #[arg(long)]
    queue: bool,
    /// One JSON object per suggestion (JSON Lines), with `model` and `job` when queued.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct FocusArgs {
    name: String,
    /// The focus classes (comma-separated names, as the data set names them).
    #[arg(long, value_delimiter = ',', conflicts_with = "clear")]
    classes: Vec<String>,
    /// No focus any more.
    #[arg(long)]
    clear: bool,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct BestArgs {
    name: String,
    /// Focus classes (comma-separated names): rank by the accuracy of the model read as a
    /// classifier of these classes only, on their held-out images.
    #[arg(long, value_delimiter = ',')]
    classes: Vec<String>,
    /// Only models with at most this many parameters.
    #[arg(long)]
    max_params: Option<u64>,
    /// How many models to list.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// One JSON object per model (JSON Lines).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct EffectsArgs {
    name: String,
    /// The whole result as one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct BudgetArgs {
    name: String,
    /// The new budget in parameters, or `none`; without it, the budget is shown.
    #[arg(value_parser = parse_budget)]
    budget: Option<Budget>,
    #[command(flatten)]
    db: DbArg,
}

/// A budget given on the command line: a number of parameters, or none.
#[derive(Clone, Copy, Debug)]
pub struct Budget(Option<u64>);

fn parse_budget(text: &str) -> Result<Budget, String> {
    if text == "none" {
        return Ok(Budget(None));
    }
    match text.replace([',', '_'], "").parse::<u64>() {
        Ok(0) | Err(_) => Err(format!(
            "`{text}` is not a budget: give a positive number of parameters or `none`"
        )),
        Ok(n) => Ok(Budget(Some(n))),
    }
}

#[derive(Args)]
pub struct DbArg {
    /// Database: a file path, sqlite://PATH or postgres://USER@HOST:PORT/DB
    /// (default: remap.db in $REMAP_DATA_DIR or the platform's data directory).
    #[arg(long)]
    pub db: Option<String>,
}

#[derive(Args)]
pub struct NewArgs {
    name: String,
    /// sketches | quickdraw:DIR | cifar10:DIR | mnist:DIR | folder:DIR
    #[arg(long, default_value = "sketches")]
    dataset: String,
    /// Initial models (distinct architectures).
    #[arg(long, default_value_t = remap_session::DEFAULT_MODELS)]
    models: usize,
    /// Epochs each initial model trains (early stopping may end sooner).
    #[arg(long, default_value_t = TrainingSettings::default().epochs)]
    epochs: u32,
    /// Seed of sampling and training.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Batch size (default: 256 up to 28×28 images, 32 above).
    #[arg(long)]
    batch: Option<usize>,
    /// auto (a hardware GPU if found, else CPU) | cpu | gpu
    #[arg(long, default_value = "auto")]
    device: String,
    /// Keep only these classes (comma-separated names), labelled in this order.
    #[arg(long, value_delimiter = ',')]
    classes: Option<Vec<String>>,
    /// Keep the first N images of each class (before the train/held-out split).
    #[arg(long)]
    limit: Option<usize>,
    /// Sketches generated per class (80 % train, 20 % held out).
    #[arg(long, default_value_t = remap_session::DEFAULT_SKETCHES_PER_CLASS)]
    per_class: usize,
    /// Generation seed of the sketches.
    #[arg(long, default_value_t = 0)]
    data_seed: u64,
    /// A built-in search space (remap-2019; residual, which adds residual blocks) or a JSON/TOML search-space file.
    #[arg(long, default_value = "remap-2019")]
    space: String,
    /// The session's parameter budget: sampled models have at most this many parameters,
    /// and its ablations, variations and handcrafted models are checked against it
    /// (default: none; sampling then caps at 1,000,000).
    #[arg(long)]
    max_params: Option<u64>,
    /// halving: screen sampled and generated models by successive halving (rungs of 1, 3,
    /// … epochs; the top third of each goes on) | off: train every model fully (REMAP).
    #[arg(long, default_value = "halving")]
    screening: String,
    /// Start around this net instead of sampling: an ONNX model (PyTorch, Keras, …) or an
    /// architecture JSON. The initial models are the net and `--around` of its ablations and
    /// variations, all under `--max-params`; `--models` is then not used.
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// With `--from`: how many ablations and variations join the net.
    #[arg(long, value_name = "N", default_value_t = 10, requires = "from")]
    around: usize,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct RunArgs {
    name: String,
    /// Jobs trained at once, each in its own worker process: a number, or auto (from the
    /// cores: 2 cores train 2 jobs of 1 thread each).
    #[arg(long, visible_alias = "concurrency", default_value = "auto", value_parser = parse_jobs)]
    jobs: Jobs,
    /// Train in this process instead of worker processes (one job at a time).
    #[arg(long)]
    in_process: bool,
    #[command(flatten)]
    db: DbArg,
}

/// Jobs at once: a number, or `None` for automatic.
#[derive(Clone, Copy, Debug)]
struct Jobs(Option<usize>);

fn parse_jobs(text: &str) -> Result<Jobs, String> {
    match text {
        "auto" => Ok(Jobs(None)),
        _ => match text.parse::<usize>() {
            Ok(0) | Err(_) => Err(format!("`{text}`: a number of jobs (1 or more) or auto")),
            Ok(n) => Ok(Jobs(Some(n))),
        },
    }
}

#[derive(Args)]
pub struct StatusArgs {
    name: String,
    /// One JSON object per model (JSON Lines).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct AblateArgs {
    name: String,
    /// The parent model's id (see `remap session status`).
    #[arg(long)]
    model: i64,
    /// Hidden layers to remove one at a time, e.g. 0,2 (default: all).
    #[arg(long, value_delimiter = ',')]
    layers: Option<Vec<usize>>,
    /// Children with more parameters are dropped.
    #[arg(long)]
    max_params: Option<u64>,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct VaryArgs {
    name: String,
    /// The parent model's id (see `remap session status`).
    #[arg(long)]
    model: i64,
    /// Number of children.
    #[arg(long, default_value_t = 5)]
    count: usize,
    /// K: each child gets 1..K changes.
    #[arg(long, default_value_t = 3)]
    changes: usize,
    /// Seed of the random draws (default: the session seed plus the session's model count,
    /// so that repeated requests differ).
    #[arg(long)]
    seed: Option<u64>,
    /// Allowed operations: insert,remove,replace,reparametrize (default: all).
    #[arg(long, value_delimiter = ',', value_parser = parse_op)]
    ops: Option<Vec<Operation>>,
    /// Layer types an insert or replace may create, e.g. conv2d,dropout (default: all).
    #[arg(long, value_delimiter = ',', value_parser = parse_kind)]
    types: Option<Vec<LayerKind>>,
    /// Positions that may change: hidden-layer indices, and the layer count for the slot
    /// before the head (default: all).
    #[arg(long, value_delimiter = ',')]
    layers: Option<Vec<usize>>,
    /// Children with more parameters are dropped.
    #[arg(long)]
    max_params: Option<u64>,
    /// Re-draws of one child before it is reported as not made.
    #[arg(long, default_value_t = remap_sampling::DEFAULT_MAX_ATTEMPTS)]
    max_attempts: usize,
    #[command(flatten)]
    db: DbArg,
}

fn parse_op(text: &str) -> Result<Operation, String> {
    Operation::from_name(text).ok_or_else(|| {
        format!("unknown operation `{text}` (insert, remove, replace, reparametrize)")
    })
}

fn parse_kind(text: &str) -> Result<LayerKind, String> {
    LayerKind::from_name(text).ok_or_else(|| {
        format!(
            "unknown layer type `{text}` (conv2d, maxpool2d, avgpool2d, dense, activation, dropout)"
        )
    })
}

pub fn run(command: SessionCommand) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        match command {
            SessionCommand::New(args) => new(args).await,
            SessionCommand::List(args) => list(args).await,
            SessionCommand::Run(args) => train(args).await,
            SessionCommand::Status(args) => status(args).await,
            SessionCommand::Ablate(args) => ablate(args).await,
            SessionCommand::Vary(args) => vary(args).await,
            SessionCommand::Effects(args) => effects(args).await,
            SessionCommand::Budget(args) => budget(args).await,
            SessionCommand::Best(args) => best(args).await,
            SessionCommand::Focus(args) => focus(args).await,
            SessionCommand::Suggest(args) => suggest(args).await,
        }
    })
}

pub(crate) async fn open_store(db: &DbArg) -> Result<Store> {
    let location = match &db.db {
        Some(text) => Location::parse(text)?,
        None => Location::embedded()?,
    };
    Ok(Store::open(&location).await?)
}

/// The application over the database, its queue training with `config`.
async fn open_with(db: &DbArg, config: SchedulerConfig) -> Result<App> {
    Ok(App::new(open_store(db).await?, config))
}

async fn open(db: &DbArg) -> Result<App> {
    open_with(db, SchedulerConfig::new(default_worker_id())).await
}

async fn new(args: NewArgs) -> Result<ExitCode> {
    let app = open(&args.db).await?;
    let request = NewSessionRequest {
        name: args.name,
        dataset: args.dataset,
        models: Some(args.models),
        epochs: Some(args.epochs),
        seed: Some(args.seed),
        batch: args.batch,
        device: Some(args.device),
        classes: args.classes,
        limit: args.limit,
        per_class: Some(args.per_class),
        data_seed: Some(args.data_seed),
        space: Some(args.space),
        max_params: args.max_params,
        screening: Some(args.screening),
        new_name_if_taken: None,
    };
    let (session, made) = match &args.from {
        Some(file) => {
            let bytes = crate::input::read_bytes(file)?;
            let net = remap_session::ImportedNet::read(&bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            for note in &net.notes {
                eprintln!("note: {note}");
            }
            let session = app
                .create_session_around(&request, &net.architecture, args.around)
                .await?;
            (session, format!("around `{}` made", net.summary))
        }
        None => (app.create_session(&request).await?, "sampled".to_string()),
    };
    eprintln!(
        "session `{}` ({}): {} models {made} and queued; train them with `remap session run {}`",
        session.name, session.dataset, session.models, session.name
    );
    app.store().clone().close().await?;
    Ok(ExitCode::SUCCESS)
}

async fn list(args: DbArg) -> Result<ExitCode> {
    let app = open(&args).await?;
    println!(
        "{:<24} {:<24} {:>6} {:>7} {:>7} {:>7}",
        "name", "dataset", "models", "pending", "trained", "stopped"
    );
    for s in app.sessions().await? {
        let stopped = s.finished - s.trained;
        println!(
            "{:<24} {:<24} {:>6} {:>7} {:>7} {:>7}",
            s.name, s.dataset, s.models, s.pending, s.trained, stopped
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn train(args: RunArgs) -> Result<ExitCode> {
    let config = SchedulerConfig::new(default_worker_id());
    let training = if args.in_process {
        Training::InProcess
    } else {
        Training::Workers(
            WorkerCommand::current_exe().context("cannot find this program to start workers")?,
            MachineSettings {
                jobs: args.jobs.0,
                ..MachineSettings::default()
            },
        )
    };
    let (app, info) =
        App::for_session(open_store(&args.db).await?, &args.name, config, training).await?;
    if info.pending == 0 {
        eprintln!("session `{}`: nothing queued", info.name);
        return Ok(ExitCode::SUCCESS);
    }
    let pending = info.pending;
    let interrupted = Arc::new(AtomicBool::new(false));
    let (stopper, flag) = (app.clone(), interrupted.clone());
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopping: running jobs resume from their last epoch next time");
            flag.store(true, Ordering::SeqCst);
            stopper.stop();
        }
    });
    let bars = tokio::spawn(show_progress(app.scheduler().subscribe(), pending as u64));
    let result = app.train(RunUntil::Empty).await;
    bars.abort();
    result?;
    let info = app.session_status(&args.name).await?.session;
    eprintln!(
        "session `{}`: {} of {} models done{}{}",
        info.name,
        info.trained,
        info.models,
        info.best
            .map(|b| format!(
                ", best validation accuracy {:.4} (model {})",
                b.val_accuracy, b.model
            ))
            .unwrap_or_default(),
        if interrupted.load(Ordering::SeqCst) {
            "; interrupted"
        } else {
            ""
        }
    );
    app.store().clone().close().await?;
    Ok(ExitCode::SUCCESS)
}

/// An overall bar of jobs and a bar of batches per running job.
async fn show_progress(mut events: tokio::sync::broadcast::Receiver<QueueEvent>, pending: u64) {
    let multi = MultiProgress::new();
    let total = multi.add(ProgressBar::new(pending));
    total.set_style(
        ProgressStyle::with_template("jobs  [{bar:30}] {pos}/{len}  {elapsed_precise}  {msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let job_style =
        ProgressStyle::with_template("  {prefix:<18} [{bar:30}] {pos}/{len} batches  {msg}")
            .expect("valid template")
            .progress_chars("=> ");
    let mut running: HashMap<i64, ProgressBar> = HashMap::new();
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => break,
        };
        match event {
            QueueEvent::Job {
                job_id,
                model_id,
                status,
                error,
                ..
            } => match status {
                JobStatus::Running => {
                    let bar = multi.add(ProgressBar::new(0));
                    bar.set_style(job_style.clone());
                    bar.set_prefix(format!("model {model_id} (job {job_id})"));
                    running.insert(job_id, bar);
                }
                JobStatus::Queued => {
                    if let Some(bar) = running.remove(&job_id) {
                        bar.finish_and_clear();
                    }
                }
                finished => {
                    if let Some(bar) = running.remove(&job_id) {
                        bar.finish_and_clear();
                    }
                    total.inc(1);
                    if let Some(error) = error {
                        total.println(format!("model {model_id}: {finished}: {error}"));
                    } else if finished != JobStatus::Done {
                        total.println(format!("model {model_id}: {finished}"));
                    }
                }
            },
            QueueEvent::Batch {
                job_id,
                epoch,
                epochs,
                batch,
                batches,
                eta_seconds,
            } => {
                if let Some(bar) = running.get(&job_id) {
                    bar.set_length(u64::from(batches));
                    bar.set_position(u64::from(batch));
                    bar.set_message(format!(
                        "epoch {epoch}/{epochs}{}",
                        eta_seconds
                            .map(|s| format!(", {s:.0} s left"))
                            .unwrap_or_default()
                    ));
                }
            }
            QueueEvent::Epoch {
                job_id, metrics, ..
            } if running.contains_key(&job_id) => {
                total.set_message(format!(
                    "last epoch: job {job_id} epoch {} val acc {:.4}",
                    metrics.epoch, metrics.val_accuracy
                ));
            }
            QueueEvent::Idle => break,
            _ => {}
        }
    }
    total.finish_and_clear();
}

async fn effects(args: EffectsArgs) -> Result<ExitCode> {
    let app = open(&args.db).await?;
    let session = app.store().session_by_name(&args.name).await?;
    let effects = app.effects(session.id).await?;
    if args.json {
        println!("{}", serde_json::to_string(&effects)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<28} {:>5} {:>8} {:>9} {:>12} {:>14}",
        "edit", "count", "compared", "improved", "median Δacc", "median Δparams"
    );
    for kind in &effects.kinds {
        let improved = kind
            .improved
            .map(|share| format!("{:.0} %", share * 100.0))
            .unwrap_or_else(|| "-".into());
        let delta = kind
            .delta_accuracy
            .map(|d| format!("{:+.1} pp", d.median * 100.0))
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<28} {:>5} {:>8} {:>9} {:>12} {:>14}",
            kind.kind,
            kind.count,
            kind.compared,
            improved,
            delta,
            format!("{:+}", kind.delta_params.median.round() as i64)
        );
    }
    println!(
        "{} children; Δ accuracy is child − parent after the same number of epochs",
        effects.children
    );
    Ok(ExitCode::SUCCESS)
}

async fn best(args: BestArgs) -> Result<ExitCode> {
    let app = open(&args.db).await?;
    let session = app.store().session_by_name(&args.name).await?;
    let focused = !args.classes.is_empty();
    let best = app
        .best(session.id, &args.classes, args.max_params, args.top)
        .await?;
    for model in &best.models {
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "id": model.id,
                    "hash": model.hash,
                    "params": model.params,
                    "val_accuracy": model.val_accuracy,
                    "focus_accuracy": model.focus_accuracy,
                    "epochs_done": model.epochs_done,
                    "screened": model.screened,
                    "summary": model.summary,
                })
            );
        }
    }
    if args.json {
        return Ok(ExitCode::SUCCESS);
    }
    let score = if focused { "focus acc" } else { "val acc" };
    println!(
        "{:>5} {:>9} {:>9} {:>7}  summary",
        "model", "params", score, "epochs"
    );
    for model in &best.models {
        println!(
            "{:>5} {:>9} {:>9.4} {:>7}  {}",
            model.id,
            model.params,
            model.score(focused).unwrap_or_default(),
            format!("{}/{}", model.epochs_done, model.epochs),
            model.summary
        );
    }
    let retrain = best.retrain_to_focus;
    if retrain > 0 {
        eprintln!("{retrain} trained models have no class probabilities: retrain them to focus");
    }
    Ok(ExitCode::SUCCESS)
}

async fn budget(args: BudgetArgs) -> Result<ExitCode> {
    let app = open(&args.db).await?;
    let session = app.store().session_by_name(&args.name).await?;
    let info = match args.budget {
        Some(Budget(budget)) => app.set_budget(session.id, budget).await?,
        None => app.session_info(&session).await?,
    };
    match info.budget {
        Some(budget) => println!("{}: budget {budget} parameters", info.name),
        None => println!("{}: no budget", info.name),
    }
    Ok(ExitCode::SUCCESS)
}

async fn focus(args: FocusArgs) -> Result<ExitCode> {
    let app = open(&args.db).await?;
    let session = app.store().session_by_name(&args.name).await?;
    let info = if args.clear || !args.classes.is_empty() {
        app.set_focus(session.id, &args.classes).await?
    } else {
        app.session_info(&session).await?
    };
    match info.focus.as_slice() {
        [] => println!("{}: no focus", info.name),
        [one] => println!(
            "{}: focus on {one} (screening ranks from two classes on)",
            info.name
        ),
        classes => println!(
            "{}: focus on {}; screening ranks by their focus accuracy",
            info.name,
            classes.join(", ")
        ),
    }
    Ok(ExitCode::SUCCESS)
}

async fn suggest(args: SuggestArgs) -> Result<ExitCode> {
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    let app = open(&args.db).await?;
    let session = app.store().session_by_name(&args.name).await?;
    let suggestions = app.suggest(session.id, args.count).await?;
    let queued = if args.queue {
        Some(app.queue_suggestions(session.id, &suggestions).await?)
    } else {
        None
    };
    let model_of = |hash: &str| {
        queued
            .iter()
            .flat_map(|q| &q.models)
            .find(|m| m.hash == hash)
    };
    for (rank, s) in suggestions.iter().enumerate() {
        let model = model_of(&s.hash);
        if args.json {
            let mut line = serde_json::to_value(s)?;
            if let Some(model) = model {
                line["model"] = model.id.into();
                line["job"] = model.job.into();
            }
            println!("{line}");
            continue;
        }
        let parent = match s.parent {
            Some(id) => format!("{} of model {id}", s.made_by),
            None => "fresh sample".into(),
        };
        println!(
            "{}. {}  [{} params, {parent}]",
            rank + 1,
            s.summary,
            s.params
        );
        if !s.changes.is_empty() {
            println!("   changes: {}", s.changes.join("; "));
        }
        println!(
            "   predicted {:.1} % ± {:.1} pp, EI {:.4} ({})",
            s.mean * 100.0,
            s.std * 100.0,
            s.acquisition,
            s.reason
        );
        if let Some(model) = model {
            println!("   queued as model {} (job {})", model.id, model.job);
        }
    }
    if let Some(queued) = &queued {
        for skipped in &queued.skipped {
            eprintln!("skipped: {}", skipped.reason);
        }
        eprintln!(
            "{} suggestions of session `{}` queued",
            queued.models.len(),
            session.name
        );
    }
    if suggestions.len() < args.count {
        eprintln!(
            "only {} of {} suggestions: the generators made no more new candidates",
            suggestions.len(),
            args.count
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn status(args: StatusArgs) -> Result<ExitCode> {
    let status = open(&args.db).await?.session_status(&args.name).await?;
    if args.json {
        for row in &status.rows {
            println!("{}", serde_json::to_string(row)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>5} {:<16} {:<11} {:>6} {:>9} {:>9} {:>7} {:>7}  summary",
        "model", "hash", "origin", "parent", "params", "status", "epochs", "val acc"
    );
    for row in &status.rows {
        println!(
            "{:>5} {:<16} {:<11} {:>6} {:>9} {:>9} {:>7} {:>7}  {}",
            row.id,
            row.hash,
            row.origin.name(),
            row.parent.map(|p| p.to_string()).unwrap_or_default(),
            row.params,
            row.status.map(|s| s.name()).unwrap_or("-"),
            format!("{}/{}", row.epochs_done, row.epochs),
            row.val_accuracy
                .map(|a| format!("{a:.4}"))
                .unwrap_or_default(),
            row.summary
        );
    }
    let counts: Vec<String> = status
        .counts
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let info = &status.session;
    eprintln!(
        "session `{}` ({}): {} models; {}",
        info.name,
        info.dataset,
        info.models,
        counts.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// The session `name` opened, after checking that `model` belongs to it.
async fn parent_in(db: &DbArg, name: &str, model: i64) -> Result<(App, remap_store::Session)> {
    let app = open(db).await?;
    let session = app.store().session_by_name(name).await?;
    if app.store().model(model).await?.session_id != session.id {
        bail!("model {model} is not in session `{name}` (see `remap session status {name}`)");
    }
    Ok((app, session))
}

/// The queued children as JSON Lines on stdout, what was skipped on stderr.
fn report(queued: &Queued, parent: i64) -> Result<ExitCode> {
    for model in &queued.models {
        println!("{}", serde_json::to_string(model)?);
    }
    for skipped in &queued.skipped {
        eprintln!("skipped: {}", skipped.reason);
    }
    if queued.dropped_over_budget > 0 {
        eprintln!(
            "{} children over the parameter budget dropped",
            queued.dropped_over_budget
        );
    }
    eprintln!("{} children of model {parent} queued", queued.models.len());
    Ok(ExitCode::SUCCESS)
}

async fn ablate(args: AblateArgs) -> Result<ExitCode> {
    let (app, _) = parent_in(&args.db, &args.name, args.model).await?;
    let request = AblationRequest {
        layers: args.layers,
        max_params: args.max_params,
        existing: Vec::new(),
    };
    report(
        &app.queue_ablations(args.model, &request).await?,
        args.model,
    )
}

async fn vary(args: VaryArgs) -> Result<ExitCode> {
    if args.changes == 0 {
        bail!("--changes must be at least 1");
    }
    let (app, session) = parent_in(&args.db, &args.name, args.model).await?;
    let seed = match args.seed {
        Some(seed) => seed,
        None => variation_seed(app.store(), session.id).await?,
    };
    let request = VariationRequest {
        count: args.count,
        max_changes: args.changes,
        seed,
        layers: args.layers,
        restriction: Restriction {
            ops: args.ops,
            types: args.types,
            ..Restriction::default()
        },
        max_params: args.max_params,
        max_attempts: args.max_attempts,
        ..VariationRequest::default()
    };
    report(
        &app.queue_variations(args.model, &request).await?,
        args.model,
    )
}
