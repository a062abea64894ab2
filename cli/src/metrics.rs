//! `remap distance`, `remap project` and `remap map`: distance matrices and 2-D MDS layouts
//! (spec §6, §10.2).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use remap_architecture::parse_many;
use remap_metrics::{
    DistanceMatrix, LandmarkOptions, MapMethod, OtmannNetwork, OtmannVariant, PackedPredictions,
    SmacofOptions, map, otmann::distance, prediction::check_predictions, prediction_distance,
    project, project_incremental,
};
use serde_json::{Value, json};

use crate::input::read_text;

/// Which distance `remap distance` computes.
#[derive(Clone, Copy, ValueEnum)]
pub enum Metric {
    /// OTMANN structural distance between architectures.
    Otmann,
    /// OTMANN divided by the two networks' total masses, in [0, 1].
    OtmannNormalized,
    /// Share of held-out images on which two models' predicted labels differ.
    Prediction,
}

#[derive(Args)]
pub struct DistanceArgs {
    /// Which distance to compute.
    #[arg(long, value_enum)]
    metric: Metric,
    /// Architectures (JSON array or JSON Lines) for OTMANN; a JSON array of equal-length
    /// label arrays for prediction. `-` reads stdin.
    file: PathBuf,
}

#[derive(Args)]
pub struct ProjectArgs {
    /// A square dissimilarity matrix as a JSON array of arrays; `-` reads stdin.
    file: PathBuf,
    /// Coordinates of the first models from an earlier layout (`[[x, y], …]` or the
    /// `{"coords": …}` that `remap project` prints): warm-start and align to them.
    #[arg(long, value_name = "COORDS.json")]
    previous: Option<PathBuf>,
}

#[derive(Args)]
pub struct MapArgs {
    /// Which distance to lay out.
    #[arg(long, value_enum)]
    metric: Metric,
    /// Architectures (JSON array or JSON Lines, as `remap sample` writes them) for OTMANN; a
    /// JSON array of equal-length label arrays for prediction. `-` reads stdin.
    file: PathBuf,
    /// Lay out by landmark MDS with this many landmarks, whatever the number of models
    /// (default: full SMACOF up to 2,000 models, 100 landmarks above).
    #[arg(long, value_name = "L")]
    landmarks: Option<usize>,
    /// Pairs sampled for a landmark layout's stress (all pairs when there are fewer).
    #[arg(long, default_value_t = LandmarkOptions::default().stress_pairs)]
    stress_pairs: usize,
    /// Write the JSON here instead of stdout.
    #[arg(long, value_name = "COORDS.json")]
    out: Option<PathBuf>,
}

/// Reads architectures and prepares each once for OTMANN; errors name the file and line.
fn read_networks(source: &str, text: &str) -> Result<Vec<OtmannNetwork>> {
    let mut nets = Vec::new();
    for item in parse_many(text).with_context(|| format!("{source}: not architectures"))? {
        let arch = item
            .result
            .with_context(|| format!("{source} {}", item.location))?;
        nets.push(OtmannNetwork::new(&arch));
    }
    Ok(nets)
}

fn read_labels(source: &str, text: &str) -> Result<Vec<Vec<u32>>> {
    let labels: Vec<Vec<u32>> = serde_json::from_str(text)
        .with_context(|| format!("{source}: expected a JSON array of predicted-label arrays"))?;
    check_predictions(&labels).with_context(|| source.to_string())?;
    Ok(labels)
}

/// Prints the distance matrix as a JSON array of arrays.
pub fn distance_command(args: DistanceArgs) -> Result<ExitCode> {
    let source = args.file.display().to_string();
    let text = read_text(&args.file)?;
    let matrix = match args.metric {
        Metric::Otmann | Metric::OtmannNormalized => {
            let variant = match args.metric {
                Metric::Otmann => OtmannVariant::Plain,
                _ => OtmannVariant::Normalized,
            };
            let nets = read_networks(&source, &text)?;
            DistanceMatrix::build(&nets, |a, b| distance(variant, a, b))
        }
        Metric::Prediction => {
            let labels = read_labels(&source, &text)?;
            DistanceMatrix::build(&labels, |a, b| {
                prediction_distance(a, b).expect("lengths were checked")
            })
        }
    };
    println!("{}", serde_json::to_string(&matrix.to_rows())?);
    Ok(ExitCode::SUCCESS)
}

/// Prints `{"coords": [[x, y], …], "stress": s}`; with `--previous`, how far the earlier
/// models moved goes to stderr.
pub fn project_command(args: ProjectArgs) -> Result<ExitCode> {
    let source = args.file.display().to_string();
    let rows: Vec<Vec<f64>> = serde_json::from_str(&read_text(&args.file)?)
        .with_context(|| format!("{source}: expected a JSON array of number arrays"))?;
    let matrix = DistanceMatrix::from_rows(&rows).with_context(|| source.clone())?;
    let options = SmacofOptions::default();
    let layout = match &args.previous {
        None => project(&matrix, options)?,
        Some(path) => {
            let previous = read_coords(path)?;
            let grown = project_incremental(&matrix, &previous, options)
                .with_context(|| format!("{} with {}", source, path.display()))?;
            eprintln!(
                "old points moved: median {:.4} ({:.2} % of the previous layout's diameter), max {:.4}",
                grown.moved.median,
                100.0 * grown.moved.median_relative(),
                grown.moved.max
            );
            grown.layout
        }
    };
    println!(
        "{}",
        json!({"coords": layout.coords, "stress": layout.stress})
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `{"coords": [[x, y], …], "stress": s, "method": "smacof" | "landmarks",
/// "landmarks": [i, …] | null}`: full SMACOF up to 2,000 models, landmark MDS above or with
/// `--landmarks` (whose stress is estimated from sampled pairs). The time taken goes to stderr.
pub fn map_command(args: MapArgs) -> Result<ExitCode> {
    let source = args.file.display().to_string();
    let text = read_text(&args.file)?;
    let started = std::time::Instant::now();
    let variant = match args.metric {
        Metric::Otmann => Some(OtmannVariant::Plain),
        Metric::OtmannNormalized => Some(OtmannVariant::Normalized),
        Metric::Prediction => None,
    };
    let (n, nets, packed) = match variant {
        Some(_) => {
            let nets = read_networks(&source, &text)?;
            (nets.len(), nets, PackedPredictions::default())
        }
        None => {
            let labels = read_labels(&source, &text)?;
            let classes = labels.iter().flatten().max().map_or(1, |&l| l + 1);
            let packed =
                PackedPredictions::from_labels(classes, &labels).with_context(|| source.clone())?;
            (labels.len(), Vec::new(), packed)
        }
    };
    drop(text);
    let method = match args.landmarks {
        Some(0) => bail!("--landmarks must be at least 1"),
        Some(landmarks) => MapMethod::Landmarks(LandmarkOptions {
            landmarks,
            stress_pairs: args.stress_pairs,
            ..LandmarkOptions::default()
        }),
        None => match MapMethod::for_models(n) {
            MapMethod::Landmarks(options) => MapMethod::Landmarks(LandmarkOptions {
                stress_pairs: args.stress_pairs,
                ..options
            }),
            full => full,
        },
    };
    let d = |i: usize, j: usize| match variant {
        Some(v) => distance(v, &nets[i], &nets[j]),
        None => packed.distance(i, j),
    };
    let laid_out = map(n, d, method).with_context(|| format!("laying out {source}"))?;
    let name = match method {
        MapMethod::Smacof(_) => "smacof",
        MapMethod::Landmarks(_) => "landmarks",
    };
    let indices = laid_out.landmarks.as_ref().map(|l| &l.indices);
    let json = json!({
        "coords": laid_out.coords,
        "stress": laid_out.stress,
        "method": name,
        "landmarks": indices,
    });
    match &args.out {
        Some(path) => std::fs::write(path, serde_json::to_vec(&json)?)
            .with_context(|| format!("writing {}", path.display()))?,
        None => println!("{json}"),
    }
    eprintln!(
        "{n} models laid out by {name} in {:.2} s, stress {:.4}{}",
        started.elapsed().as_secs_f64(),
        laid_out.stress,
        match &laid_out.landmarks {
            Some(l) => format!(" (estimated; {} landmarks)", l.indices.len()),
            None => String::new(),
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn read_coords(path: &Path) -> Result<Vec<[f64; 2]>> {
    let value: Value = serde_json::from_str(&read_text(path)?)
        .with_context(|| format!("{}: not JSON", path.display()))?;
    let coords = match value {
        Value::Object(mut o) => o.remove("coords").unwrap_or(Value::Null),
        v => v,
    };
    match serde_json::from_value(coords) {
        Ok(c) => Ok(c),
        Err(e) => bail!(
            "{}: expected [[x, y], …] or {{\"coords\": [[x, y], …]}}: {e}",
            path.display()
        ),
    }
}
