//! Landmark MDS: 2-D layouts of any number of models without an n × n matrix (spec §10.2).
//!
//! L landmarks are chosen, laid out by SMACOF on their own L × L matrix, and every other model
//! is placed from its distances to the landmarks alone: Gower's interpolation (de Silva &
//! Tenenbaum's landmark MDS) or the nearest landmark, whichever fits better, then a few
//! stress-majorisation steps of that one point against the landmarks. Memory is O(n·L) and the
//! distance function is called n·L times at most; a model added later is placed the same way
//! and moves no other.
//!
//! The first landmarks are chosen by max-min distance, which spans the extremes; the rest are
//! a seeded random draw, which follows the density. On 2,000 sampled nets (normalised OTMANN,
//! L = 100) all-max-min landmarks gave 1.78× full SMACOF's stress, max-min for the first 10
//! then drawn 1.06×: max-min picks outliers, and a point fitted to its distances to outliers
//! fits the bulk of the pairs badly. Refining against all landmarks rather than the nearest 10
//! was likewise 1.8× against 2.5–3.2×.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::sampled_stress::sampled_stress;
use crate::smacof::{SmacofOptions, project};
use crate::{DistanceMatrix, MetricsError};

/// How a landmark layout is made.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LandmarkOptions {
    /// Landmarks to choose, at least 1 (fewer when the models have fewer distinct positions).
    pub landmarks: usize,
    /// Landmarks chosen by max-min distance before the others are drawn at random (seeded).
    pub max_min: usize,
    /// Nearest landmarks each placed point is refined against (default: all).
    pub neighbours: usize,
    /// Stress-majorisation steps of the refinement.
    pub refinement_steps: usize,
    /// When SMACOF on the landmarks stops.
    pub smacof: SmacofOptions,
    /// Pairs sampled for the layout's stress estimate (all pairs when there are fewer).
    pub stress_pairs: usize,
}

impl Default for LandmarkOptions {
    fn default() -> Self {
        LandmarkOptions {
            landmarks: 100,
            max_min: 10,
            neighbours: usize::MAX,
            refinement_steps: 20,
            smacof: SmacofOptions::default(),
            stress_pairs: 100_000,
        }
    }
}

/// The landmarks of a layout: what placing a model needs, small enough to persist with it.
/// `indices` are the models' indices at layout time; whoever persists a map keeps the models
/// they stand for, and lays the map out afresh (new landmarks) once it has drifted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Landmarks {
    /// The landmark models' indices, in the order chosen.
    pub indices: Vec<usize>,
    /// Their coordinates, one per index.
    pub coords: Vec<[f64; 2]>,
    /// Nearest landmarks a placed point is refined against.
    pub neighbours: usize,
    /// Stress-majorisation steps of that refinement.
    pub refinement_steps: usize,
}

/// A landmark layout: every model's coordinates and the landmarks they were placed by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandmarkLayout {
    /// One point per model, in index order.
    pub coords: Vec<[f64; 2]>,
    /// The landmarks (whose points are in `coords` too).
    pub landmarks: Landmarks,
    /// Kruskal's stress-1 estimated from a sample of pairs ([`sampled_stress`]): the baseline
    /// against which later placements are checked for drift.
    pub stress: f64,
}

/// Seed of the pairs behind [`LandmarkLayout::stress`].
pub const STRESS_SEED: u64 = 0x5eed;

/// Lays out models `0..n` by landmark MDS; `d(i, j)` is their dissimilarity (finite, ≥ 0).
///
/// The first landmark is model 0, each next one of the first `max_min` the model farthest from
/// those chosen (ties to the lowest index), the rest a seeded draw among the models not on a
/// landmark, so the layout is deterministic. `d` is called in parallel, n·L times for pairs of
/// which one is a landmark, then `stress_pairs` times for the stress estimate.
pub fn landmark_layout(
    n: usize,
    d: impl Fn(usize, usize) -> f64 + Sync,
    options: LandmarkOptions,
) -> Result<LandmarkLayout, MetricsError> {
    let (indices, columns) = choose_landmarks(n, &d, options.landmarks, options.max_min)?;
    let count = indices.len();
    let mut lower = Vec::with_capacity(count * count.saturating_sub(1) / 2);
    for (a, &i) in indices.iter().enumerate() {
        lower.extend(columns[..a].iter().map(|column| column[i]));
    }
    let matrix = DistanceMatrix::from_packed(count, lower).expect("L(L − 1)/2 entries");
    let landmarks = Landmarks {
        coords: project(&matrix, options.smacof)?.coords,
        indices,
        neighbours: options.neighbours,
        refinement_steps: options.refinement_steps,
    };
    let placer = Placer::new(&landmarks);
    let mut coords: Vec<[f64; 2]> = (0..n)
        .into_par_iter()
        .map_init(
            || vec![0.0; count],
            |deltas, i| {
                for (delta, column) in deltas.iter_mut().zip(&columns) {
                    *delta = column[i];
                }
                placer.place(deltas)
            },
        )
        .collect();
    for (&i, &c) in landmarks.indices.iter().zip(&landmarks.coords) {
        coords[i] = c;
    }
    let stress = sampled_stress(&coords, &d, options.stress_pairs, STRESS_SEED)?;
    Ok(LandmarkLayout {
        coords,
        landmarks,
        stress,
    })
}

impl LandmarkLayout {
    /// Places models `self.coords.len()..n` (which `d` must know, by the same indices) from
    /// their distances to the landmarks, without moving any model already laid out.
    pub fn extend(
        &mut self,
        n: usize,
        d: impl Fn(usize, usize) -> f64 + Sync,
    ) -> Result<(), MetricsError> {
        let placer = Placer::new(&self.landmarks);
        let indices = &self.landmarks.indices;
        let placed: Vec<Result<[f64; 2], MetricsError>> = (self.coords.len()..n)
            .into_par_iter()
            .map(|i| {
                let deltas = indices
                    .iter()
                    .map(|&l| checked(i, l, d(i, l)))
                    .collect::<Result<Vec<f64>, _>>()?;
                Ok(placer.place(&deltas))
            })
            .collect();
        for p in placed {
            self.coords.push(p?);
        }
        Ok(())
    }
}

impl Landmarks {
    /// Where a model lands given its distances to the landmarks (in the order of `indices`).
    pub fn place(&self, to_landmarks: &[f64]) -> [f64; 2] {
        assert_eq!(
            to_landmarks.len(),
            self.indices.len(),
            "one distance per landmark"
        );
        Placer::new(self).place(to_landmarks)
    }
}

/// A distance the layout can use, or an error naming the pair.
fn checked(i: usize, j: usize, value: f64) -> Result<f64, MetricsError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(MetricsError::BadDistance { i, j, value })
    }
}

/// Seed of the landmarks drawn after the max-min ones.
const LANDMARK_SEED: u64 = 0x1a2b_3c4d;

/// The landmarks (`max_min` by max-min, the rest drawn) and each one's column of distances
/// to all n models.
fn choose_landmarks(
    n: usize,
    d: &(impl Fn(usize, usize) -> f64 + Sync),
    wanted: usize,
    max_min: usize,
) -> Result<(Vec<usize>, Vec<Vec<f64>>), MetricsError> {
    let mut nearest = vec![f64::INFINITY; n];
    let (mut indices, mut columns) = (Vec::new(), Vec::new());
    let mut state = LANDMARK_SEED;
    let mut next = 0;
    while indices.len() < wanted.max(1).min(n) {
        let column = (0..n)
            .into_par_iter()
            .map(|i| {
                if i == next {
                    Ok(0.0)
                } else {
                    checked(i, next, d(i, next))
                }
            })
            .collect::<Result<Vec<f64>, _>>()?;
        let mut farthest = (0, f64::NEG_INFINITY);
        for (i, (m, &v)) in nearest.iter_mut().zip(&column).enumerate() {
            *m = m.min(v);
            if *m > farthest.1 {
                farthest = (i, *m);
            }
        }
        indices.push(next);
        columns.push(column);
        // Every model sits on a landmark: another would duplicate one.
        if farthest.1 <= 0.0 {
            break;
        }
        next = farthest.0;
        if indices.len() >= max_min {
            // A seeded draw among the models not on a landmark (the farthest if none is hit).
            for _ in 0..64 {
                let r = (crate::sampled_stress::splitmix(&mut state) % n as u64) as usize;
                if nearest[r] > 0.0 {
                    next = r;
                    break;
                }
            }
        }
    }
    Ok((indices, columns))
}

/// Gower's interpolation against the landmarks' layout, then a local refinement.
struct Placer<'a> {
    landmarks: &'a Landmarks,
    centre: [f64; 2],
    /// The landmarks' coordinates about their centre.
    centred: Vec<[f64; 2]>,
    /// Their squared distances from the centre.
    norms: Vec<f64>,
    /// Pseudo-inverse of XᵀX (X the centred coordinates, L × 2).
    inverse_gram: [[f64; 2]; 2],
}

impl<'a> Placer<'a> {
    fn new(landmarks: &'a Landmarks) -> Self {
        let coords = &landmarks.coords;
        let count = coords.len().max(1) as f64;
        let sum = coords
            .iter()
            .fold([0.0, 0.0], |s, p| [s[0] + p[0], s[1] + p[1]]);
        let centre = [sum[0] / count, sum[1] / count];
        let centred: Vec<[f64; 2]> = coords
            .iter()
            .map(|p| [p[0] - centre[0], p[1] - centre[1]])
            .collect();
        let norms = centred.iter().map(|p| p[0] * p[0] + p[1] * p[1]).collect();
        let mut gram = [[0.0; 2]; 2];
        for p in &centred {
            for r in 0..2 {
                for c in 0..2 {
                    gram[r][c] += p[r] * p[c];
                }
            }
        }
        Placer {
            landmarks,
            centre,
            centred,
            norms,
            inverse_gram: pseudo_inverse(gram),
        }
    }

    /// Gower's interpolation or the nearest landmark's position, whichever fits the
    /// refinement's landmarks better, then the refinement. On distances that are not
    /// Euclidean in the plane the interpolation can land far out (δ² − ‖x‖² grows with δ
    /// while the landmarks' layout does not), and on the plane it is exact.
    fn place(&self, deltas: &[f64]) -> [f64; 2] {
        let gower = self.interpolate(deltas);
        let neighbours = self.neighbourhood(deltas);
        let Some(&nearest) = neighbours
            .iter()
            .min_by(|&&a, &&b| deltas[a].total_cmp(&deltas[b]).then(a.cmp(&b)))
        else {
            return gower;
        };
        let near = self.landmarks.coords[nearest];
        let start = if self.local_stress(near, &neighbours, deltas)
            < self.local_stress(gower, &neighbours, deltas)
        {
            near
        } else {
            gower
        };
        self.refine(start, &neighbours, deltas)
    }

    /// The point p whose squared distances to the landmarks fit δ² best in least squares:
    /// ‖p − xₐ‖² = ‖p‖² − 2·xₐᵀp + ‖xₐ‖² about the centre, where Σ xₐ = 0 removes ‖p‖², gives
    /// p = −½·(XᵀX)⁺·Xᵀ(δ² − ‖x‖²). With the landmarks' classical-MDS layout (XᵀX = Λ) it is de
    /// Silva & Tenenbaum's formula; with their SMACOF layout it places points in that frame,
    /// and exactly so when the distances are Euclidean in the plane.
    fn interpolate(&self, deltas: &[f64]) -> [f64; 2] {
        let mut v = [0.0; 2];
        for ((x, &norm), &delta) in self.centred.iter().zip(&self.norms).zip(deltas) {
            let w = delta * delta - norm;
            v = [v[0] + x[0] * w, v[1] + x[1] * w];
        }
        let g = &self.inverse_gram;
        [
            self.centre[0] - 0.5 * (g[0][0] * v[0] + g[0][1] * v[1]),
            self.centre[1] - 0.5 * (g[1][0] * v[0] + g[1][1] * v[1]),
        ]
    }

    /// The landmarks a point is refined against: its `neighbours` nearest (ties to the lower
    /// index), in index order.
    fn neighbourhood(&self, deltas: &[f64]) -> Vec<usize> {
        let k = self.landmarks.neighbours.min(deltas.len());
        let mut nearest: Vec<usize> = (0..deltas.len()).collect();
        if k < nearest.len() {
            nearest.select_nth_unstable_by(k.saturating_sub(1), |&a, &b| {
                deltas[a].total_cmp(&deltas[b]).then(a.cmp(&b))
            });
            nearest.truncate(k);
            nearest.sort_unstable();
        }
        nearest
    }

    /// Σₐ (‖p − xₐ‖ − δₐ)² over the landmarks `set`.
    fn local_stress(&self, p: [f64; 2], set: &[usize], deltas: &[f64]) -> f64 {
        set.iter()
            .map(|&a| {
                let x = self.landmarks.coords[a];
                ((p[0] - x[0]).hypot(p[1] - x[1]) - deltas[a]).powi(2)
            })
            .sum()
    }

    /// Guttman transforms of one point against the landmarks `set`, which stay fixed: each
    /// step lowers its local stress.
    fn refine(&self, mut p: [f64; 2], set: &[usize], deltas: &[f64]) -> [f64; 2] {
        if set.is_empty() {
            return p;
        }
        let coords = &self.landmarks.coords;
        for _ in 0..self.landmarks.refinement_steps {
            let mut next = [0.0; 2];
            for &a in set {
                let x = coords[a];
                let (dx, dy) = (p[0] - x[0], p[1] - x[1]);
                let dist = dx.hypot(dy);
                let b = if dist > 0.0 { deltas[a] / dist } else { 0.0 };
                next = [next[0] + x[0] + b * dx, next[1] + x[1] + b * dy];
            }
            let moved = [next[0] / set.len() as f64, next[1] / set.len() as f64];
            let step = (moved[0] - p[0]).hypot(moved[1] - p[1]);
            p = moved;
            if step <= 1e-12 * (1.0 + p[0].hypot(p[1])) {
                break;
            }
        }
        p
    }
}

/// The Moore–Penrose pseudo-inverse of a symmetric positive semi-definite 2 × 2 matrix:
/// eigenvalues below 1e-12 of the largest count as 0 (landmarks on a line, or one point).
fn pseudo_inverse(m: [[f64; 2]; 2]) -> [[f64; 2]; 2] {
    let (a, b, c) = (m[0][0], m[0][1], m[1][1]);
    let mean = 0.5 * (a + c);
    let radius = (0.25 * (a - c).powi(2) + b * b).sqrt();
    let values = [mean + radius, mean - radius];
    // Eigenvector of the larger eigenvalue; the other is perpendicular to it.
    let angle = 0.5 * (2.0 * b).atan2(a - c);
    let (s, co) = angle.sin_cos();
    let vectors = [[co, s], [-s, co]];
    let mut inverse = [[0.0; 2]; 2];
    for (value, v) in values.iter().zip(&vectors) {
        if *value > 1e-12 * values[0].abs() && *value > 0.0 {
            for r in 0..2 {
                for col in 0..2 {
                    inverse[r][col] += v[r] * v[col] / value;
                }
            }
        }
    }
    inverse
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procrustes::align;

    fn euclid(a: [f64; 2], b: [f64; 2]) -> f64 {
        (a[0] - b[0]).hypot(a[1] - b[1])
    }

    /// A 40 × 30 grid, unevenly spaced so that no layout is symmetric.
    fn grid() -> Vec<[f64; 2]> {
        (0..1200)
            .map(|i| {
                let (x, y) = (f64::from(i % 40), f64::from(i / 40));
                [x + 0.01 * x * x, 1.5 * y + 0.02 * y * y]
            })
            .collect()
    }

    fn max_error_after_alignment(coords: &[[f64; 2]], truth: &[[f64; 2]]) -> f64 {
        let a = align(coords, truth);
        coords
            .iter()
            .zip(truth)
            .map(|(&c, &t)| euclid(a.apply(c), t))
            .fold(0.0, f64::max)
    }

    #[test]
    fn reproduces_a_planar_grid_from_exact_distances() {
        let pts = grid();
        let options = LandmarkOptions {
            landmarks: 30,
            neighbours: 10,
            ..LandmarkOptions::default()
        };
        let layout = landmark_layout(pts.len(), |i, j| euclid(pts[i], pts[j]), options).unwrap();
        assert_eq!(layout.landmarks.indices.len(), 30);
        let error = max_error_after_alignment(&layout.coords, &pts);
        assert!(error < 1e-6, "largest error {error}");
    }

    #[test]
    fn interpolation_alone_is_exact_on_the_plane() {
        let pts = grid();
        let options = LandmarkOptions {
            landmarks: 5,
            refinement_steps: 0,
            ..LandmarkOptions::default()
        };
        let layout = landmark_layout(pts.len(), |i, j| euclid(pts[i], pts[j]), options).unwrap();
        let error = max_error_after_alignment(&layout.coords, &pts);
        assert!(error < 1e-6, "largest error {error}");
    }

    #[test]
    fn landmarks_are_spread_by_max_min() {
        let pts = grid();
        let d = |i: usize, j: usize| euclid(pts[i], pts[j]);
        let options = LandmarkOptions {
            landmarks: 12,
            max_min: 12,
            ..LandmarkOptions::default()
        };
        let chosen = landmark_layout(pts.len(), d, options)
            .unwrap()
            .landmarks
            .indices;
        assert_eq!(chosen[..2], [0, 1199], "model 0, then the opposite corner");
        for k in 1..chosen.len() {
            let spread = |i: usize| {
                chosen[..k]
                    .iter()
                    .map(|&l| d(i, l))
                    .fold(f64::MAX, f64::min)
            };
            let best = (0..pts.len()).map(spread).fold(0.0, f64::max);
            let first = (0..pts.len()).find(|&i| spread(i) == best);
            assert_eq!(Some(chosen[k]), first, "landmark {k}");
        }
    }

    #[test]
    fn added_models_never_move_the_others() {
        let pts = grid();
        let d = |i: usize, j: usize| euclid(pts[i], pts[j]);
        let mut layout = landmark_layout(1000, d, LandmarkOptions::default()).unwrap();
        let before = layout.clone();
        layout.extend(1100, d).unwrap();
        layout.extend(1200, d).unwrap();
        assert_eq!(layout.coords.len(), 1200);
        assert_eq!(layout.coords[..1000], before.coords[..]);
        assert_eq!(layout.landmarks, before.landmarks);
        // The new points land where a fresh layout of all of them would put them.
        let error = max_error_after_alignment(&layout.coords, &pts);
        assert!(error < 1e-6, "largest error {error}");
        // Placing one point by hand gives the same as extending.
        let one: Vec<f64> = layout
            .landmarks
            .indices
            .iter()
            .map(|&l| d(1150, l))
            .collect();
        assert_eq!(layout.landmarks.place(&one), layout.coords[1150]);
    }

    #[test]
    fn coinciding_models_need_few_landmarks() {
        // Three distinct positions, many copies of each.
        let spots = [[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]];
        let d = |i: usize, j: usize| euclid(spots[i % 3], spots[j % 3]);
        let layout = landmark_layout(300, d, LandmarkOptions::default()).unwrap();
        assert_eq!(layout.landmarks.indices, vec![0, 2, 1]);
        for (i, c) in layout.coords.iter().enumerate() {
            let twin = layout.coords[i % 3];
            assert!(euclid(*c, twin) < 1e-9, "{i}: {c:?} vs {twin:?}");
        }
        assert!((euclid(layout.coords[0], layout.coords[2]) - 4.0).abs() < 1e-9);
    }

    #[test]
    fn a_bad_distance_is_named() {
        let r = landmark_layout(
            10,
            |i, j| if i == 7 { f64::NAN } else { (i + j) as f64 },
            LandmarkOptions::default(),
        );
        assert!(matches!(
            r,
            Err(MetricsError::BadDistance { i: 7, j: 0, .. })
        ));
    }
}
