//! The overview's maps at any size (spec §6.3, §10.2): full SMACOF over the n × n matrix up to
//! a threshold, landmark MDS above it.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::landmark::{LandmarkOptions, Landmarks, landmark_layout};
use crate::smacof::{SmacofOptions, project};
use crate::{DistanceMatrix, MetricsError};

/// Up to this many models a map is full SMACOF over all pairs; above, landmark MDS.
pub const FULL_LAYOUT_UP_TO: usize = 2_000;

/// How a map is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum MapMethod {
    /// SMACOF over the full matrix (n(n − 1)/2 distances).
    Smacof(SmacofOptions),
    /// Landmark MDS (n·L distances at most).
    Landmarks(LandmarkOptions),
}

impl MapMethod {
    /// The default method for `n` models: SMACOF up to [`FULL_LAYOUT_UP_TO`], else landmarks.
    pub fn for_models(n: usize) -> Self {
        if n <= FULL_LAYOUT_UP_TO {
            MapMethod::Smacof(SmacofOptions::default())
        } else {
            MapMethod::Landmarks(LandmarkOptions::default())
        }
    }
}

/// A 2-D map of models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Map {
    /// One point per model, in index order.
    pub coords: Vec<[f64; 2]>,
    /// Kruskal's stress-1: exact for SMACOF, estimated from sampled pairs for landmarks.
    pub stress: f64,
    /// The landmarks a landmark map was placed by (to place models added later).
    pub landmarks: Option<Landmarks>,
}

/// Lays out models `0..n` with dissimilarities `d(i, j)` (finite, ≥ 0), called in parallel.
pub fn map(
    n: usize,
    d: impl Fn(usize, usize) -> f64 + Sync,
    method: MapMethod,
) -> Result<Map, MetricsError> {
    match method {
        MapMethod::Smacof(options) => {
            let indices: Vec<usize> = (0..n).collect();
            let matrix = DistanceMatrix::build(&indices, |&i, &j| d(i, j));
            if let Some((k, &value)) = matrix
                .packed()
                .par_iter()
                .enumerate()
                .find_first(|(_, v)| !v.is_finite() || **v < 0.0)
            {
                // Row i of the packed triangle starts at i(i − 1)/2.
                let i = (1..n).rfind(|i| i * (i - 1) / 2 <= k).unwrap_or(1);
                let j = k - i * (i - 1) / 2;
                return Err(MetricsError::BadDistance { i, j, value });
            }
            let layout = project(&matrix, options)?;
            Ok(Map {
                coords: layout.coords,
                stress: layout.stress,
                landmarks: None,
            })
        }
        MapMethod::Landmarks(options) => {
            let layout = landmark_layout(n, d, options)?;
            Ok(Map {
                coords: layout.coords,
                stress: layout.stress,
                landmarks: Some(layout.landmarks),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Mutex;

    use super::*;
    use crate::matrix::largest_built_on_this_thread;

    #[test]
    fn no_square_matrix_and_only_landmark_pairs_above_the_threshold() {
        let n = FULL_LAYOUT_UP_TO + 500;
        let pts: Vec<[f64; 3]> = (0..n)
            .map(|i| {
                let t = i as f64 * 0.37;
                [t.sin() * 5.0, t.cos() * 3.0, (t * 0.1).sin()]
            })
            .collect();
        let euclid = |i: usize, j: usize| {
            let p: f64 = (0..3).map(|k| (pts[i][k] - pts[j][k]).powi(2)).sum();
            p.sqrt()
        };
        let pairs = Mutex::new(Vec::new());
        let d = |i: usize, j: usize| {
            pairs.lock().unwrap().push((i, j));
            euclid(i, j)
        };
        let method = MapMethod::for_models(n);
        let MapMethod::Landmarks(options) = method else {
            panic!("{n} models get {method:?}");
        };
        let laid_out = map(n, d, method).unwrap();
        assert_eq!(laid_out.coords.len(), n);
        let built = largest_built_on_this_thread();
        assert!(
            built <= options.landmarks,
            "a {built}×{built} matrix was built"
        );
        // n·L distances for the layout, then the sampled pairs of the stress estimate.
        let pairs = pairs.into_inner().unwrap();
        assert!(pairs.len() <= n * options.landmarks + options.stress_pairs);
        let landmarks: HashSet<usize> = laid_out.landmarks.unwrap().indices.into_iter().collect();
        let others = pairs
            .iter()
            .filter(|(i, j)| !landmarks.contains(i) && !landmarks.contains(j))
            .count();
        assert!(
            others <= options.stress_pairs,
            "{others} pairs of non-landmarks"
        );
        // The guard sees a full layout's matrix.
        map(300, euclid, MapMethod::for_models(300)).unwrap();
        assert_eq!(largest_built_on_this_thread(), 300);
    }

    #[test]
    fn the_method_follows_the_threshold() {
        assert!(matches!(
            MapMethod::for_models(FULL_LAYOUT_UP_TO),
            MapMethod::Smacof(_)
        ));
        assert!(matches!(
            MapMethod::for_models(FULL_LAYOUT_UP_TO + 1),
            MapMethod::Landmarks(_)
        ));
    }

    #[test]
    fn small_maps_are_todays_smacof() {
        let pts: Vec<[f64; 2]> = (0..50)
            .map(|i| [f64::from(i).sin() * 3.0, f64::from(i * i % 11)])
            .collect();
        let euclid = |a: &[f64; 2], b: &[f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
        let m = map(
            pts.len(),
            |i, j| euclid(&pts[i], &pts[j]),
            MapMethod::for_models(50),
        )
        .unwrap();
        let today = project(
            &DistanceMatrix::build(&pts, euclid),
            SmacofOptions::default(),
        )
        .unwrap();
        assert_eq!((m.coords, m.stress), (today.coords, today.stress));
        assert_eq!(m.landmarks, None);
    }

    #[test]
    fn a_bad_distance_is_named_in_full_layouts_too() {
        let r = map(
            6,
            |i, j| if (i, j) == (4, 2) { -1.0 } else { 1.0 },
            MapMethod::for_models(6),
        );
        assert_eq!(
            r,
            Err(MetricsError::BadDistance {
                i: 4,
                j: 2,
                value: -1.0
            })
        );
    }
}
