use std::path::PathBuf;

use remap_architecture::ArchError;
use thiserror::Error;

/// What went wrong while loading a search space or generating models. Every variant names
/// the file, table row, grid or layer it is about.
#[derive(Debug, Error)]
pub enum SamplingError {
    /// A search-space file could not be read.
    #[error("cannot read search space {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A search-space file is not valid JSON/TOML or has wrong fields.
    #[error("search space {path}: {message}")]
    Parse { path: PathBuf, message: String },
    /// A search space breaks a rule (unknown type, empty grid, a row that cannot end, …).
    #[error("search space: {0}")]
    Space(#[from] SpaceError),
    /// The parent of an ablation or variation is not a valid architecture.
    #[error("parent architecture: {0}")]
    Parent(#[from] ArchError),
    /// A request names a layer the parent does not have.
    #[error("layer {layer} does not exist (the parent has {len} hidden layers{slot})",
        slot = if *allows_head_slot { format!("; {len} is the slot before the head") } else { String::new() })]
    NoSuchLayer {
        layer: usize,
        len: usize,
        allows_head_slot: bool,
    },
    /// A request's numbers are out of range.
    #[error("{field}: {reason}")]
    Request { field: &'static str, reason: String },
}

/// A rule of the search-space format that a space breaks; names the table row or grid.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SpaceError {
    /// A table row or its list names a type that does not exist.
    #[error(
        "{table} table, row `{row}`: unknown layer type `{found}` (expected one of conv2d, maxpool2d, avgpool2d, dense, activation, dropout{extra})"
    )]
    UnknownType {
        table: &'static str,
        row: String,
        found: String,
        extra: &'static str,
    },
    /// A row lists nothing.
    #[error("{table} table, row `{row}`: the list is empty")]
    EmptyRow { table: &'static str, row: String },
    /// A grid has no values.
    #[error("grid `{kind}.{param}` is empty")]
    EmptyGrid {
        kind: &'static str,
        param: &'static str,
    },
    /// A grid value is out of range.
    #[error("grid `{kind}.{param}`: {reason}")]
    BadGridValue {
        kind: &'static str,
        param: &'static str,
        reason: String,
    },
    /// A type is listed in a table but has no hyperparameter grid.
    #[error("{table} table, row `{row}` lists `{kind}`, which has no grid")]
    MissingGrid {
        table: &'static str,
        row: String,
        kind: &'static str,
    },
    /// A type is listed but the table has no row saying what may follow it.
    #[error(
        "{table} table, row `{row}` lists `{kind}`, but the {next_table} table has no `{kind}` row"
    )]
    MissingRow {
        table: &'static str,
        row: String,
        kind: &'static str,
        next_table: &'static str,
    },
    /// A conv or pool is listed after a dense layer, where it can never fit.
    #[error(
        "post_dense table, row `{row}` lists `{kind}`, a spatial layer, which cannot follow a dense layer"
    )]
    SpatialAfterDense { row: String, kind: &'static str },
    /// Following the row's lists can never reach `end`.
    #[error("{table} table, row `{row}`: no sequence of draws from this row reaches `end`")]
    NoEnd { table: &'static str, row: String },
    /// The pre-dense table has no `start` row.
    #[error("pre_dense table has no `start` row")]
    NoStart,
    /// A table lists a merge, which needs inputs a table cannot give.
    #[error(
        "{table} table, row `{row}` lists `{kind}`: merges are not drawn from tables (a `[residual]` section samples skips)"
    )]
    MergeInTable {
        table: &'static str,
        row: String,
        kind: &'static str,
    },
    /// The `[residual]` section is wrong.
    #[error("residual: {reason}")]
    BadResidual { reason: String },
}
