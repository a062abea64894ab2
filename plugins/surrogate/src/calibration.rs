//! How far to trust the surrogate: rank correlation and coverage of predicted against actual
//! accuracies (the calibration view of spec §10.1).

use serde::{Deserialize, Serialize};

use crate::Prediction;

/// Spearman's rank correlation of two equally long samples (ties get their mean rank);
/// `None` when there are fewer than two pairs, the lengths differ or a sample is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    pearson(&ranks(a), &ranks(b))
}

/// Ranks from 1, ties sharing their mean rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && values[order[end]] == values[order[start]] {
            end += 1;
        }
        let mean_rank = (start + end + 1) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = mean_rank;
        }
        start = end;
    }
    ranks
}

fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// Predicted against actual accuracies, summarised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// How many models were compared.
    pub count: usize,
    /// Spearman's ρ of predicted means and actual accuracies (`None` below two models or
    /// when either side is constant).
    pub spearman: Option<f64>,
    /// Share of models whose actual accuracy lies within one standard deviation of the mean.
    pub within_one_sigma: f64,
    /// Share within two standard deviations.
    pub within_two_sigma: f64,
}

impl Calibration {
    /// Compares each prediction with the accuracy the model then reached.
    pub fn of(pairs: &[(Prediction, f64)]) -> Calibration {
        let share = |k: f64| {
            if pairs.is_empty() {
                return 0.0;
            }
            let inside = pairs
                .iter()
                .filter(|(p, actual)| (actual - p.mean).abs() <= k * p.std)
                .count();
            inside as f64 / pairs.len() as f64
        };
        let predicted: Vec<f64> = pairs.iter().map(|(p, _)| p.mean).collect();
        let actual: Vec<f64> = pairs.iter().map(|(_, a)| *a).collect();
        Calibration {
            count: pairs.len(),
            spearman: spearman(&predicted, &actual),
            within_one_sigma: share(1.0),
            within_two_sigma: share(2.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_of_monotone_reversed_and_tied_samples() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(spearman(&a, &[10.0, 20.0, 25.0, 100.0]), Some(1.0));
        assert_eq!(spearman(&a, &[4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        // Ranks (1, 2, 3, 4) against (1.5, 1.5, 3, 4): ρ = 4.5 / √(5 · 4.5).
        let tied = spearman(&a, &[0.0, 0.0, 1.0, 2.0]).unwrap();
        assert!((tied - 4.5 / (5.0f64 * 4.5).sqrt()).abs() < 1e-12);
        assert_eq!(spearman(&a, &[1.0; 4]), None);
        assert_eq!(spearman(&a, &[1.0; 3]), None);
    }

    #[test]
    fn calibration_counts_shares_inside_one_and_two_sigma() {
        let p = |mean| Prediction { mean, std: 0.1 };
        let pairs = [
            (p(0.5), 0.55),
            (p(0.6), 0.75),
            (p(0.7), 0.95),
            (p(0.8), 0.8),
        ];
        let c = Calibration::of(&pairs);
        assert_eq!(c.count, 4);
        assert_eq!(c.within_one_sigma, 0.5);
        assert_eq!(c.within_two_sigma, 0.75);
        // Ranks (1, 2, 3, 4) against (1, 2, 4, 3): ρ = 1 − 6·2/(4·15).
        assert!((c.spearman.unwrap() - 0.8).abs() < 1e-12);
    }
}
