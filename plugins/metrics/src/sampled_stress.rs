//! Stress of a layout of many models from a seeded sample of pairs (spec §10.2): whether a
//! landmark map still fits, without the n(n − 1)/2 distances of the exact stress.

use rayon::prelude::*;

use crate::MetricsError;

/// Kruskal's stress-1, √(Σ (dᵢⱼ − δᵢⱼ)² / Σ dᵢⱼ²), over `pairs` pairs i ≠ j drawn with
/// replacement from a generator seeded by `seed`, or over all pairs when there are no more
/// than `pairs` of them (then it equals [`kruskal_stress`](crate::kruskal_stress)).
/// `d(i, j)` is called once per pair, in parallel; the sum runs in a fixed order, so the
/// estimate is reproducible.
pub fn sampled_stress(
    coords: &[[f64; 2]],
    d: impl Fn(usize, usize) -> f64 + Sync,
    pairs: usize,
    seed: u64,
) -> Result<f64, MetricsError> {
    let n = coords.len();
    let all = n * n.saturating_sub(1) / 2;
    let chosen: Vec<(usize, usize)> = if all <= pairs {
        (1..n).flat_map(|i| (0..i).map(move |j| (i, j))).collect()
    } else {
        let mut state = seed;
        let mut below = |bound: usize| (splitmix(&mut state) % bound as u64) as usize;
        (0..pairs)
            .map(|_| {
                let i = below(n);
                // j uniform over the n − 1 others.
                let j = below(n - 1);
                (i, if j >= i { j + 1 } else { j })
            })
            .collect()
    };
    let terms = chosen
        .par_iter()
        .map(|&(i, j)| {
            let delta = d(i, j);
            if !delta.is_finite() || delta < 0.0 {
                return Err(MetricsError::BadDistance { i, j, value: delta });
            }
            let dist = (coords[i][0] - coords[j][0]).hypot(coords[i][1] - coords[j][1]);
            Ok(((dist - delta).powi(2), dist * dist))
        })
        .collect::<Result<Vec<(f64, f64)>, _>>()?;
    let (num, den) = terms.iter().fold((0.0, 0.0), |a, t| (a.0 + t.0, a.1 + t.1));
    Ok(if den > 0.0 {
        (num / den).sqrt()
    } else if num > 0.0 {
        1.0
    } else {
        0.0
    })
}

/// Whether a layout whose stress was `laid_out` when it was computed, and is `now` after
/// models were placed into it, has drifted by more than `share` (0.1 = 10 %) and should be
/// laid out again.
pub fn has_drifted(laid_out: f64, now: f64, share: f64) -> bool {
    now > laid_out * (1.0 + share) + f64::EPSILON
}

/// SplitMix64: a small, fixed pseudo-random sequence (reproducible across platforms).
pub(crate) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DistanceMatrix, kruskal_stress};

    fn points(n: usize) -> Vec<[f64; 3]> {
        (0..n)
            .map(|i| {
                let t = i as f64 * 0.61;
                [t.sin() * 4.0, t.cos() * 2.0, (t * 0.3).sin() * 3.0]
            })
            .collect()
    }

    fn euclid3(a: [f64; 3], b: [f64; 3]) -> f64 {
        (0..3).map(|k| (a[k] - b[k]).powi(2)).sum::<f64>().sqrt()
    }

    #[test]
    fn equals_the_exact_stress_when_all_pairs_fit() {
        let pts = points(60);
        let flat: Vec<[f64; 2]> = pts.iter().map(|p| [p[0], p[1]]).collect();
        let d = |i: usize, j: usize| euclid3(pts[i], pts[j]);
        let exact = kruskal_stress(&DistanceMatrix::build(&pts, |a, b| euclid3(*a, *b)), &flat);
        let sampled = sampled_stress(&flat, d, 60 * 59 / 2, 1).unwrap();
        assert!((exact - sampled).abs() < 1e-12, "{exact} vs {sampled}");
        assert!(exact > 0.1);
    }

    #[test]
    fn a_sample_estimates_the_exact_stress() {
        let pts = points(1500);
        let flat: Vec<[f64; 2]> = pts.iter().map(|p| [p[0], p[1]]).collect();
        let d = |i: usize, j: usize| euclid3(pts[i], pts[j]);
        let exact = kruskal_stress(&DistanceMatrix::build(&pts, |a, b| euclid3(*a, *b)), &flat);
        let sampled = sampled_stress(&flat, d, 20_000, 7).unwrap();
        assert!((sampled / exact - 1.0).abs() < 0.05, "{sampled} vs {exact}");
        assert_eq!(sampled, sampled_stress(&flat, d, 20_000, 7).unwrap());
    }

    #[test]
    fn drift_is_a_share_of_the_stress() {
        assert!(!has_drifted(0.2, 0.21, 0.1));
        assert!(has_drifted(0.2, 0.23, 0.1));
        assert!(!has_drifted(0.0, 0.0, 0.1));
    }
}
