//! Metric SMACOF on precomputed dissimilarities (spec §6.3).
//!
//! Written by hand: linfa has no MDS, and the Guttman transform is a single pass over the
//! packed matrix, parallel over rows with per-thread accumulators.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::matrix::row_blocks;
use crate::torgerson::torgerson;
use crate::{DistanceMatrix, MetricsError};

/// When SMACOF stops.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SmacofOptions {
    /// Stop once the raw stress changes by less than this, relative to the previous stress.
    pub eps: f64,
    /// Stop after this many Guttman transforms at the latest.
    pub max_iter: usize,
}

impl Default for SmacofOptions {
    fn default() -> Self {
        SmacofOptions {
            eps: 1e-9,
            max_iter: 3000,
        }
    }
}

/// A 2-D layout of models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// One point per model, in matrix order.
    pub coords: Vec<[f64; 2]>,
    /// Kruskal's stress-1 of these coordinates against the dissimilarities.
    pub stress: f64,
    /// Guttman transforms performed.
    pub iterations: usize,
}

/// Projects a dissimilarity matrix to 2-D: classical MDS, then SMACOF from it.
pub fn project(d: &DistanceMatrix, options: SmacofOptions) -> Result<Layout, MetricsError> {
    let start = torgerson(d)?;
    Ok(smacof(d, start, options))
}

/// Runs SMACOF from `start` (one point per model) until the stopping rule of `options`.
pub fn smacof(d: &DistanceMatrix, start: Vec<[f64; 2]>, options: SmacofOptions) -> Layout {
    let n = d.len();
    assert_eq!(start.len(), n, "one starting point per model");
    let mut x = start;
    let mut previous = f64::INFINITY;
    let mut iterations = 0;
    while n > 1 && iterations < options.max_iter {
        let (raw, next) = guttman(d, &x);
        iterations += 1;
        x = next;
        let converged = raw == 0.0 || (previous - raw).abs() < options.eps * previous;
        previous = raw;
        if converged {
            break;
        }
    }
    let stress = kruskal_stress(d, &x);
    Layout {
        coords: x,
        stress,
        iterations,
    }
}

/// One Guttman transform X⁺ = n⁻¹·B(X)·X, returning the raw stress Σ (dᵢⱼ(X) − δᵢⱼ)² of X too.
fn guttman(d: &DistanceMatrix, x: &[[f64; 2]]) -> (f64, Vec<[f64; 2]>) {
    let n = d.len();
    let parts: Vec<(f64, Vec<[f64; 2]>)> = row_blocks(n)
        .into_par_iter()
        .map(|rows| {
            let (mut stress, mut acc) = (0.0, vec![[0.0; 2]; n]);
            for i in rows {
                let xi = x[i];
                for (j, &delta) in d.lower_row(i).iter().enumerate() {
                    let dx = xi[0] - x[j][0];
                    let dy = xi[1] - x[j][1];
                    let dist = (dx * dx + dy * dy).sqrt();
                    stress += (dist - delta) * (dist - delta);
                    if dist > 0.0 {
                        let b = delta / dist;
                        acc[i][0] += b * dx;
                        acc[i][1] += b * dy;
                        acc[j][0] -= b * dx;
                        acc[j][1] -= b * dy;
                    }
                }
            }
            (stress, acc)
        })
        .collect();
    let mut stress = 0.0;
    let mut bx = vec![[0.0; 2]; n];
    for (s, acc) in parts {
        stress += s;
        for (p, q) in bx.iter_mut().zip(acc) {
            p[0] += q[0];
            p[1] += q[1];
        }
    }
    let inv = 1.0 / n as f64;
    (
        stress,
        bx.into_iter().map(|p| [p[0] * inv, p[1] * inv]).collect(),
    )
}

/// Kruskal's stress-1: √(Σ (dᵢⱼ − δᵢⱼ)² / Σ dᵢⱼ²) over pairs i < j, dᵢⱼ the layout distances.
pub fn kruskal_stress(d: &DistanceMatrix, x: &[[f64; 2]]) -> f64 {
    let parts: Vec<(f64, f64)> = row_blocks(d.len())
        .into_par_iter()
        .map(|rows| {
            let mut s = (0.0, 0.0);
            for i in rows {
                for (j, &delta) in d.lower_row(i).iter().enumerate() {
                    let dist = ((x[i][0] - x[j][0]).powi(2) + (x[i][1] - x[j][1]).powi(2)).sqrt();
                    s.0 += (dist - delta).powi(2);
                    s.1 += dist * dist;
                }
            }
            s
        })
        .collect();
    let (num, den) = parts.iter().fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    if den > 0.0 {
        (num / den).sqrt()
    } else if num > 0.0 {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dist(a: &[f64], b: &[f64]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(p, q)| (p - q).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    #[test]
    fn planar_points_are_reproduced_with_zero_stress() {
        let pts: Vec<[f64; 2]> = (0..30)
            .map(|i| [f64::from(i % 7), f64::from(i / 7)])
            .collect();
        let d = DistanceMatrix::build(&pts, |a, b| dist(a, b));
        let layout = project(&d, SmacofOptions::default()).unwrap();
        assert!(layout.stress < 1e-6, "{}", layout.stress);
    }

    #[test]
    fn smacof_lowers_the_stress_of_its_start() {
        // Points on a 3-D helix cannot be drawn exactly in 2-D.
        let pts: Vec<[f64; 3]> = (0..60)
            .map(|i| {
                let t = f64::from(i) * 0.4;
                [t.cos(), t.sin(), 0.1 * t]
            })
            .collect();
        let d = DistanceMatrix::build(&pts, |a, b| dist(a, b));
        let start = torgerson(&d).unwrap();
        let before = kruskal_stress(&d, &start);
        let layout = smacof(&d, start, SmacofOptions::default());
        assert!(layout.stress < before, "{} !< {before}", layout.stress);
        assert!(layout.iterations > 1 && layout.iterations < 3000);
        let again = project(&d, SmacofOptions::default()).unwrap();
        assert_eq!(again, layout, "projection is deterministic");
    }

    #[test]
    fn tiny_inputs() {
        let d = DistanceMatrix::new();
        assert!(
            project(&d, SmacofOptions::default())
                .unwrap()
                .coords
                .is_empty()
        );
        let d = DistanceMatrix::from_rows(&[vec![0.0, 2.0], vec![2.0, 0.0]]).unwrap();
        let l = project(&d, SmacofOptions::default()).unwrap();
        assert!(l.stress < 1e-12);
        assert!((dist(&l.coords[0], &l.coords[1]) - 2.0).abs() < 1e-12);
    }
}
