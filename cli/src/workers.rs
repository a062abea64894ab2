//! `remap worker` (one worker process: on stdio for the app and `remap session run`, or on
//! the database for a cluster) and `remap workers submit|list|stop` (workers on Slurm or on
//! this machine, spec §9.2).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use remap_session::TrainOverrides;
use remap_session::cluster::{self, DbSecret, Engine, Local, Slurm, WorkerLaunch, WorkerOptions};
use remap_store::ArtifactStore;
use remap_training::DeviceChoice;

use crate::session::{DbArg, open_store};

#[derive(Args)]
pub struct WorkerArgs {
    /// Take jobs on stdin and report on stdout, one JSON message per line (what the app and
    /// `remap session run` start).
    #[arg(long, conflicts_with_all = ["db", "sessions", "idle_exit", "artifacts"])]
    stdio: bool,
    /// Claim jobs from this database (postgres://… for a cluster) until stopped (SIGTERM:
    /// the job in progress goes back to the queue at its last epoch).
    #[arg(long, required_unless_present = "stdio")]
    db: Option<String>,
    /// Only these sessions' jobs (comma-separated names; default: every session's).
    #[arg(long, value_delimiter = ',')]
    sessions: Vec<String>,
    /// auto | cpu | gpu (default: each session's device).
    #[arg(long)]
    device: Option<DeviceChoice>,
    /// Threads of this worker's pool (default: every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Exit after this many seconds without a job to train (default: never).
    #[arg(long)]
    idle_exit: Option<u64>,
    /// Where weights and checkpoints go: `database` or a directory every worker mounts
    /// (default: the database for PostgreSQL, files beside an SQLite file).
    #[arg(long)]
    artifacts: Option<String>,
}

#[derive(Subcommand)]
pub enum WorkersCommand {
    /// Start N workers on Slurm (a job array through sbatch) or on this machine.
    Submit(Box<SubmitArgs>),
    /// Every worker of the database: host, device, engine job, current job, last heartbeat.
    List(ListArgs),
    /// Stop running workers (all, or those named): each checkpoints and releases its job.
    Stop(StopArgs),
}

#[derive(Args)]
pub struct SubmitArgs {
    /// Submit to Slurm with sbatch.
    #[arg(long, conflicts_with = "local", required_unless_present = "local")]
    slurm: bool,
    /// Start the workers as processes on this machine.
    #[arg(long)]
    local: bool,
    /// Workers to start.
    #[arg(long, default_value_t = 1)]
    count: usize,
    /// The database the workers open (reachable from the nodes). Its password (or
    /// PGPASSWORD's) is written to a file only you can read in --log-dir, which the workers
    /// read through PGPASSFILE: it is on none of their command lines. Better still, leave it
    /// out of this URL and set PGPASSWORD or keep it in ~/.pgpass.
    #[arg(long)]
    db: String,
    #[arg(long)]
    partition: Option<String>,
    /// Generic resources per worker, e.g. gpu:1.
    #[arg(long)]
    gres: Option<String>,
    /// Time limit per worker, e.g. 2:00:00.
    #[arg(long)]
    time: Option<String>,
    /// Cores per worker (also its thread pool).
    #[arg(long)]
    cpus_per_task: Option<usize>,
    /// A command prefix that reaches the cluster, e.g. "ssh login-host".
    #[arg(long)]
    via: Option<String>,
    /// Only these sessions' jobs (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    sessions: Vec<String>,
    /// auto | cpu | gpu for every worker (default: each session's).
    #[arg(long, value_parser = ["auto", "cpu", "gpu"])]
    device: Option<String>,
    /// Seconds without a job before a worker exits.
    #[arg(long, default_value_t = 300)]
    idle_exit: u64,
    /// `database` or a directory every node mounts (default: the database's default).
    #[arg(long)]
    artifacts: Option<String>,
    /// The remap program on the nodes (default: this one's path; `remap` to use the
    /// nodes' PATH).
    #[arg(long)]
    remap: Option<String>,
    /// Where the workers' logs go, on a file system the nodes write (default: the current
    /// directory).
    #[arg(long)]
    log_dir: Option<PathBuf>,
}

#[derive(Args)]
pub struct ListArgs {
    /// One JSON object per worker (JSON Lines).
    #[arg(long)]
    json: bool,
    /// A command prefix that reaches the cluster for squeue/sacct, e.g. "ssh login-host".
    #[arg(long)]
    via: Option<String>,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args)]
pub struct StopArgs {
    /// Worker names or engine ids (default: every running worker).
    ids: Vec<String>,
    /// A command prefix that reaches the cluster for scancel, e.g. "ssh login-host".
    #[arg(long)]
    via: Option<String>,
    #[command(flatten)]
    db: DbArg,
}

/// `remap worker`.
pub fn worker(args: WorkerArgs) -> Result<ExitCode> {
    if args.stdio {
        remap_session::worker::serve_stdio().context("worker")?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(threads) = args.threads {
        if threads == 0 {
            bail!("--threads must be at least 1");
        }
        cluster::bound_threads(threads).context("cannot size the thread pool")?;
    }
    let db = args.db.clone().expect("clap requires --db without --stdio");
    let artifacts = args
        .artifacts
        .as_deref()
        .map(ArtifactStore::parse)
        .transpose()?;
    let mut options = WorkerOptions {
        sessions: args.sessions,
        overrides: TrainOverrides {
            device: args.device,
            batch: None,
        },
        idle_exit: args.idle_exit.map(Duration::from_secs),
        ..WorkerOptions::default()
    };
    options.engine_from_env();
    let terminate = Arc::new(AtomicBool::new(false));
    remap_session::worker::watch_sigterm(terminate.clone());
    runtime()?.block_on(async {
        let mut store = open_store(&DbArg { db: Some(db) }).await?;
        if let Some(artifacts) = artifacts {
            store = store.with_artifacts(artifacts);
        }
        let done = cluster::serve_database(store.clone(), options, terminate).await?;
        eprintln!("worker: {done} jobs trained");
        store.close().await?;
        Ok(ExitCode::SUCCESS)
    })
}

/// `remap workers …`.
pub fn run(command: WorkersCommand) -> Result<ExitCode> {
    match command {
        WorkersCommand::Submit(args) => submit(*args),
        WorkersCommand::List(args) => runtime()?.block_on(list(args)),
        WorkersCommand::Stop(args) => runtime()?.block_on(stop(args)),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn submit(args: SubmitArgs) -> Result<ExitCode> {
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    let program = match args.remap {
        Some(program) => program,
        None => std::env::current_exe()
            .context("cannot find this program; pass --remap")?
            .display()
            .to_string(),
    };
    let log_dir = match args.log_dir {
        Some(dir) => dir,
        None => std::env::current_dir().context("no current directory; pass --log-dir")?,
    };
    // The password (the URL's, else PGPASSWORD's) goes to a 0600 file beside the logs that
    // the workers read through PGPASSFILE; their command lines get the URL without it.
    let password = std::env::var("PGPASSWORD").ok();
    let (db, secret) = DbSecret::split(&args.db, password.as_deref(), &log_dir)?;
    let launch = WorkerLaunch {
        program,
        db,
        secret,
        sessions: args.sessions,
        device: args.device,
        threads: args.cpus_per_task,
        idle_exit: args.idle_exit,
        artifacts: args.artifacts,
        log_dir,
    };
    let engine: Box<dyn Engine> = if args.slurm {
        Box::new(Slurm {
            partition: args.partition,
            gres: args.gres,
            time: args.time,
            cpus_per_task: args.cpus_per_task,
            ..Slurm::via(args.via.as_deref())
        })
    } else {
        Box::new(Local)
    };
    let ids = engine.submit(&launch, args.count)?;
    println!("{}", ids.join("\n"));
    eprintln!(
        "{} {} worker(s) submitted; see them with `remap workers list --db …`",
        ids.len(),
        engine.name()
    );
    Ok(ExitCode::SUCCESS)
}

async fn list(args: ListArgs) -> Result<ExitCode> {
    let store = open_store(&args.db).await?;
    let slurm = Slurm::via(args.via.as_deref());
    let rows = cluster::workers(&store, &[&slurm, &Local]).await?;
    if args.json {
        for row in &rows {
            println!("{}", serde_json::to_string(row)?);
        }
        return Ok(ExitCode::SUCCESS);
    }
    // The database, its password masked.
    println!("database {}", store.location().display());
    println!(
        "{:<28} {:<16} {:<22} {:<6} {:<10} {:<9} {:<10} {:>6} {:>9}",
        "worker",
        "host",
        "device",
        "engine",
        "engine job",
        "status",
        "engine st",
        "job",
        "heartbeat"
    );
    let now = remap_store::now_ms();
    for row in &rows {
        let info = &row.info;
        println!(
            "{:<28} {:<16} {:<22} {:<6} {:<10} {:<9} {:<10} {:>6} {:>8}s",
            info.id,
            info.host,
            info.device,
            info.engine,
            info.engine_job.as_deref().unwrap_or("-"),
            row.status,
            row.engine_state.as_deref().unwrap_or("-"),
            info.current_job
                .map(|j| j.to_string())
                .unwrap_or_else(|| "-".into()),
            (now - info.heartbeat).max(0) / 1000,
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn stop(args: StopArgs) -> Result<ExitCode> {
    let store = open_store(&args.db).await?;
    let slurm = Slurm::via(args.via.as_deref());
    let stopped = cluster::stop_workers(&store, &[&slurm, &Local], &args.ids).await?;
    for row in &stopped {
        println!("{}", row.info.id);
    }
    eprintln!("{} worker(s) asked to stop", stopped.len());
    Ok(ExitCode::SUCCESS)
}
