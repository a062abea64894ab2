//! Tanh and sigmoid, forward and backward, on `f32` slices: branch-free approximations that the
//! compiler vectorises, in parallel chunks. The C library's `tanhf` and `expf` that burn's CPU
//! ops call one element at a time took most of a tanh net's training time.
//!
//! Accuracy: tanh is Eigen's rational approximation (a 13th/6th-degree ratio, exact sign, ±1
//! beyond ±7.9); `exp` is Cephes' (range reduction to |r| ≤ ln 2 / 2 and a degree-6
//! polynomial). Both stay within a few units in the last place of `f32` (the tests hold them to
//! 2·10⁻⁶ relative against `f64`).

use rayon::prelude::*;

/// Elements per parallel task.
const CHUNK: usize = 1 << 14;

/// A squashing activation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Squash {
    Tanh,
    Sigmoid,
}

impl Squash {
    /// The activation of every element of `x`.
    pub fn forward(self, x: &[f32]) -> Vec<f32> {
        let mut y = vec![0.0; x.len()];
        y.par_chunks_mut(CHUNK)
            .zip(x.par_chunks(CHUNK))
            .for_each(|(y, x)| match self {
                Squash::Tanh => y.iter_mut().zip(x).for_each(|(y, &x)| *y = tanh(x)),
                Squash::Sigmoid => y.iter_mut().zip(x).for_each(|(y, &x)| *y = sigmoid(x)),
            });
        y
    }

    /// The input gradient from the forward pass's output `y` and the output gradient `dy`:
    /// `dy·(1 − y²)` for tanh, `dy·y·(1 − y)` for sigmoid.
    pub fn backward(self, y: &[f32], dy: &[f32]) -> Vec<f32> {
        assert_eq!(y.len(), dy.len(), "activation gradient size");
        let mut dx = vec![0.0; y.len()];
        dx.par_chunks_mut(CHUNK)
            .zip(y.par_chunks(CHUNK).zip(dy.par_chunks(CHUNK)))
            .for_each(|(dx, (y, dy))| {
                let each = dx.iter_mut().zip(y.iter().zip(dy));
                match self {
                    Squash::Tanh => each.for_each(|(dx, (&y, &dy))| *dx = dy * (1.0 - y * y)),
                    Squash::Sigmoid => each.for_each(|(dx, (&y, &dy))| *dx = dy * y * (1.0 - y)),
                }
            });
        dx
    }
}

/// `tanh(x)` by Eigen's rational approximation (`generic_fast_tanh_float`).
#[inline]
pub fn tanh(x: f32) -> f32 {
    // Beyond this the ratio rounds to ±1 in f32.
    const CLAMP: f32 = 7.905_311;
    const ALPHA: [f32; 7] = [
        4.893_524_5e-3,
        6.372_619_3e-4,
        1.485_722_4e-5,
        5.122_297e-8,
        -8.604_671e-11,
        2.000_188e-13,
        -2.760_768_5e-16,
    ];
    const BETA: [f32; 4] = [4.893_525e-3, 2.268_434_6e-3, 1.185_347_1e-4, 1.198_258_4e-6];
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = ALPHA[6];
    for a in ALPHA[..6].iter().rev() {
        p = p * x2 + a;
    }
    let p = p * x;
    let q = ((BETA[3] * x2 + BETA[2]) * x2 + BETA[1]) * x2 + BETA[0];
    p / q
}

/// `1 / (1 + e⁻ˣ)`.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// `eˣ` by Cephes' `expf`: `x = k·ln 2 + r`, a polynomial in `r`, times `2ᵏ`. Saturates to 0
/// below −87.3 and to `f32::MAX`-scale values above 88.7 (no infinities, no NaN from ±∞).
#[inline]
pub fn exp(x: f32) -> f32 {
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two so that k·C1 is exact.
    const C1: f32 = 0.693_359_4;
    const C2: f32 = -2.121_944_4e-4;
    const P: [f32; 6] = [
        1.987_569_1e-4,
        1.398_199_9e-3,
        8.333_452e-3,
        4.166_579_6e-2,
        1.666_666_5e-1,
        5e-1,
    ];
    let x = x.clamp(-87.3, 88.7);
    let k = (x * LOG2E).round();
    let r = x - k * C1 - k * C2;
    let mut p = P[0];
    for c in &P[1..] {
        p = p * r + c;
    }
    let e = p * r * r + r + 1.0;
    // 2ᵏ from its exponent bits (k is within −126..=128 after the clamp).
    let two_k = f32::from_bits(((k as i32 + 127).clamp(1, 254) as u32) << 23);
    e * two_k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The largest relative error of `f` against `exact` over `x` in `lo..hi` (100,001 points).
    fn worst(f: fn(f32) -> f32, exact: fn(f64) -> f64, lo: f32, hi: f32) -> f64 {
        (0..=100_000)
            .map(|i| lo + (hi - lo) * i as f32 / 100_000.0)
            .map(|x| {
                let want = exact(f64::from(x));
                let got = f64::from(f(x));
                if want == 0.0 {
                    got.abs()
                } else {
                    ((got - want) / want).abs()
                }
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn tanh_sigmoid_and_exp_stay_within_two_millionths() {
        let tanh_error = worst(tanh, f64::tanh, -12.0, 12.0);
        assert!(tanh_error < 2e-6, "tanh: {tanh_error:e}");
        let tiny = worst(tanh, f64::tanh, -1e-3, 1e-3);
        assert!(tiny < 2e-6, "tanh near 0: {tiny:e}");
        let sigmoid_error = worst(sigmoid, |x| 1.0 / (1.0 + (-x).exp()), -80.0, 80.0);
        assert!(sigmoid_error < 2e-6, "sigmoid: {sigmoid_error:e}");
        let exp_error = worst(exp, f64::exp, -80.0, 80.0);
        assert!(exp_error < 2e-6, "exp: {exp_error:e}");
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
        assert!(sigmoid(-200.0) < 1e-37);
        assert_eq!(sigmoid(200.0), 1.0);
    }

    #[test]
    fn slices_and_gradients_follow_the_definitions() {
        let x: Vec<f32> = (0..40_000)
            .map(|i| (i as f32 - 20_000.0) / 2_500.0)
            .collect();
        let dy: Vec<f32> = (0..x.len()).map(|i| (i % 7) as f32 - 3.0).collect();
        for kind in [Squash::Tanh, Squash::Sigmoid] {
            let y = kind.forward(&x);
            let dx = kind.backward(&y, &dy);
            for i in (0..x.len()).step_by(997) {
                let xi = f64::from(x[i]);
                let (want, slope) = match kind {
                    Squash::Tanh => (xi.tanh(), 1.0 - xi.tanh().powi(2)),
                    Squash::Sigmoid => {
                        let s = 1.0 / (1.0 + (-xi).exp());
                        (s, s * (1.0 - s))
                    }
                };
                assert!((f64::from(y[i]) - want).abs() <= 2e-6 * want.abs().max(1e-3));
                let g = f64::from(dy[i]) * slope;
                assert!(
                    (f64::from(dx[i]) - g).abs() <= 1e-5 * g.abs().max(1.0),
                    "{kind:?} at {xi}"
                );
            }
        }
    }
}
