use thiserror::Error;

use crate::{Shape, Source};

/// Why an architecture was rejected. Every variant names where the problem is.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ArchError {
    /// The text is not valid JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// A top-level field is missing or wrong.
    #[error("field `{field}`: {reason}")]
    Top { field: String, reason: String },
    /// A layer has an unknown `type`.
    #[error(
        "layer {layer}: unknown layer type `{found}` (expected one of conv2d, maxpool2d, avgpool2d, dense, activation, dropout, add, concat)"
    )]
    UnknownType { layer: usize, found: String },
    /// A layer has a field its type does not take.
    #[error("layer {layer} ({kind}): unknown field `{field}` (allowed: {allowed})")]
    UnknownField {
        layer: usize,
        kind: String,
        field: String,
        allowed: String,
    },
    /// A layer's field is missing or has a bad value.
    #[error("layer {layer} ({kind}): field `{field}`: {reason}")]
    Field {
        layer: usize,
        kind: String,
        field: String,
        reason: String,
    },
    /// A layer reads a layer that does not come before it.
    #[error(
        "layer {layer} ({description}) reads layer {reads}, which does not come before it (inputs are earlier layers or \"input\")"
    )]
    ForwardReference {
        layer: usize,
        description: String,
        reads: usize,
    },
    /// A layer's output reaches nothing: no later layer reads it.
    #[error(
        "layer {layer} ({description}) is read by no later layer, so it never reaches the head (layer {next} reads {next_reads} instead)"
    )]
    Dangling {
        layer: usize,
        description: String,
        next: usize,
        next_reads: String,
    },
    /// The inputs of a merge do not fit together.
    #[error(
        "layer {layer} ({description}): {first} gives {first_shape} but {other} gives {other_shape} ({rule})"
    )]
    Mismatch {
        layer: usize,
        description: String,
        first: Source,
        first_shape: Shape,
        other: Source,
        other_shape: Shape,
        rule: &'static str,
    },
    /// A conv or pool layer does not fit the shape coming into it.
    #[error("layer {layer} ({description}) does not fit its input: {source}")]
    DoesNotFit {
        layer: usize,
        description: String,
        source: FitError,
    },
}

/// Why one layer cannot follow the shape coming into it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FitError {
    /// The window (kernel or pool size) is larger than the feature map.
    #[error(
        "a {window}×{window} window needs a feature map of at least {window}×{window}, but the input is {input}"
    )]
    WindowTooLarge { window: u32, input: Shape },
    /// A spatial layer follows a dense layer, whose output is a vector.
    #[error("a spatial layer cannot follow a dense layer (its input is the vector {input})")]
    AfterDense { input: Shape },
}

impl ArchError {
    /// The index of the hidden layer the error is about, if any.
    pub fn layer(&self) -> Option<usize> {
        match self {
            ArchError::UnknownType { layer, .. }
            | ArchError::UnknownField { layer, .. }
            | ArchError::Field { layer, .. }
            | ArchError::DoesNotFit { layer, .. }
            | ArchError::ForwardReference { layer, .. }
            | ArchError::Dangling { layer, .. }
            | ArchError::Mismatch { layer, .. } => Some(*layer),
            ArchError::Json { .. } | ArchError::Top { .. } => None,
        }
    }
}
