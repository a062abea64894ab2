//! The prediction distance (spec §6.1).

use crate::MetricsError;

/// Share of held-out images on which two models predict different labels, in [0, 1].
///
/// Both vectors list predicted labels in the data set's fixed held-out order.
pub fn prediction_distance(a: &[u32], b: &[u32]) -> Result<f64, MetricsError> {
    if a.len() != b.len() {
        return Err(MetricsError::PredictionLength {
            a: 0,
            b: 1,
            len_a: a.len(),
            len_b: b.len(),
        });
    }
    if a.is_empty() {
        return Err(MetricsError::NoPredictions);
    }
    let differ = a.iter().zip(b).filter(|(x, y)| x != y).count();
    Ok(differ as f64 / a.len() as f64)
}

/// Checks that every model has the same, non-zero number of predictions, naming the first
/// model that does not.
pub fn check_predictions(models: &[Vec<u32>]) -> Result<(), MetricsError> {
    let Some(first) = models.first() else {
        return Ok(());
    };
    if first.is_empty() {
        return Err(MetricsError::NoPredictions);
    }
    match models.iter().position(|m| m.len() != first.len()) {
        Some(k) => Err(MetricsError::PredictionLength {
            a: 0,
            b: k,
            len_a: first.len(),
            len_b: models[k].len(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_differing_labels() {
        assert_eq!(prediction_distance(&[1, 2, 3, 4], &[1, 0, 3, 0]), Ok(0.5));
        assert_eq!(prediction_distance(&[7, 7], &[7, 7]), Ok(0.0));
    }

    #[test]
    fn rejects_unequal_or_empty_vectors() {
        assert!(matches!(
            prediction_distance(&[1, 2], &[1]),
            Err(MetricsError::PredictionLength {
                len_a: 2,
                len_b: 1,
                ..
            })
        ));
        assert_eq!(
            prediction_distance(&[], &[]),
            Err(MetricsError::NoPredictions)
        );
        assert!(matches!(
            check_predictions(&[vec![1, 2], vec![1, 2], vec![3]]),
            Err(MetricsError::PredictionLength { b: 2, .. })
        ));
    }
}
