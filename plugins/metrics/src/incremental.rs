//! Incremental layouts: when models are added, the map must not jump (spec §6.3).

use serde::{Deserialize, Serialize};

use crate::procrustes::align;
use crate::smacof::{Layout, SmacofOptions, project, smacof};
use crate::{DistanceMatrix, MetricsError};

/// How far the models already on the map moved, in layout units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    /// Median distance between an old point's previous and new position.
    pub median: f64,
    /// Largest such distance.
    pub max: f64,
    /// Diameter (largest pairwise distance) of the previous layout.
    pub diameter: f64,
}

impl Movement {
    /// The median movement as a share of the previous layout's diameter.
    pub fn median_relative(&self) -> f64 {
        if self.diameter > 0.0 {
            self.median / self.diameter
        } else {
            0.0
        }
    }
}

/// A layout grown from a previous one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncrementalLayout {
    /// The new layout, aligned to the previous one.
    pub layout: Layout,
    /// How far the previous models moved.
    pub moved: Movement,
    /// Whether the layout was computed afresh (classical MDS start) instead of grown from the
    /// previous one, because that was degenerate or the grown layout fitted badly.
    #[serde(default)]
    pub afresh: bool,
}

/// A previous layout whose second singular value (of the centred coordinates) is below this
/// share of its first is a line (or a point): growing from it keeps every new point on that
/// line, since neither the placement nor the Guttman transform leaves the line's span.
const FLAT: f64 = 1e-3;

/// A grown layout with a stress above this is checked against a fresh one.
const STRESS_CHECK: f64 = 0.15;

/// A fresh layout replaces a grown one when its stress is below this share of the grown one's.
const FRESH_GAIN: f64 = 0.8;

/// The second singular value of the centred points relative to the first: 0 for points on a
/// line (or all equal), 1 for points spread alike in every direction.
pub fn flatness(points: &[[f64; 2]]) -> f64 {
    let n = points.len().max(1) as f64;
    let c = points
        .iter()
        .fold([0.0, 0.0], |a, p| [a[0] + p[0] / n, a[1] + p[1] / n]);
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for p in points {
        let (x, y) = (p[0] - c[0], p[1] - c[1]);
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
    }
    // Eigenvalues of the 2 × 2 scatter matrix are the squared singular values.
    let (mean, radius) = (
        0.5 * (sxx + syy),
        (0.25 * (sxx - syy).powi(2) + sxy * sxy).sqrt(),
    );
    let (big, small) = (mean + radius, (mean - radius).max(0.0));
    if big > 0.0 { (small / big).sqrt() } else { 0.0 }
}

/// Lays out `d` (the previous models first, then the new ones) starting from `previous`:
/// new points are placed where their distances to the points already there fit best, SMACOF
/// runs from that warm start, and the result is rotated, reflected and shifted (orthogonal
/// Procrustes) onto the previous layout so old points move as little as possible.
///
/// A previous layout that is degenerate (a line: always so for two models, and every layout
/// grown from a line stays on it) is not grown from: the models are laid out afresh (classical
/// MDS start, SMACOF) and that layout is aligned to the previous one. Likewise when the grown
/// layout fits badly (stress above 0.15) and a fresh one fits clearly better (stress below
/// 0.8 × the grown one's).
pub fn project_incremental(
    d: &DistanceMatrix,
    previous: &[[f64; 2]],
    options: SmacofOptions,
) -> Result<IncrementalLayout, MetricsError> {
    let (old, n) = (previous.len(), d.len());
    if old == 0 || old > n {
        return Err(MetricsError::PreviousCoords { previous: old, n });
    }
    let (mut layout, afresh) = if n > 2 && flatness(previous) < FLAT {
        (project(d, options)?, true)
    } else {
        let grown = grow(d, previous, options);
        if n > 2 && grown.stress > STRESS_CHECK {
            let fresh = project(d, options)?;
            if fresh.stress < FRESH_GAIN * grown.stress {
                (fresh, true)
            } else {
                (grown, false)
            }
        } else {
            (grown, false)
        }
    };
    let alignment = align(&layout.coords[..old], previous);
    for c in &mut layout.coords {
        *c = alignment.apply(*c);
    }
    let moved = movement(&layout.coords[..old], previous);
    Ok(IncrementalLayout {
        layout,
        moved,
        afresh,
    })
}

/// SMACOF from `previous` with the new points placed one by one (not yet aligned).
fn grow(d: &DistanceMatrix, previous: &[[f64; 2]], options: SmacofOptions) -> Layout {
    let mut start = previous.to_vec();
    for p in previous.len()..d.len() {
        let placed = place(d, p, &start);
        start.push(placed);
    }
    smacof(d, start, options)
}

/// Position for point `p` that best fits its distances to the points placed so far
/// (`anchors`, indices 0..anchors.len()), by majorising its own stress with the anchors fixed.
fn place(d: &DistanceMatrix, p: usize, anchors: &[[f64; 2]]) -> [f64; 2] {
    let deltas: Vec<f64> = (0..anchors.len()).map(|j| d.get(p, j)).collect();
    // Start near the anchors it is closest to.
    let (mut x, mut w) = ([0.0; 2], 0.0);
    let scale = deltas
        .iter()
        .copied()
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    for (a, &delta) in anchors.iter().zip(&deltas) {
        let weight = 1.0 / (delta / scale + 1e-3).powi(2);
        x = [x[0] + weight * a[0], x[1] + weight * a[1]];
        w += weight;
    }
    x = [x[0] / w, x[1] / w];
    // Break the symmetry of a start exactly on an anchor or at the centre of a circle.
    x[0] += 1e-3 * scale;
    for _ in 0..200 {
        let mut next = [0.0; 2];
        for (a, &delta) in anchors.iter().zip(&deltas) {
            let (dx, dy) = (x[0] - a[0], x[1] - a[1]);
            let dist = dx.hypot(dy);
            let b = if dist > 0.0 { delta / dist } else { 0.0 };
            next = [next[0] + a[0] + b * dx, next[1] + a[1] + b * dy];
        }
        let m = anchors.len() as f64;
        x = [next[0] / m, next[1] / m];
    }
    x
}

fn movement(now: &[[f64; 2]], before: &[[f64; 2]]) -> Movement {
    let mut shifts: Vec<f64> = now
        .iter()
        .zip(before)
        .map(|(a, b)| (a[0] - b[0]).hypot(a[1] - b[1]))
        .collect();
    shifts.sort_by(f64::total_cmp);
    let k = shifts.len();
    let median = if k % 2 == 1 {
        shifts[k / 2]
    } else {
        0.5 * (shifts[k / 2 - 1] + shifts[k / 2])
    };
    let mut diameter: f64 = 0.0;
    for (i, a) in before.iter().enumerate() {
        for b in &before[..i] {
            diameter = diameter.max((a[0] - b[0]).hypot(a[1] - b[1]));
        }
    }
    Movement {
        median,
        max: shifts[k - 1],
        diameter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euclid(a: &[f64; 3], b: &[f64; 3]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(p, q)| (p - q).powi(2))
            .sum::<f64>()
            .sqrt()
    }

    #[test]
    fn adding_points_keeps_old_ones_in_place() {
        let pts: Vec<[f64; 3]> = (0..45)
            .map(|i| {
                let t = f64::from(i) * 0.37;
                [t.cos() * 4.0, t.sin() * 2.0, (t * 1.7).sin()]
            })
            .collect();
        let d = DistanceMatrix::build(&pts, euclid);
        let before = project(&d.leading(40), SmacofOptions::default()).unwrap();
        let grown = project_incremental(&d, &before.coords, SmacofOptions::default()).unwrap();
        assert_eq!(grown.layout.coords.len(), 45);
        assert!(grown.moved.median_relative() < 0.02, "{:?}", grown.moved);
        assert!(grown.layout.stress < 0.2, "{}", grown.layout.stress);
    }

    #[test]
    fn a_lone_new_point_lands_where_its_distances_say() {
        let anchors = [[0.0, 0.0], [4.0, 0.0], [0.0, 3.0]];
        let target = [1.0, 1.0f64];
        let mut all: Vec<[f64; 2]> = anchors.to_vec();
        all.push(target);
        let d = DistanceMatrix::build(&all, |a, b| (a[0] - b[0]).hypot(a[1] - b[1]));
        let p = place(&d, 3, &anchors);
        assert!(
            (p[0] - 1.0).abs() < 1e-6 && (p[1] - 1.0).abs() < 1e-6,
            "{p:?}"
        );
    }

    #[test]
    fn previous_coords_must_fit() {
        let d = DistanceMatrix::from_rows(&[vec![0.0, 1.0], vec![1.0, 0.0]]).unwrap();
        let err = project_incremental(&d, &[[0.0; 2]; 3], SmacofOptions::default());
        assert_eq!(err, Err(MetricsError::PreviousCoords { previous: 3, n: 2 }));
    }

    /// Points spread over a plane (with some height), as models' distances often are.
    fn spread(n: usize) -> Vec<[f64; 3]> {
        (0..n)
            .map(|i| {
                let t = i as f64 * 2.39996; // golden angle: no three points on a line
                let r = 1.0 + (i as f64).sqrt();
                [r * t.cos(), r * t.sin(), 0.3 * (t * 0.7).sin()]
            })
            .collect()
    }

    #[test]
    fn a_map_grown_one_model_at_a_time_from_two_spans_the_plane() {
        let d = DistanceMatrix::build(&spread(11), euclid);
        // Two models are always on a line; then each finished model is added to the last map.
        let mut coords = project(&d.leading(2), SmacofOptions::default())
            .unwrap()
            .coords;
        assert!(flatness(&coords) < FLAT);
        let mut last = None;
        for n in 3..=11 {
            let grown =
                project_incremental(&d.leading(n), &coords, SmacofOptions::default()).unwrap();
            coords = grown.layout.coords.clone();
            last = Some(grown);
        }
        let last = last.unwrap();
        assert!(
            flatness(&coords) > 0.3,
            "the map is a line: flatness {}, {coords:?}",
            flatness(&coords)
        );
        assert!(last.layout.stress < 0.1, "stress {}", last.layout.stress);
    }

    #[test]
    fn a_line_left_by_an_older_version_is_laid_out_afresh_and_aligned() {
        let d = DistanceMatrix::build(&spread(11), euclid);
        // Ten models on a line, as the cache of a map grown from two holds them.
        let line: Vec<[f64; 2]> = (0..10).map(|i| [f64::from(i), 0.0]).collect();
        let grown = project_incremental(&d, &line, SmacofOptions::default()).unwrap();
        assert!(grown.afresh);
        assert!(flatness(&grown.layout.coords) > 0.3);
        // Aligned: the old points' centre stays where it was.
        let centre = grown.layout.coords[..10]
            .iter()
            .fold([0.0, 0.0], |a, p| [a[0] + p[0] / 10.0, a[1] + p[1] / 10.0]);
        assert!(
            (centre[0] - 4.5).abs() < 1e-9 && centre[1].abs() < 1e-9,
            "{centre:?}"
        );
    }

    #[test]
    fn a_good_previous_layout_is_grown_not_replaced() {
        let d = DistanceMatrix::build(&spread(30), euclid);
        let before = project(&d.leading(25), SmacofOptions::default()).unwrap();
        let grown = project_incremental(&d, &before.coords, SmacofOptions::default()).unwrap();
        assert!(!grown.afresh);
        assert!(grown.moved.median_relative() < 0.02, "{:?}", grown.moved);
    }

    #[test]
    fn flatness_tells_a_line_from_a_plane() {
        assert_eq!(flatness(&[[0.0, 0.0], [2.0, 1.0], [4.0, 2.0]]), 0.0);
        assert_eq!(flatness(&[[1.0, 1.0]]), 0.0);
        let square = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];
        assert!((flatness(&square) - 1.0).abs() < 1e-12);
    }
}
