//! What a finished run reports about the held-out images: predictions, confusion matrix and
//! per-class accuracy.

use serde::{Deserialize, Serialize};

/// Per-class results on the held-out set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassResults {
    /// Accuracy per class; `None` for a class with no held-out image.
    pub per_class_accuracy: Vec<Option<f64>>,
    /// Rows are true classes, columns predicted classes.
    pub confusion: Vec<Vec<u64>>,
}

impl ClassResults {
    /// Results of `predictions` against `labels` (same order) for `classes` classes.
    pub fn new(labels: &[u32], predictions: &[u32], classes: usize) -> Self {
        let confusion = confusion(labels, predictions, classes);
        let per_class_accuracy = confusion
            .iter()
            .enumerate()
            .map(|(c, row)| {
                let total: u64 = row.iter().sum();
                (total > 0).then(|| row[c] as f64 / total as f64)
            })
            .collect();
        Self {
            per_class_accuracy,
            confusion,
        }
    }
}

/// Confusion matrix: `m[true][predicted]` counts.
pub fn confusion(labels: &[u32], predictions: &[u32], classes: usize) -> Vec<Vec<u64>> {
    assert_eq!(labels.len(), predictions.len(), "one prediction per label");
    let mut m = vec![vec![0u64; classes]; classes];
    for (&t, &p) in labels.iter().zip(predictions) {
        m[t as usize][p as usize] += 1;
    }
    m
}

/// Fraction of predictions equal to their label.
pub fn accuracy(labels: &[u32], predictions: &[u32]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let right = labels
        .iter()
        .zip(predictions)
        .filter(|(a, b)| a == b)
        .count();
    right as f64 / labels.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_rows_are_true_classes() {
        let m = confusion(&[0, 0, 1, 2], &[0, 1, 1, 0], 3);
        assert_eq!(m, vec![vec![1, 1, 0], vec![0, 1, 0], vec![1, 0, 0]]);
    }

    #[test]
    fn per_class_accuracy_and_missing_classes() {
        let r = ClassResults::new(&[0, 0, 1, 1], &[0, 1, 1, 1], 3);
        assert_eq!(r.per_class_accuracy, vec![Some(0.5), Some(1.0), None]);
        assert_eq!(accuracy(&[0, 0, 1, 1], &[0, 1, 1, 1]), 0.75);
    }
}
