//! `remap distance` and `remap project`: distance matrices and 2-D MDS layouts (spec §6).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use remap_architecture::parse_many;
use remap_metrics::{
    DistanceMatrix, OtmannNetwork, OtmannVariant, SmacofOptions, otmann::distance,
    prediction::check_predictions, prediction_distance, project, project_incremental,
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
            let mut nets = Vec::new();
            for item in parse_many(&text).with_context(|| format!("{source}: not architectures"))? {
                let arch = item
                    .result
                    .with_context(|| format!("{source} {}", item.location))?;
                nets.push(OtmannNetwork::new(&arch));
            }
            DistanceMatrix::build(&nets, |a, b| distance(variant, a, b))
        }
        Metric::Prediction => {
            let labels: Vec<Vec<u32>> = serde_json::from_str(&text).with_context(|| {
                format!("{source}: expected a JSON array of predicted-label arrays")
            })?;
            check_predictions(&labels).with_context(|| source.clone())?;
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
