//! `remap`: REMAP without a window — check architectures, sample, generate children, train,
//! measure distances and project, for batch work and scripting.

mod arch;
mod export;
mod input;
mod metrics;
mod sampling;
mod session;
mod surrogate;
mod training;
mod workers;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc keeps freed tensors' pages for the next batch; glibc's malloc returns them to the
/// kernel, and faulting them in again, zeroed, made small nets train at a third of the speed.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// REMAP: discover small, good CNNs for an image data set.
///
/// Logging goes to stderr and is filtered by the REMAP_LOG environment variable
/// (e.g. REMAP_LOG=debug, REMAP_LOG=remap_training=trace).
#[derive(Parser)]
#[command(name = "remap", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with architecture files (spec §2 JSON).
    #[command(subcommand)]
    Arch(arch::ArchCommand),
    /// Sample architectures from a search space (JSON Lines with params and hash).
    Sample(sampling::SampleArgs),
    /// Ablations: one child per selected layer with that layer removed (JSON Lines).
    Ablate(sampling::AblateArgs),
    /// Variations: children with 1..K random, restricted changes (JSON Lines).
    Vary(sampling::VaryArgs),
    /// Print a distance matrix (OTMANN or prediction) as JSON.
    Distance(metrics::DistanceArgs),
    /// Lay out a distance matrix in 2-D (metric MDS) as JSON coordinates and stress.
    Project(metrics::ProjectArgs),
    /// Predict untrained nets' accuracy (mean and standard deviation) from trained ones.
    Surrogate(surrogate::SurrogateArgs),
    /// Lay out models of any number in 2-D: architectures (or predictions) to coordinates and
    /// stress, landmark MDS above 2,000 models.
    Map(metrics::MapArgs),
    /// Train one architecture on a data set (spec §5) and save its results and weights.
    Train(training::TrainArgs),
    /// Predict held-out labels with the weights of a finished `remap train` run.
    Predict(training::PredictArgs),
    /// Export a trained model: architecture JSON, safetensors, ONNX, PyTorch module, model card.
    Export(export::ExportArgs),
    /// Sessions: sample, queue and train models headless (persisted in the session database).
    #[command(subcommand)]
    Session(session::SessionCommand),
    /// Train queue jobs as a worker process: on stdio (the app and `remap session run` start
    /// these) or claiming jobs from a database until stopped (a cluster's workers).
    Worker(workers::WorkerArgs),
    /// Workers on a Slurm cluster or this machine: submit, list, stop.
    #[command(subcommand)]
    Workers(workers::WorkersCommand),
}

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Arch(cmd) => arch::run(cmd),
        Command::Sample(args) => sampling::sample(args),
        Command::Ablate(args) => sampling::ablate_command(args),
        Command::Vary(args) => sampling::vary_command(args),
        Command::Distance(args) => metrics::distance_command(args),
        Command::Project(args) => metrics::project_command(args),
        Command::Surrogate(args) => surrogate::surrogate_command(args),
        Command::Map(args) => metrics::map_command(args),
        Command::Train(args) => training::run_train(args),
        Command::Predict(args) => training::run_predict(args),
        Command::Export(args) => export::run(args),
        Command::Session(cmd) => session::run(cmd),
        Command::Worker(args) => workers::worker(args),
        Command::Workers(cmd) => workers::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REMAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
