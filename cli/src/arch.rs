//! `remap arch …`: checking architecture files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand};
use remap_architecture::{Analysis, Architecture, parse_many};
use serde_json::json;

use remap_session::ImportedNet;

use crate::input::{read_bytes, read_text};

#[derive(Subcommand)]
pub enum ArchCommand {
    /// Validate architectures and print each layer's output shape and parameters.
    ///
    /// Exits with status 1 if any architecture is invalid; valid ones in the same file are
    /// still reported, errors go to stderr.
    Check(CheckArgs),
    /// Import an ONNX model (from PyTorch, Keras, …) as an architecture (spec §10.4).
    ///
    /// Prints the layers, input shape, classes, parameters and what the import dropped,
    /// then the canonical architecture JSON. Weights are not imported. A node REMAP cannot
    /// express fails with status 1, naming its op and node and what to change.
    Import(ImportArgs),
}

#[derive(Args)]
pub struct ImportArgs {
    /// The `.onnx` file (or an architecture JSON); `-` reads stdin.
    file: PathBuf,
    /// Print only the canonical architecture JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct CheckArgs {
    /// File with one architecture, a JSON array of them, or JSON Lines; `-` reads stdin.
    file: PathBuf,
    /// Print one JSON object per architecture ({"params", "hash", "layers"}) instead of a table.
    #[arg(long)]
    json: bool,
}

pub fn run(cmd: ArchCommand) -> Result<ExitCode> {
    match cmd {
        ArchCommand::Check(args) => check(args),
        ArchCommand::Import(args) => import(args),
    }
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    let source = args.file.display().to_string();
    let text = read_text(&args.file)?;
    let items = parse_many(&text).map_err(|e| anyhow::anyhow!("{source}: {e}"))?;
    let mut failed = false;
    for item in items {
        let label = match &item.name {
            Some(name) => format!("{source} {} ({name})", item.location),
            None => format!("{source} {}", item.location),
        };
        match item.result {
            Ok(arch) => {
                let analysis = arch.analyze()?;
                if args.json {
                    println!("{}", report_json(&arch, &analysis));
                } else {
                    print_table(&label, &arch, &analysis);
                }
            }
            Err(e) => {
                failed = true;
                eprintln!("error: {label}: {e}");
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn import(args: ImportArgs) -> Result<ExitCode> {
    let source = args.file.display().to_string();
    let bytes = read_bytes(&args.file)?;
    let net = ImportedNet::read(&bytes).map_err(|e| anyhow::anyhow!("{source}: {e}"))?;
    let arch = &net.architecture;
    if !args.json {
        print_table(&source, arch, &arch.analyze()?);
        let i = arch.input;
        println!(
            "  input {}×{}×{} (height × width × channels), {} classes",
            i.height, i.width, i.channels, arch.classes
        );
        for note in &net.notes {
            println!("  note: {note}");
        }
    }
    println!("{}", arch.canonical_json());
    Ok(ExitCode::SUCCESS)
}

fn report_json(arch: &Architecture, analysis: &Analysis) -> serde_json::Value {
    json!({"params": analysis.params, "hash": arch.hash(), "layers": analysis.all().collect::<Vec<_>>()})
}

fn print_table(label: &str, arch: &Architecture, analysis: &Analysis) {
    println!("{label}: {}  [{}]", arch.summary(), arch.hash());
    println!(
        "  {:>3}  {:<22} {:>14} {:>12}",
        "#", "layer", "output", "params"
    );
    println!(
        "  {:>3}  {:<22} {:>14} {:>12}",
        "",
        "input",
        arch.input.shape().to_string(),
        ""
    );
    for (i, (layer, report)) in arch.layers.iter().zip(&analysis.layers).enumerate() {
        let text = match arch.inputs.get(&i) {
            None => layer.to_string(),
            Some(sources) => {
                let list: Vec<String> = sources.iter().map(|s| s.token()).collect();
                format!("{layer} ← {}", list.join(","))
            }
        };
        println!(
            "  {i:>3}  {:<22} {:>14} {:>12}",
            text,
            report.output.to_string(),
            report.params
        );
    }
    let head = &analysis.head;
    println!(
        "  {:>3}  {:<22} {:>14} {:>12}",
        "",
        format!("head dense({})", arch.classes),
        head.output.to_string(),
        head.params
    );
    println!("  total parameters: {}", analysis.params);
}
