//! Incremental layouts: when models are added, the map must not jump (spec §6.3).

use serde::{Deserialize, Serialize};

use crate::procrustes::align;
use crate::smacof::{Layout, SmacofOptions, smacof};
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
}

/// Lays out `d` (the previous models first, then the new ones) starting from `previous`:
/// new points are placed where their distances to the points already there fit best, SMACOF
/// runs from that warm start, and the result is rotated, reflected and shifted (orthogonal
/// Procrustes) onto the previous layout so old points move as little as possible.
pub fn project_incremental(
    d: &DistanceMatrix,
    previous: &[[f64; 2]],
    options: SmacofOptions,
) -> Result<IncrementalLayout, MetricsError> {
    let (old, n) = (previous.len(), d.len());
    if old == 0 || old > n {
        return Err(MetricsError::PreviousCoords { previous: old, n });
    }
    let mut start = previous.to_vec();
    for p in old..n {
        let placed = place(d, p, &start);
        start.push(placed);
    }
    let mut layout = smacof(d, start, options);
    let alignment = align(&layout.coords[..old], previous);
    for c in &mut layout.coords {
        *c = alignment.apply(*c);
    }
    let moved = movement(&layout.coords[..old], previous);
    Ok(IncrementalLayout { layout, moved })
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
    use crate::smacof::project;

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
}
