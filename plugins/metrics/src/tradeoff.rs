//! The accuracy-vs-size view (spec §6.3) and its Pareto front.

use serde::{Deserialize, Serialize};

/// One model in the accuracy-vs-size view.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ModelScore {
    /// Validation accuracy in [0, 1].
    pub accuracy: f64,
    /// Trainable parameters.
    pub params: u64,
}

impl ModelScore {
    /// The Inspector's "accuracy per log₁₀ parameters" (spec §7): accuracy bought per decade
    /// of size. `None` for models with at most one parameter, where the logarithm is ≤ 0.
    pub fn accuracy_per_log_params(&self) -> Option<f64> {
        (self.params > 1).then(|| self.accuracy / (self.params as f64).log10())
    }
}

/// The view's coordinates: x = accuracy, y = log₁₀ parameters (a model with no parameters
/// is drawn at 0, as if it had one).
pub fn accuracy_size_coords(models: &[ModelScore]) -> Vec<[f64; 2]> {
    models
        .iter()
        .map(|m| [m.accuracy, (m.params.max(1) as f64).log10()])
        .collect()
}

/// Indices of the models on the Pareto front, by increasing parameter count: each has the
/// highest accuracy among all models with as many parameters or fewer, strictly higher than
/// every smaller model's. Of exact duplicates only the first index is kept.
pub fn pareto_front(models: &[ModelScore]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..models.len())
        .filter(|&i| !models[i].accuracy.is_nan())
        .collect();
    // Fewest parameters first; among equals the most accurate, then the first listed.
    order.sort_by(|&a, &b| {
        let (ma, mb) = (models[a], models[b]);
        ma.params
            .cmp(&mb.params)
            .then(mb.accuracy.total_cmp(&ma.accuracy))
            .then(a.cmp(&b))
    });
    let mut front = Vec::new();
    let mut best = f64::NEG_INFINITY;
    for i in order {
        if models[i].accuracy > best {
            best = models[i].accuracy;
            front.push(i);
        }
    }
    front
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_per_decade_of_parameters() {
        let score = |accuracy, params| ModelScore { accuracy, params };
        let ratio = score(0.9, 1000).accuracy_per_log_params().unwrap();
        assert!((ratio - 0.3).abs() < 1e-12, "{ratio}");
        assert_eq!(score(0.5, 1).accuracy_per_log_params(), None);
        assert_eq!(score(0.5, 0).accuracy_per_log_params(), None);
    }

    fn m(accuracy: f64, params: u64) -> ModelScore {
        ModelScore { accuracy, params }
    }

    #[test]
    fn coords_use_log10_params() {
        let c = accuracy_size_coords(&[m(0.5, 1000), m(0.9, 0)]);
        assert_eq!(c, [[0.5, 3.0], [0.9, 0.0]]);
    }

    #[test]
    fn front_keeps_models_no_smaller_model_beats() {
        let models = [
            m(0.80, 50_000),
            m(0.70, 10_000),
            m(0.75, 60_000), // dominated by index 0
            m(0.90, 200_000),
            m(0.80, 40_000),  // ties 0 with fewer params: 0 drops out
            m(0.60, 10_000),  // same size as 1, less accurate
            m(0.90, 200_000), // duplicate of 3
        ];
        assert_eq!(pareto_front(&models), [1, 4, 3]);
        assert!(pareto_front(&[]).is_empty());
    }
}
