//! Classical (Torgerson) MDS: the deterministic starting layout for SMACOF.

use linfa_linalg::Order;
use linfa_linalg::eigh::EighInto;
use linfa_linalg::lobpcg::lobpcg;
use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::matrix::row_blocks;
use crate::{DistanceMatrix, MetricsError};

/// Below this many models the double-centred matrix is decomposed densely; above, only its two
/// largest eigenpairs are found with LOBPCG, without ever forming the n × n matrix.
const DENSE_UP_TO: usize = 300;

/// Classical MDS in 2-D: the top two eigenvectors of B = −½·J·D²·J, scaled by the square
/// roots of their (clamped non-negative) eigenvalues. Deterministic for a given matrix.
pub fn torgerson(d: &DistanceMatrix) -> Result<Vec<[f64; 2]>, MetricsError> {
    let n = d.len();
    match n {
        0 => return Ok(Vec::new()),
        1 => return Ok(vec![[0.0, 0.0]]),
        2 => {
            let h = d.get(1, 0) / 2.0;
            return Ok(vec![[-h, 0.0], [h, 0.0]]);
        }
        _ => {}
    }
    let (values, vectors) = if n <= DENSE_UP_TO {
        dense_top2(d)?
    } else {
        lobpcg_top2(d)?
    };
    let mut coords = vec![[0.0; 2]; n];
    for k in 0..2 {
        let scale = values[k].max(0.0).sqrt();
        // Eigenvectors have no sign of their own; fix one so the layout is reproducible.
        let col: Vec<f64> = (0..n).map(|i| vectors[[i, k]]).collect();
        let big = col
            .iter()
            .copied()
            .fold(0.0f64, |m, v| if v.abs() > m.abs() { v } else { m });
        let sign = if big < 0.0 { -1.0 } else { 1.0 };
        for (i, c) in coords.iter_mut().enumerate() {
            c[k] = sign * scale * col[i];
        }
    }
    Ok(coords)
}

fn dense_top2(d: &DistanceMatrix) -> Result<([f64; 2], Array2<f64>), MetricsError> {
    let n = d.len();
    let mut a = Array2::from_shape_fn((n, n), |(i, j)| d.get(i, j).powi(2));
    double_centre(&mut a);
    a.mapv_inplace(|v| -0.5 * v);
    let (vals, vecs) = a
        .eigh_into()
        .map_err(|e| MetricsError::Eigen(e.to_string()))?;
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|&x, &y| vals[y].total_cmp(&vals[x]));
    let top = Array2::from_shape_fn((n, 2), |(i, k)| vecs[[i, idx[k]]]);
    Ok(([vals[idx[0]], vals[idx[1]]], top))
}

fn double_centre(a: &mut Array2<f64>) {
    let n = a.nrows() as f64;
    let rows: Vec<f64> = a.rows().into_iter().map(|r| r.sum() / n).collect();
    let all = rows.iter().sum::<f64>() / n;
    // A is symmetric, so column means equal row means.
    for ((i, j), v) in a.indexed_iter_mut() {
        *v += all - rows[i] - rows[j];
    }
}

fn lobpcg_top2(d: &DistanceMatrix) -> Result<([f64; 2], Array2<f64>), MetricsError> {
    let n = d.len();
    // LOBPCG works on B / max δ², whose entries are at most 1: on raw OTMANN distances (δ² up
    // to ~1e10) its Gram matrices lose definiteness to rounding and it returns NaNs.
    let scale = d.packed().iter().fold(0.0f64, |m, &v| m.max(v * v));
    let scale = if scale > 0.0 { scale } else { 1.0 };
    let operator = |y: ArrayView2<f64>| apply_b(d, y).mapv(|v| v / scale);
    // A fixed pseudo-random start (SplitMix64) keeps the result deterministic.
    let mut state = 0x5eed_u64;
    let start = Array2::from_shape_fn((n, 2), |_| {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    });
    let result = lobpcg(operator, start, |_| {}, None, 1e-7, 500, Order::Largest);
    // An unconverged result is still a fine starting layout for SMACOF.
    let r = match result {
        Ok(r) => r,
        Err((_, Some(r))) => r,
        Err((e, None)) => return Err(MetricsError::Eigen(e.to_string())),
    };
    let (v, x) = (r.eigvals, r.eigvecs);
    let (a, b) = if v[0] >= v[1] { (0, 1) } else { (1, 0) };
    let top = Array2::from_shape_fn((n, 2), |(i, k)| x[[i, if k == 0 { a } else { b }]]);
    Ok(([v[a] * scale, v[b] * scale], top))
}

/// B·Y with B = −½·J·D²·J, from the packed matrix, in parallel.
fn apply_b(d: &DistanceMatrix, y: ArrayView2<f64>) -> Array2<f64> {
    let (n, k) = y.dim();
    let centred = centre_columns(y.to_owned());
    let parts: Vec<Vec<f64>> = row_blocks(n)
        .into_par_iter()
        .map(|rows| {
            let mut acc = vec![0.0; n * k];
            for i in rows {
                for (j, &dij) in d.lower_row(i).iter().enumerate() {
                    let a = dij * dij;
                    for c in 0..k {
                        acc[i * k + c] += a * centred[[j, c]];
                        acc[j * k + c] += a * centred[[i, c]];
                    }
                }
            }
            acc
        })
        .collect();
    let mut z = vec![0.0; n * k];
    for part in parts {
        z.iter_mut().zip(part).for_each(|(x, y)| *x += y);
    }
    let z = Array2::from_shape_vec((n, k), z).expect("n × k");
    centre_columns(z).mapv(|v| -0.5 * v)
}

fn centre_columns(mut y: Array2<f64>) -> Array2<f64> {
    for mut col in y.columns_mut() {
        let mean = col.mean().unwrap_or(0.0);
        col.mapv_inplace(|v| v - mean);
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairwise(points: &[[f64; 2]]) -> DistanceMatrix {
        DistanceMatrix::build(points, |a, b| {
            ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
        })
    }

    fn assert_recovers(points: &[[f64; 2]]) {
        let d = pairwise(points);
        let x = torgerson(&d).unwrap();
        let e = pairwise(&x);
        for (a, b) in d.packed().iter().zip(e.packed()) {
            assert!((a - b).abs() < 1e-6 * (1.0 + a), "{a} vs {b}");
        }
    }

    #[test]
    fn recovers_a_planar_configuration_densely() {
        let pts: Vec<[f64; 2]> = (0..40)
            .map(|i| [f64::from(i).sin() * 3.0, f64::from(i * i % 17)])
            .collect();
        assert_recovers(&pts);
    }

    #[test]
    fn recovers_a_planar_configuration_with_lobpcg() {
        let pts: Vec<[f64; 2]> = (0..(DENSE_UP_TO as i32 + 50))
            .map(|i| [f64::from(i).sin() * 3.0, f64::from(i * i % 17)])
            .collect();
        assert_recovers(&pts);
    }
}
