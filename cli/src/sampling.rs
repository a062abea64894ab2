//! `remap sample`, `remap ablate`, `remap vary`: generating architectures (spec §3–§4).
//!
//! All three write JSON Lines to stdout, one architecture per line with its `params` and
//! `hash` (children also with `origin`, `parent` and `changes`); what was skipped or
//! dropped goes to stderr.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use remap_architecture::{Architecture, Input, LayerKind};
use remap_sampling::{
    AblationRequest, Generated, Operation, Restriction, Sampler, SearchSpace, VariationRequest,
    ablate, vary,
};
use serde::Serialize;

use crate::input::read_text;

#[derive(Args)]
pub struct SampleArgs {
    /// Input shape as HEIGHTxWIDTHxCHANNELS, e.g. 28x28x1.
    #[arg(long, value_parser = parse_input)]
    input: Input,
    /// Number of classes of the head.
    #[arg(long)]
    classes: u32,
    /// Number of architectures to write.
    #[arg(long)]
    count: usize,
    /// Seed: the same seed, space, input and classes give the same output.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// A built-in search space (remap-2019; residual, which adds residual blocks) or a JSON/TOML search-space file.
    #[arg(long, default_value = "remap-2019")]
    space: String,
    /// Models with more parameters are rejected and re-sampled.
    #[arg(long, default_value_t = remap_sampling::DEFAULT_MAX_PARAMS)]
    max_params: u64,
    /// End every chain after this many hidden layers (REMAP has no limit).
    #[arg(long)]
    max_depth: Option<usize>,
}

#[derive(Args)]
pub struct AblateArgs {
    /// The parent architecture (JSON); `-` reads stdin.
    file: PathBuf,
    /// Hidden layers to remove one at a time, e.g. 0,2 (default: all).
    #[arg(long, value_delimiter = ',')]
    layers: Option<Vec<usize>>,
    /// Children with more parameters are dropped (and counted on stderr).
    #[arg(long)]
    max_params: Option<u64>,
}

#[derive(Args)]
pub struct VaryArgs {
    /// The parent architecture (JSON); `-` reads stdin.
    file: PathBuf,
    /// Number of children.
    #[arg(long, default_value_t = 5)]
    count: usize,
    /// K: each child gets 1..K changes.
    #[arg(long, default_value_t = 3)]
    changes: usize,
    /// Seed of the random draws.
    #[arg(long, default_value_t = 0)]
    seed: u64,
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
    /// Children with more parameters are dropped (and counted on stderr).
    #[arg(long)]
    max_params: Option<u64>,
    /// A built-in search space (remap-2019; residual, which adds residual blocks) or a JSON/TOML search-space file.
    #[arg(long, default_value = "remap-2019")]
    space: String,
    /// Re-draws of one child before it is reported as not made.
    #[arg(long, default_value_t = remap_sampling::DEFAULT_MAX_ATTEMPTS)]
    max_attempts: usize,
}

fn parse_input(text: &str) -> Result<Input, String> {
    let dims: Vec<u32> = text
        .split(['x', 'X', '×'])
        .map(|d| d.trim().parse::<u32>().ok().filter(|&n| n > 0))
        .collect::<Option<_>>()
        .ok_or_else(|| format!("`{text}` is not HEIGHTxWIDTHxCHANNELS (e.g. 28x28x1)"))?;
    match dims[..] {
        [height, width, channels] => Ok(Input {
            height,
            width,
            channels,
        }),
        _ => Err(format!(
            "`{text}` is not HEIGHTxWIDTHxCHANNELS (e.g. 28x28x1)"
        )),
    }
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

/// One output line of `remap sample`.
#[derive(Serialize)]
struct Sampled<'a> {
    #[serde(flatten)]
    architecture: &'a Architecture,
    params: u64,
    hash: String,
}

pub fn sample(args: SampleArgs) -> Result<ExitCode> {
    let space = SearchSpace::from_name_or_file(&args.space)?;
    let mut sampler =
        Sampler::new(space, args.input, args.classes, args.seed).with_max_params(args.max_params);
    if let Some(depth) = args.max_depth {
        sampler = sampler.with_max_depth(depth);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    for _ in 0..args.count {
        let architecture = sampler.try_sample()?;
        let line = Sampled {
            params: architecture.params()?,
            hash: architecture.hash(),
            architecture: &architecture,
        };
        serde_json::to_writer(&mut out, &line)?;
        writeln!(out)?;
    }
    out.flush()?;
    let stats = sampler.stats();
    eprintln!(
        "sampled {} architectures; {} drawn models were over the cap of {} parameters ({:.1} %)",
        stats.accepted,
        stats.rejected_over_cap,
        args.max_params,
        stats.rejected_share() * 100.0
    );
    Ok(ExitCode::SUCCESS)
}

fn read_parent(file: &Path) -> Result<Architecture> {
    let text = read_text(file)?;
    Architecture::from_json(&text).with_context(|| format!("{}", file.display()))
}

fn write_generated(generated: &Generated) -> Result<ExitCode> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    for child in &generated.children {
        serde_json::to_writer(&mut out, child)?;
        writeln!(out)?;
    }
    out.flush()?;
    for skipped in &generated.skipped {
        eprintln!("skipped: {}", skipped.reason);
    }
    if generated.dropped_over_budget > 0 {
        eprintln!(
            "dropped {} children over the parameter budget",
            generated.dropped_over_budget
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn ablate_command(args: AblateArgs) -> Result<ExitCode> {
    let parent = read_parent(&args.file)?;
    let request = AblationRequest {
        layers: args.layers,
        max_params: args.max_params,
        existing: Vec::new(),
    };
    write_generated(&ablate(&parent, &request)?)
}

pub fn vary_command(args: VaryArgs) -> Result<ExitCode> {
    if args.changes == 0 {
        bail!("--changes must be at least 1");
    }
    let parent = read_parent(&args.file)?;
    let space = SearchSpace::from_name_or_file(&args.space)?;
    let request = VariationRequest {
        count: args.count,
        max_changes: args.changes,
        seed: args.seed,
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
    write_generated(&vary(&parent, &space, &request)?)
}
