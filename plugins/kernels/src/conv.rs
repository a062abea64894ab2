//! 2-D convolution on NCHW `f32` slices (groups 1, dilation 1) by im2col and GEMM, one sample
//! per task: the forward pass is `W · col(x)` per sample, the weight gradient accumulates
//! `dY · col(x)ᵀ` per run of samples (one GEMM over the whole batch, split into a fixed number
//! of runs), the input gradient is `Wᵀ · dY` scattered back by col2im. Each sample's column matrix is built in a
//! per-thread buffer that stays in cache; a 1×1 convolution with stride 1 and no padding uses
//! the input itself.

use rayon::prelude::*;
use remap_gemm::{Mat, Threads, matmul};

use crate::scratch;

/// Runs of samples the weight gradient is split into (spread over however many threads).
const WEIGHT_GRAD_RUNS: usize = 16;

/// The shape of one convolution: input `batch × c_in × h × w`, weight
/// `c_out × c_in × kh × kw`, output `batch × c_out × out_h × out_w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conv2d {
    pub batch: usize,
    pub c_in: usize,
    pub h: usize,
    pub w: usize,
    pub c_out: usize,
    pub kh: usize,
    pub kw: usize,
    pub stride: [usize; 2],
    /// Zeros added before the first row and column (the padding after them follows from the
    /// output size).
    pub pad: [usize; 2],
    pub out_h: usize,
    pub out_w: usize,
}

/// The gradients of one convolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Grads {
    /// Same shape as the input; `None` when not asked for.
    pub input: Option<Vec<f32>>,
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
}

impl Conv2d {
    /// The geometry for explicit padding `[(top, bottom), (left, right)]`.
    pub fn new(
        [batch, c_in, h, w]: [usize; 4],
        [c_out, kh, kw]: [usize; 3],
        stride: [usize; 2],
        [(top, bottom), (left, right)]: [(usize, usize); 2],
    ) -> Self {
        let out = |size: usize, before: usize, after: usize, k: usize, s: usize| {
            (size + before + after).saturating_sub(k) / s + 1
        };
        Self {
            batch,
            c_in,
            h,
            w,
            c_out,
            kh,
            kw,
            stride,
            pad: [top, left],
            out_h: out(h, top, bottom, kh, stride[0]),
            out_w: out(w, left, right, kw, stride[1]),
        }
    }

    fn in_size(&self) -> usize {
        self.c_in * self.h * self.w
    }

    fn out_size(&self) -> usize {
        self.c_out * self.out_h * self.out_w
    }

    /// Rows of the column matrix: one per (input channel, kernel row, kernel column).
    fn patch(&self) -> usize {
        self.c_in * self.kh * self.kw
    }

    fn positions(&self) -> usize {
        self.out_h * self.out_w
    }

    /// The column matrix is the input itself.
    fn pointwise(&self) -> bool {
        self.kh == 1 && self.kw == 1 && self.stride == [1, 1] && self.pad == [0, 0]
    }

    /// Output `batch × c_out × out_h × out_w` of `input` with `weight` and `bias`.
    pub fn forward(&self, input: &[f32], weight: &[f32], bias: Option<&[f32]>) -> Vec<f32> {
        assert_eq!(input.len(), self.batch * self.in_size(), "conv input size");
        assert_eq!(weight.len(), self.c_out * self.patch(), "conv weight size");
        let (positions, patch) = (self.positions(), self.patch());
        let mut out = vec![0.0; self.batch * self.out_size()];
        if positions == 0 {
            return out;
        }
        let w = Mat::rows(weight, self.c_out, patch);
        out.par_chunks_mut(self.out_size().max(1))
            .zip(input.par_chunks(self.in_size().max(1)))
            .for_each(|(out, x)| {
                if let Some(bias) = bias {
                    for (row, &b) in out.chunks_mut(positions).zip(bias) {
                        row.fill(b);
                    }
                }
                if self.pointwise() && self.c_in == 1 {
                    // A scaled copy of the one input plane per filter; no GEMM with one term.
                    for (row, &w) in out.chunks_mut(positions).zip(weight) {
                        row.iter_mut().zip(x).for_each(|(o, &x)| *o += w * x);
                    }
                    return;
                }
                self.with_columns(x, |col| {
                    let col = Mat::rows(col, patch, positions);
                    matmul(out, positions, bias.is_some(), w, col, Threads::One);
                });
            });
        out
    }

    /// Gradients for `grad` (shaped as the output) given the forward pass's `input` and
    /// `weight`; the input gradient only when `input_grad`.
    pub fn backward(&self, input: &[f32], weight: &[f32], grad: &[f32], input_grad: bool) -> Grads {
        assert_eq!(input.len(), self.batch * self.in_size(), "conv input size");
        assert_eq!(weight.len(), self.c_out * self.patch(), "conv weight size");
        assert_eq!(grad.len(), self.batch * self.out_size(), "conv grad size");
        let (positions, patch, c_out) = (self.positions(), self.patch(), self.c_out);
        // The input gradient by col2im, sample by sample beside the weight gradient, or after
        // it as one more convolution.
        let col2im = input_grad && !self.correlation();
        let mut dx = if col2im {
            vec![0.0; input.len()]
        } else {
            Vec::new()
        };
        let w_t = Mat::rows(weight, c_out, patch).t();
        // Contiguous runs of samples, each with its own weight-gradient sum, added up in run
        // order. Their number depends on the batch only, not on the threads, so a job whose
        // share of threads changes while it trains gets the same gradients to the last bit.
        let runs = WEIGHT_GRAD_RUNS.clamp(1, self.batch.max(1));
        let per_run = self.batch.div_ceil(runs).max(1);
        let sample_ranges: Vec<(usize, usize)> = (0..self.batch)
            .step_by(per_run)
            .map(|start| (start, (start + per_run).min(self.batch)))
            .collect();
        let mut dx_runs: Vec<&mut [f32]> = if col2im {
            dx.chunks_mut(per_run * self.in_size().max(1)).collect()
        } else {
            sample_ranges
                .iter()
                .map(|_| <&mut [f32]>::default())
                .collect()
        };
        let partial: Vec<(Vec<f32>, Vec<f32>)> = dx_runs
            .par_iter_mut()
            .zip(sample_ranges.par_iter())
            .map(|(dx_run, &(start, end))| {
                let mut dw = vec![0.0; c_out * patch];
                let mut db = vec![0.0; c_out];
                for n in start..end {
                    let x = &input[n * self.in_size()..(n + 1) * self.in_size()];
                    let dy = &grad[n * self.out_size()..(n + 1) * self.out_size()];
                    for (b, row) in db.iter_mut().zip(dy.chunks(positions.max(1))) {
                        *b += row.iter().sum::<f32>();
                    }
                    if positions == 0 {
                        continue;
                    }
                    let dy_mat = Mat::rows(dy, c_out, positions);
                    self.with_columns(x, |col| {
                        let col_t = Mat::rows(col, patch, positions).t();
                        matmul(&mut dw, patch, true, dy_mat, col_t, Threads::One);
                    });
                    if col2im {
                        let dx = &mut dx_run[(n - start) * self.in_size()..][..self.in_size()];
                        if self.pointwise() {
                            matmul(dx, positions, false, w_t, dy_mat, Threads::One);
                        } else {
                            scratch::with(patch * positions, 0, |dcol, _| {
                                matmul(dcol, positions, false, w_t, dy_mat, Threads::One);
                                self.col2im(dcol, dx);
                            });
                        }
                    }
                }
                (dw, db)
            })
            .collect();
        if input_grad && self.correlation() {
            dx = self.input_grad_by_correlation(weight, grad);
        }
        let mut weight_grad = vec![0.0; c_out * patch];
        let mut bias_grad = vec![0.0; c_out];
        for (dw, db) in partial {
            weight_grad.iter_mut().zip(dw).for_each(|(a, b)| *a += b);
            bias_grad.iter_mut().zip(db).for_each(|(a, b)| *a += b);
        }
        Grads {
            input: input_grad.then_some(dx),
            weight: weight_grad,
            bias: bias_grad,
        }
    }

    /// Whether the input gradient is computed as a forward convolution of the output
    /// gradient (stride 1, not pointwise): one GEMM with `c_out · kh · kw` terms per output
    /// instead of a GEMM with `c_out` terms into a larger column matrix and col2im.
    fn correlation(&self) -> bool {
        let [top, left] = self.pad;
        self.stride == [1, 1]
            && !self.pointwise()
            && top < self.kh
            && left < self.kw
            // No more padding after the input than the kernel covers.
            && self.out_h <= self.h + top
            && self.out_w <= self.w + left
            // Its column matrix is not much larger than col2im's (few input channels: no).
            && self.c_out * self.h * self.w <= 2 * self.c_in * self.positions()
    }

    /// `dx[c, y, x] = Σ dY[f, y − ky + pad, x − kx + pad] · w[f, c, ky, kx]`: the output
    /// gradient, padded by `k − 1 − pad`, convolved with the weights flipped in space and
    /// with input and output channels swapped.
    fn input_grad_by_correlation(&self, weight: &[f32], grad: &[f32]) -> Vec<f32> {
        let (kh, kw, c_in, c_out) = (self.kh, self.kw, self.c_in, self.c_out);
        let mut flipped = vec![0.0; weight.len()];
        for f in 0..c_out {
            for c in 0..c_in {
                for ky in 0..kh {
                    for kx in 0..kw {
                        flipped[((c * c_out + f) * kh + kh - 1 - ky) * kw + kw - 1 - kx] =
                            weight[((f * c_in + c) * kh + ky) * kw + kx];
                    }
                }
            }
        }
        // Padding after the last row and column so that the output is `h × w` again.
        let bottom = self.h + self.pad[0] - self.out_h;
        let right = self.w + self.pad[1] - self.out_w;
        let transposed = Conv2d::new(
            [self.batch, c_out, self.out_h, self.out_w],
            [c_in, kh, kw],
            [1, 1],
            [
                (kh - 1 - self.pad[0], bottom),
                (kw - 1 - self.pad[1], right),
            ],
        );
        debug_assert_eq!((transposed.out_h, transposed.out_w), (self.h, self.w));
        transposed.forward(grad, &flipped, None)
    }

    /// Runs `f` with the column matrix (`patch × positions`, row-major) of one sample `x`.
    fn with_columns<R>(&self, x: &[f32], f: impl FnOnce(&[f32]) -> R) -> R {
        if self.pointwise() {
            return f(x);
        }
        scratch::with(self.patch() * self.positions(), 0, |col, _| {
            self.im2col(x, col);
            f(col)
        })
    }

    /// The output columns `[lo, hi)` whose input column `ox * stride + kx - pad` lies inside
    /// `0..size`.
    fn valid(out: usize, size: usize, k: usize, stride: usize, pad: usize) -> (usize, usize) {
        // ox * stride + k >= pad  and  ox * stride + k < size + pad
        let lo = pad.saturating_sub(k).div_ceil(stride);
        let hi = if size + pad > k {
            (size + pad - k).div_ceil(stride).min(out)
        } else {
            0
        };
        (lo.min(hi), hi)
    }

    /// `col[(c, ky, kx), (oy, ox)] = x[c, oy·s + ky − pad, ox·s + kx − pad]`, zero outside.
    fn im2col(&self, x: &[f32], col: &mut [f32]) {
        let (oh, ow) = (self.out_h, self.out_w);
        let [sy, sx] = self.stride;
        let [py, px] = self.pad;
        let mut rows = col.chunks_exact_mut(oh * ow);
        for plane in x.chunks_exact(self.h * self.w) {
            for ky in 0..self.kh {
                let (y_lo, y_hi) = Self::valid(oh, self.h, ky, sy, py);
                for kx in 0..self.kw {
                    let (x_lo, x_hi) = Self::valid(ow, self.w, kx, sx, px);
                    let row = rows.next().expect("column rows");
                    row[..y_lo * ow].fill(0.0);
                    row[y_hi * ow..].fill(0.0);
                    for oy in y_lo..y_hi {
                        let out = &mut row[oy * ow..(oy + 1) * ow];
                        out[..x_lo].fill(0.0);
                        out[x_hi..].fill(0.0);
                        let iy = oy * sy + ky - py;
                        let src = &plane[iy * self.w..(iy + 1) * self.w];
                        let start = x_lo * sx + kx - px;
                        if sx == 1 {
                            out[x_lo..x_hi].copy_from_slice(&src[start..start + x_hi - x_lo]);
                        } else {
                            for (o, s) in out[x_lo..x_hi]
                                .iter_mut()
                                .zip(src[start..].iter().step_by(sx))
                            {
                                *o = *s;
                            }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of [`Self::im2col`]: `dx = 0`, then every column entry is added to the
    /// input element it was copied from.
    fn col2im(&self, col: &[f32], dx: &mut [f32]) {
        let (oh, ow) = (self.out_h, self.out_w);
        let [sy, sx] = self.stride;
        let [py, px] = self.pad;
        dx.fill(0.0);
        let mut rows = col.chunks_exact(oh * ow);
        for plane in dx.chunks_exact_mut(self.h * self.w) {
            for ky in 0..self.kh {
                let (y_lo, y_hi) = Self::valid(oh, self.h, ky, sy, py);
                for kx in 0..self.kw {
                    let (x_lo, x_hi) = Self::valid(ow, self.w, kx, sx, px);
                    let row = rows.next().expect("column rows");
                    for oy in y_lo..y_hi {
                        let src = &row[oy * ow + x_lo..oy * ow + x_hi];
                        let iy = oy * sy + ky - py;
                        let start = iy * self.w + x_lo * sx + kx - px;
                        if sx == 1 {
                            let dst = &mut plane[start..start + src.len()];
                            dst.iter_mut().zip(src).for_each(|(d, s)| *d += s);
                        } else {
                            plane[start..]
                                .iter_mut()
                                .step_by(sx)
                                .zip(src)
                                .for_each(|(d, s)| *d += s);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, element by element.
    fn reference(g: &Conv2d, x: &[f32], w: &[f32], b: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0; g.batch * g.out_size()];
        for n in 0..g.batch {
            for f in 0..g.c_out {
                for oy in 0..g.out_h {
                    for ox in 0..g.out_w {
                        let mut s = b[f];
                        for c in 0..g.c_in {
                            for ky in 0..g.kh {
                                for kx in 0..g.kw {
                                    let iy = (oy * g.stride[0] + ky) as isize - g.pad[0] as isize;
                                    let ix = (ox * g.stride[1] + kx) as isize - g.pad[1] as isize;
                                    if iy >= 0
                                        && ix >= 0
                                        && (iy as usize) < g.h
                                        && (ix as usize) < g.w
                                    {
                                        s += x[((n * g.c_in + c) * g.h + iy as usize) * g.w
                                            + ix as usize]
                                            * w[((f * g.c_in + c) * g.kh + ky) * g.kw + kx];
                                    }
                                }
                            }
                        }
                        out[((n * g.c_out + f) * g.out_h + oy) * g.out_w + ox] = s;
                    }
                }
            }
        }
        out
    }

    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut s = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
            })
            .collect()
    }

    fn close(a: &[f32], b: &[f32]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() <= 1e-4 * (1.0 + y.abs()), "{x} vs {y}");
        }
    }

    fn shapes() -> Vec<Conv2d> {
        vec![
            Conv2d::new([2, 3, 7, 6], [4, 3, 3], [1, 1], [(0, 0), (0, 0)]),
            Conv2d::new([1, 2, 9, 8], [3, 3, 2], [2, 2], [(1, 1), (0, 1)]),
            Conv2d::new([3, 1, 5, 5], [2, 5, 5], [1, 1], [(2, 2), (2, 2)]),
            Conv2d::new([2, 4, 4, 3], [5, 1, 1], [1, 1], [(0, 0), (0, 0)]),
            Conv2d::new([2, 1, 5, 3], [4, 1, 1], [1, 1], [(0, 0), (0, 0)]),
            Conv2d::new([2, 2, 6, 7], [3, 3, 3], [2, 1], [(1, 1), (1, 1)]),
        ]
    }

    #[test]
    fn forward_matches_the_definition() {
        for g in shapes() {
            let x = values(g.batch * g.in_size(), 1);
            let w = values(g.c_out * g.patch(), 2);
            let b = values(g.c_out, 3);
            close(&g.forward(&x, &w, Some(&b)), &reference(&g, &x, &w, &b));
        }
    }

    /// Gradients of `sum(out · r)` against central differences of the definition (in f64
    /// terms: the reference is linear, so a unit step is exact up to rounding).
    #[test]
    fn gradients_match_the_definition() {
        for g in shapes() {
            let x = values(g.batch * g.in_size(), 4);
            let w = values(g.c_out * g.patch(), 5);
            let b = values(g.c_out, 6);
            let r = values(g.batch * g.out_size(), 7);
            let loss = |x: &[f32], w: &[f32], b: &[f32]| -> f64 {
                reference(&g, x, w, b)
                    .iter()
                    .zip(&r)
                    .map(|(o, r)| f64::from(o * r))
                    .sum()
            };
            let grads = g.backward(&x, &w, &r, true);
            let numeric = |v: &[f32], i: usize, f: &dyn Fn(&[f32]) -> f64| {
                let (mut up, mut down) = (v.to_vec(), v.to_vec());
                up[i] += 0.5;
                down[i] -= 0.5;
                (f(&up) - f(&down)) as f32
            };
            let dx: Vec<f32> = (0..x.len())
                .map(|i| numeric(&x, i, &|x| loss(x, &w, &b)))
                .collect();
            let dw: Vec<f32> = (0..w.len())
                .map(|i| numeric(&w, i, &|w| loss(&x, w, &b)))
                .collect();
            let db: Vec<f32> = (0..b.len())
                .map(|i| numeric(&b, i, &|b| loss(&x, &w, b)))
                .collect();
            close(grads.input.as_deref().unwrap(), &dx);
            close(&grads.weight, &dw);
            close(&grads.bias, &db);
            assert!(g.backward(&x, &w, &r, false).input.is_none());
        }
    }
}
