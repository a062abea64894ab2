//! `remap surrogate`: the predicted accuracy of untrained nets from trained ones (spec §10.1).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use remap_architecture::{Architecture, parse_many};
use remap_surrogate::{DistanceCache, FitOptions, Observation, Surrogate};
use serde_json::{Value, json};

use crate::input::read_text;

#[derive(Args)]
pub struct SurrogateArgs {
    /// Trained models, one JSON object per line: {"architecture": {…}, "accuracy": 0.83},
    /// optionally with "epochs" and "max_epochs" for a partially trained model.
    #[arg(long, value_name = "OBS.jsonl")]
    observations: PathBuf,
    /// Nets to predict: one architecture per line (as `remap sample` writes them), a JSON
    /// array or one architecture; `-` reads stdin.
    #[arg(long, value_name = "NETS.jsonl")]
    query: PathBuf,
    /// One JSON line per query ({"hash", "params", "mean", "std"}) instead of a table.
    #[arg(long)]
    json: bool,
}

/// Fits the surrogate to the observations and prints each query's mean and standard
/// deviation, in order.
pub fn surrogate_command(args: SurrogateArgs) -> Result<ExitCode> {
    let observations = read_observations(&args.observations)?;
    let source = args.query.display().to_string();
    let mut queries = Vec::new();
    for item in parse_many(&read_text(&args.query)?)
        .with_context(|| format!("{source}: not architectures"))?
    {
        queries.push(
            item.result
                .with_context(|| format!("{source} {}", item.location))?,
        );
    }
    let surrogate = Surrogate::fit(&observations, DistanceCache::new(), FitOptions::default())
        .with_context(|| format!("fitting to {}", args.observations.display()))?;
    let predictions = surrogate.predict_many(&queries)?;
    eprintln!(
        "fitted to {} observations (log marginal likelihood {:.2})",
        surrogate.observations(),
        surrogate.log_marginal_likelihood()
    );
    let mut out = BufWriter::new(std::io::stdout().lock());
    if !args.json {
        writeln!(
            out,
            "{:>4}  {:<16}  {:>9}  {:>6}  {:>6}  summary",
            "#", "hash", "params", "mean", "std"
        )?;
    }
    for (i, (arch, p)) in queries.iter().zip(&predictions).enumerate() {
        let params = arch.params()?;
        if args.json {
            let line = json!({"hash": arch.hash(), "params": params, "mean": p.mean, "std": p.std});
            writeln!(out, "{line}")?;
        } else {
            writeln!(
                out,
                "{:>4}  {:<16}  {:>9}  {:>6.3}  {:>6.3}  {}",
                i + 1,
                arch.hash(),
                params,
                p.mean,
                p.std,
                arch.summary()
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads `{"architecture": …, "accuracy": …[, "epochs": …, "max_epochs": …]}` lines; an
/// error names the file and the line.
fn read_observations(path: &Path) -> Result<Vec<Observation>> {
    let text = read_text(path)?;
    let mut observations = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{} line {}", path.display(), n + 1);
        let value: Value =
            serde_json::from_str(line).with_context(|| format!("{}: not JSON", at()))?;
        observations.push(observation(&value).with_context(at)?);
    }
    if observations.is_empty() {
        bail!("{}: no observations", path.display());
    }
    Ok(observations)
}

fn observation(value: &Value) -> Result<Observation> {
    let Some(architecture) = value.get("architecture") else {
        bail!("missing \"architecture\"");
    };
    let architecture = Architecture::from_value(architecture)
        .and_then(|a| a.analyze().map(|_| a))
        .context("architecture")?;
    let accuracy = match value.get("accuracy").and_then(Value::as_f64) {
        Some(a) if (0.0..=1.0).contains(&a) => a,
        Some(a) => bail!("accuracy {a} is not in [0, 1]"),
        None => bail!("missing \"accuracy\" (a number in [0, 1])"),
    };
    let observation = Observation::new(architecture, accuracy);
    let epochs = |key: &str| -> Result<Option<u32>> {
        match value.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_u64().and_then(|e| u32::try_from(e).ok()) {
                Some(e) => Ok(Some(e)),
                None => bail!("\"{key}\" must be a whole number of epochs, found {v}"),
            },
        }
    };
    match (epochs("epochs")?, epochs("max_epochs")?) {
        (None, None) => Ok(observation),
        (Some(e), Some(max)) if (1..=max).contains(&e) => Ok(observation.with_epochs(e, max)),
        (Some(e), Some(max)) => bail!("{e} of {max} epochs: need 1 ≤ epochs ≤ max_epochs"),
        _ => bail!("give both \"epochs\" and \"max_epochs\", or neither"),
    }
}
