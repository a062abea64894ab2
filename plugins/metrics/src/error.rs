use thiserror::Error;

/// What went wrong computing a distance or a projection.
#[derive(Debug, Error, PartialEq)]
pub enum MetricsError {
    /// Two prediction vectors cannot be compared.
    #[error(
        "prediction vectors differ in length: model {a} has {len_a} labels, model {b} has {len_b}"
    )]
    PredictionLength {
        a: usize,
        b: usize,
        len_a: usize,
        len_b: usize,
    },
    /// A prediction distance needs at least one held-out image.
    #[error("prediction vectors are empty: there is no held-out image to compare on")]
    NoPredictions,
    /// A matrix given as rows is not square.
    #[error(
        "distance matrix row {row} has {len} entries, expected {expected} (the matrix must be square)"
    )]
    NotSquare {
        row: usize,
        len: usize,
        expected: usize,
    },
    /// A matrix entry is unusable as a dissimilarity.
    #[error("distance matrix entry [{row}][{col}] is {value}: {why}")]
    BadEntry {
        row: usize,
        col: usize,
        value: f64,
        why: &'static str,
    },
    /// Previous coordinates do not fit the matrix they should seed.
    #[error(
        "{previous} previous coordinates for a matrix of {n} models: an incremental layout needs at least one and at most {n}"
    )]
    PreviousCoords { previous: usize, n: usize },
    /// A predicted label is not one of the data set's classes.
    #[error(
        "model {model} predicts label {label} for held-out image {image}, but there are only {classes} classes"
    )]
    LabelOutOfRange {
        model: usize,
        image: usize,
        label: u32,
        classes: u32,
    },
    /// A distance function gave a value no layout can use.
    #[error(
        "the distance between models {i} and {j} is {value}: it must be finite and non-negative"
    )]
    BadDistance { i: usize, j: usize, value: f64 },
    /// The eigensolver behind classical MDS failed.
    #[error("classical MDS initialisation failed: {0}")]
    Eigen(String),
}
