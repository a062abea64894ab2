//! Orthogonal Procrustes alignment in the plane.
//!
//! Written by hand: in 2-D the optimal rotation has a closed form (an angle from two sums),
//! so no SVD crate is needed.

/// A rotation or reflection followed by a translation: `p ↦ R·(p − from) + to`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alignment {
    /// Row-major 2 × 2 orthogonal matrix.
    pub r: [[f64; 2]; 2],
    /// Centre of the points being moved.
    pub from: [f64; 2],
    /// Centre of the points they are aligned to.
    pub to: [f64; 2],
}

impl Alignment {
    /// Moves one point.
    pub fn apply(&self, p: [f64; 2]) -> [f64; 2] {
        let (x, y) = (p[0] - self.from[0], p[1] - self.from[1]);
        [
            self.r[0][0] * x + self.r[0][1] * y + self.to[0],
            self.r[1][0] * x + self.r[1][1] * y + self.to[1],
        ]
    }
}

fn centroid(p: &[[f64; 2]]) -> [f64; 2] {
    let n = p.len().max(1) as f64;
    let s = p.iter().fold([0.0, 0.0], |a, q| [a[0] + q[0], a[1] + q[1]]);
    [s[0] / n, s[1] / n]
}

/// The rotation or reflection and translation (no scaling) that brings `moving` closest to
/// `target` in least squares, point i to point i.
pub fn align(moving: &[[f64; 2]], target: &[[f64; 2]]) -> Alignment {
    assert_eq!(
        moving.len(),
        target.len(),
        "Procrustes pairs points one to one"
    );
    let (from, to) = (centroid(moving), centroid(target));
    // Σ ⟨R·m, t⟩ is maximised by the angle of (Σ m·t, Σ m×t); with m reflected first, likewise.
    let (mut dot, mut cross, mut rdot, mut rcross) = (0.0, 0.0, 0.0, 0.0);
    for (m, t) in moving.iter().zip(target) {
        let (mx, my) = (m[0] - from[0], m[1] - from[1]);
        let (tx, ty) = (t[0] - to[0], t[1] - to[1]);
        dot += mx * tx + my * ty;
        cross += mx * ty - my * tx;
        rdot += mx * tx - my * ty;
        rcross += mx * ty + my * tx;
    }
    let r = if dot.hypot(cross) >= rdot.hypot(rcross) {
        let (s, c) = cross.atan2(dot).sin_cos();
        [[c, -s], [s, c]]
    } else {
        // Rotation by the angle after the reflection (x, y) ↦ (x, −y).
        let (s, c) = rcross.atan2(rdot).sin_cos();
        [[c, s], [s, -c]]
    };
    Alignment { r, from, to }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undoes_a_rotation_and_a_shift() {
        let target = [[0.0, 0.0], [3.0, 0.0], [0.0, 1.0], [2.0, 5.0]];
        let (s, c) = 1.1f64.sin_cos();
        let moved: Vec<[f64; 2]> = target
            .iter()
            .map(|p| [c * p[0] - s * p[1] + 7.0, s * p[0] + c * p[1] - 2.0])
            .collect();
        let a = align(&moved, &target);
        for (m, t) in moved.iter().zip(&target) {
            let p = a.apply(*m);
            assert!((p[0] - t[0]).abs() < 1e-12 && (p[1] - t[1]).abs() < 1e-12);
        }
    }

    #[test]
    fn undoes_a_reflection() {
        let target = [[0.0, 0.0], [3.0, 0.0], [0.0, 1.0], [2.0, 5.0]];
        let mirrored: Vec<[f64; 2]> = target.iter().map(|p| [-p[0] + 1.0, p[1]]).collect();
        let a = align(&mirrored, &target);
        for (m, t) in mirrored.iter().zip(&target) {
            let p = a.apply(*m);
            assert!((p[0] - t[0]).abs() < 1e-12 && (p[1] - t[1]).abs() < 1e-12);
        }
    }
}
