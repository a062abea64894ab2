//! The OTMANN distances NASBOT's kernels need, at several structural coefficients, cached by
//! the pair of architecture hashes so that each pair is solved once, ever: the session can
//! persist the cache and hand it back (prefilled) to the next fit.

use std::collections::HashMap;

use rayon::prelude::*;
use remap_metrics::{OtmannNetwork, otmann_at};
use serde::{Deserialize, Serialize};

/// NASBOT's structural coefficients: how much the structural cost weighs against the label
/// mismatch in each of the kernel's distances.
pub const COEFFICIENTS: [f64; 4] = [0.1, 0.25, 0.61, 1.5];

/// The OTMANN distances between two architectures at each of [`COEFFICIENTS`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairDistances {
    /// Transport cost in units of mass.
    pub plain: [f64; 4],
    /// Transport cost over the two networks' total masses, in [0, 1].
    pub normalized: [f64; 4],
}

impl PairDistances {
    /// The distances of an architecture to itself.
    pub const ZERO: PairDistances = PairDistances {
        plain: [0.0; 4],
        normalized: [0.0; 4],
    };

    /// Solves the four transport problems.
    pub fn between(a: &OtmannNetwork, b: &OtmannNetwork) -> Self {
        let mut d = Self::ZERO;
        for (c, &coefficient) in COEFFICIENTS.iter().enumerate() {
            let at = otmann_at(a, b, coefficient);
            d.plain[c] = at.plain;
            d.normalized[c] = at.normalized;
        }
        d
    }
}

/// One cached pair, as the cache is written to and read from disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedPair {
    /// Hash of one architecture (`Architecture::hash`).
    pub a: String,
    /// Hash of the other.
    pub b: String,
    /// Their distances.
    pub distances: PairDistances,
}

/// Distances by unordered pair of architecture hashes. Serialises as a list of
/// [`CachedPair`]s.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "Vec<CachedPair>", into = "Vec<CachedPair>")]
pub struct DistanceCache {
    pairs: HashMap<(String, String), PairDistances>,
}

fn key(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

impl DistanceCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many pairs are cached.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether no pair is cached.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The distances between the architectures with hashes `a` and `b`, in either order;
    /// zero when the hashes are equal.
    pub fn get(&self, a: &str, b: &str) -> Option<PairDistances> {
        if a == b {
            return Some(PairDistances::ZERO);
        }
        self.pairs.get(&key(a, b)).copied()
    }

    /// Records distances computed elsewhere (e.g. read back from the session's store).
    pub fn insert(&mut self, a: &str, b: &str, distances: PairDistances) {
        if a != b {
            self.pairs.insert(key(a, b), distances);
        }
    }

    /// Every cached pair, in no particular order.
    pub fn pairs(&self) -> impl Iterator<Item = CachedPair> + '_ {
        self.pairs.iter().map(|((a, b), d)| CachedPair {
            a: a.clone(),
            b: b.clone(),
            distances: *d,
        })
    }

    /// Solves (in parallel) every pair between `rows` and `columns` not cached yet, given as
    /// (hash, network).
    pub fn fill(&mut self, rows: &[(&str, &OtmannNetwork)], columns: &[(&str, &OtmannNetwork)]) {
        let mut missing: Vec<(usize, usize)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, (a, _)) in rows.iter().enumerate() {
            for (j, (b, _)) in columns.iter().enumerate() {
                if self.get(a, b).is_none() && seen.insert(key(a, b)) {
                    missing.push((i, j));
                }
            }
        }
        let solved: Vec<PairDistances> = missing
            .par_iter()
            .map(|&(i, j)| PairDistances::between(rows[i].1, columns[j].1))
            .collect();
        for ((i, j), d) in missing.into_iter().zip(solved) {
            self.insert(rows[i].0, columns[j].0, d);
        }
    }
}

impl From<Vec<CachedPair>> for DistanceCache {
    fn from(pairs: Vec<CachedPair>) -> Self {
        let mut cache = DistanceCache::new();
        for p in pairs {
            cache.insert(&p.a, &p.b, p.distances);
        }
        cache
    }
}

impl From<DistanceCache> for Vec<CachedPair> {
    fn from(cache: DistanceCache) -> Self {
        cache.pairs().collect()
    }
}
