//! Symmetric distance matrices with a zero diagonal, stored as a packed lower triangle so
//! that models can be appended without moving what was already computed.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::MetricsError;

/// A symmetric n × n dissimilarity matrix with zero diagonal.
///
/// Only the strict lower triangle is stored, row by row: row i holds d(i, 0..i). Appending
/// k models appends k rows, so nothing is recomputed or moved, and the store takes
/// n(n − 1)/2 × 8 bytes: about 400 MB for n = 10,000 (a full square would take 800 MB).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DistanceMatrix {
    n: usize,
    lower: Vec<f64>,
}

fn row_start(i: usize) -> usize {
    i * i.saturating_sub(1) / 2
}

#[cfg(test)]
thread_local! {
    static LARGEST_BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Records that an n-model matrix was made, so tests can assert that the layouts of many
/// models never make one (landmark MDS must stay O(n·L)).
fn note_built(n: usize) {
    #[cfg(test)]
    LARGEST_BUILT.with(|c| c.set(c.get().max(n)));
    #[cfg(not(test))]
    let _ = n;
}

/// The most models of any matrix made on this thread so far (tests only).
#[cfg(test)]
pub(crate) fn largest_built_on_this_thread() -> usize {
    LARGEST_BUILT.with(std::cell::Cell::get)
}

impl DistanceMatrix {
    /// The empty matrix (no models).
    pub fn new() -> Self {
        Self::default()
    }

    /// Computes d over all pairs of `items` in parallel: n(n − 1)/2 calls of `d`.
    pub fn build<T: Sync>(items: &[T], d: impl Fn(&T, &T) -> f64 + Sync) -> Self {
        let mut m = Self::new();
        m.extend(items, d);
        m
    }

    /// Grows the matrix to `items.len()` models, of which the first [`len`](Self::len) are
    /// the ones already in it: only the k·n + k(k − 1)/2 new pairs are computed, in parallel.
    pub fn extend<T: Sync>(&mut self, items: &[T], d: impl Fn(&T, &T) -> f64 + Sync) {
        let (old, new) = (self.n, items.len());
        assert!(
            new >= old,
            "cannot shrink a distance matrix from {old} to {new} models"
        );
        note_built(new);
        self.lower.resize(row_start(new), 0.0);
        let mut rows = Vec::with_capacity(new - old);
        let mut rest = &mut self.lower[row_start(old)..];
        for i in old..new {
            let (row, tail) = rest.split_at_mut(i);
            rows.push((i, row));
            rest = tail;
        }
        rows.into_par_iter().for_each(|(i, row)| {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = d(&items[i], &items[j]);
            }
        });
        self.n = new;
    }

    /// Number of models.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no models.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// d(i, j).
    pub fn get(&self, i: usize, j: usize) -> f64 {
        assert!(
            i < self.n && j < self.n,
            "({i}, {j}) outside a {0}×{0} matrix",
            self.n
        );
        match i.cmp(&j) {
            std::cmp::Ordering::Equal => 0.0,
            std::cmp::Ordering::Greater => self.lower[row_start(i) + j],
            std::cmp::Ordering::Less => self.lower[row_start(j) + i],
        }
    }

    /// Row i's stored entries: d(i, j) for j < i.
    pub fn lower_row(&self, i: usize) -> &[f64] {
        &self.lower[row_start(i)..row_start(i) + i]
    }

    /// The strict lower triangle, row by row.
    pub fn packed(&self) -> &[f64] {
        &self.lower
    }

    /// A matrix from its packed strict lower triangle (as [`packed`](Self::packed) returns
    /// it), `None` unless `lower` holds exactly n(n − 1)/2 entries.
    pub fn from_packed(n: usize, lower: Vec<f64>) -> Option<Self> {
        note_built(n);
        (lower.len() == row_start(n)).then_some(DistanceMatrix { n, lower })
    }

    /// The first `n` models' matrix.
    pub fn leading(&self, n: usize) -> Self {
        assert!(n <= self.n);
        note_built(n);
        DistanceMatrix {
            n,
            lower: self.lower[..row_start(n)].to_vec(),
        }
    }

    /// The full square matrix as rows (the CLI's and the UI's JSON form).
    pub fn to_rows(&self) -> Vec<Vec<f64>> {
        (0..self.n)
            .map(|i| (0..self.n).map(|j| self.get(i, j)).collect())
            .collect()
    }

    /// Reads a square matrix given as rows. It must be symmetric (to 1e-9 relative), have a
    /// zero diagonal and finite, non-negative entries; the error names the first bad cell.
    pub fn from_rows(rows: &[Vec<f64>]) -> Result<Self, MetricsError> {
        let n = rows.len();
        note_built(n);
        let mut lower = Vec::with_capacity(row_start(n));
        for (i, row) in rows.iter().enumerate() {
            if row.len() != n {
                return Err(MetricsError::NotSquare {
                    row: i,
                    len: row.len(),
                    expected: n,
                });
            }
            for (j, &v) in row.iter().enumerate() {
                let bad = |why| {
                    Err(MetricsError::BadEntry {
                        row: i,
                        col: j,
                        value: v,
                        why,
                    })
                };
                if !v.is_finite() || v < 0.0 {
                    return bad("dissimilarities must be finite and non-negative");
                }
                if i == j && v != 0.0 {
                    return bad("the diagonal must be 0");
                }
                if j < i {
                    let t = rows[j][i];
                    if (v - t).abs() > 1e-9 * v.abs().max(t.abs()) {
                        return bad("the matrix is not symmetric");
                    }
                    lower.push(v);
                }
            }
        }
        Ok(DistanceMatrix { n, lower })
    }
}

/// Splits rows 0..n into a fixed number of ranges holding about equally many stored pairs.
///
/// Parallel sums over the matrix add up per-block results in this fixed order, so layouts
/// are bit-for-bit reproducible whatever rayon's work stealing does.
pub(crate) fn row_blocks(n: usize) -> Vec<std::ops::Range<usize>> {
    const BLOCKS: usize = 32;
    let blocks = BLOCKS.min(n.max(1));
    let mut bounds: Vec<usize> = (0..=blocks)
        .map(|k| ((k as f64 / blocks as f64).sqrt() * n as f64).round() as usize)
        .collect();
    bounds[blocks] = n;
    bounds.dedup();
    bounds.windows(2).map(|w| w[0]..w[1]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn d(a: &f64, b: &f64) -> f64 {
        (a - b).abs()
    }

    #[test]
    fn build_is_symmetric_with_zero_diagonal() {
        let xs = [0.0, 1.5, 4.0, 10.0];
        let m = DistanceMatrix::build(&xs, d);
        for i in 0..4 {
            assert_eq!(m.get(i, i), 0.0);
            for j in 0..4 {
                assert_eq!(m.get(i, j), (xs[i] - xs[j]).abs());
            }
        }
        assert_eq!(DistanceMatrix::from_rows(&m.to_rows()), Ok(m));
    }

    #[test]
    fn extend_computes_only_new_pairs() {
        let xs: Vec<f64> = (0..30).map(|i| f64::from(i * i)).collect();
        let calls = AtomicUsize::new(0);
        let counted = |a: &f64, b: &f64| {
            calls.fetch_add(1, Ordering::Relaxed);
            d(a, b)
        };
        let mut m = DistanceMatrix::build(&xs[..25], counted);
        assert_eq!(calls.swap(0, Ordering::Relaxed), 25 * 24 / 2);
        m.extend(&xs, counted);
        // k·n + k(k − 1)/2 with n = 25, k = 5.
        assert_eq!(calls.load(Ordering::Relaxed), 5 * 25 + 5 * 4 / 2);
        assert_eq!(m, DistanceMatrix::build(&xs, d));
        assert_eq!(m.leading(25), DistanceMatrix::build(&xs[..25], d));
        let packed = m.packed().to_vec();
        assert_eq!(DistanceMatrix::from_packed(30, packed.clone()), Some(m));
        assert_eq!(DistanceMatrix::from_packed(29, packed), None);
    }

    #[test]
    fn from_rows_names_the_bad_cell() {
        let r = DistanceMatrix::from_rows(&[vec![0.0, 1.0], vec![2.0, 0.0]]);
        assert!(matches!(
            r,
            Err(MetricsError::BadEntry { row: 1, col: 0, .. })
        ));
        let r = DistanceMatrix::from_rows(&[vec![0.0, 1.0], vec![1.0]]);
        assert!(matches!(r, Err(MetricsError::NotSquare { row: 1, .. })));
        let r = DistanceMatrix::from_rows(&[vec![0.5]]);
        assert!(matches!(
            r,
            Err(MetricsError::BadEntry { row: 0, col: 0, .. })
        ));
    }
}
