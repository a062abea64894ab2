//! Max and average pooling on NCHW `f32` slices (square window, no padding, floor output size
//! as PyTorch and burn's defaults), forward and backward, one channel plane per task. Max
//! pooling remembers each output's winning input position for its backward pass.

use rayon::prelude::*;

/// Which reduction a window applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    Max,
    Average,
}

/// The shape of one pooling: `planes` (batch × channels) planes of `h × w` reduced by a
/// `size × size` window every `stride` positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool2d {
    pub planes: usize,
    pub h: usize,
    pub w: usize,
    pub size: usize,
    pub stride: usize,
    pub out_h: usize,
    pub out_w: usize,
}

/// A forward pass's result: the output and, for max pooling, the index in its plane of each
/// output's maximum (what the backward pass routes the gradient to).
#[derive(Debug, Clone, PartialEq)]
pub struct Pooled {
    pub output: Vec<f32>,
    pub argmax: Vec<u32>,
}

impl Pool2d {
    pub fn new(planes: usize, [h, w]: [usize; 2], size: usize, stride: usize) -> Self {
        let out = |n: usize| {
            if n >= size {
                (n - size) / stride + 1
            } else {
                0
            }
        };
        Self {
            planes,
            h,
            w,
            size,
            stride,
            out_h: out(h),
            out_w: out(w),
        }
    }

    fn in_plane(&self) -> usize {
        self.h * self.w
    }

    fn out_plane(&self) -> usize {
        self.out_h * self.out_w
    }

    /// Planes per parallel task: about 16k input values, so small planes do not become
    /// thousands of tiny tasks.
    fn planes_per_task(&self) -> usize {
        (16_384 / self.in_plane().max(1)).max(1)
    }

    pub fn forward(&self, kind: PoolKind, input: &[f32]) -> Pooled {
        assert_eq!(
            input.len(),
            self.planes * self.in_plane(),
            "pool input size"
        );
        let mut output = vec![0.0; self.planes * self.out_plane()];
        let mut argmax = match kind {
            PoolKind::Max => vec![0u32; output.len()],
            PoolKind::Average => Vec::new(),
        };
        if output.is_empty() {
            return Pooled { output, argmax };
        }
        let (op, ip, group) = (self.out_plane(), self.in_plane(), self.planes_per_task());
        let tasks = output
            .par_chunks_mut(op * group)
            .zip(input.par_chunks(ip * group));
        match kind {
            PoolKind::Max => {
                tasks
                    .zip(argmax.par_chunks_mut(op * group))
                    .for_each(|((out, x), arg)| {
                        let planes = out.chunks_mut(op).zip(x.chunks(ip)).zip(arg.chunks_mut(op));
                        for ((out, x), arg) in planes {
                            if self.size == 2 && self.stride == 2 {
                                self.max_2x2(x, out, arg);
                            } else {
                                self.max_plane(x, out, arg);
                            }
                        }
                    })
            }
            PoolKind::Average => tasks.for_each(|(out, x)| {
                for (out, x) in out.chunks_mut(op).zip(x.chunks(ip)) {
                    self.average_plane(x, out);
                }
            }),
        }
        Pooled { output, argmax }
    }

    fn max_plane(&self, x: &[f32], out: &mut [f32], arg: &mut [u32]) {
        let (s, k, w) = (self.stride, self.size, self.w);
        for oy in 0..self.out_h {
            for ox in 0..self.out_w {
                let (mut best, mut at) = (f32::NEG_INFINITY, oy * s * w + ox * s);
                for ky in 0..k {
                    let row = (oy * s + ky) * w + ox * s;
                    for (i, &v) in x[row..row + k].iter().enumerate() {
                        // NaN wins, as in burn's and PyTorch's max pooling.
                        if v > best || v.is_nan() {
                            best = v;
                            at = row + i;
                        }
                    }
                }
                out[oy * self.out_w + ox] = best;
                arg[oy * self.out_w + ox] = at as u32;
            }
        }
    }

    /// [`Self::max_plane`] for a 2×2 window with stride 2 (the common case), comparing the
    /// four candidates in the same order.
    fn max_2x2(&self, x: &[f32], out: &mut [f32], arg: &mut [u32]) {
        let w = self.w;
        let rows = out
            .chunks_exact_mut(self.out_w)
            .zip(arg.chunks_exact_mut(self.out_w));
        for (oy, (out, arg)) in rows.enumerate() {
            let top = &x[2 * oy * w..(2 * oy + 1) * w];
            let bottom = &x[(2 * oy + 1) * w..(2 * oy + 2) * w];
            for (ox, (o, a)) in out.iter_mut().zip(arg.iter_mut()).enumerate() {
                let i = 2 * ox;
                let (mut best, mut at) = (top[i], i);
                for (v, j) in [
                    (top[i + 1], i + 1),
                    (bottom[i], w + i),
                    (bottom[i + 1], w + i + 1),
                ] {
                    if v > best || v.is_nan() {
                        (best, at) = (v, j);
                    }
                }
                *o = best;
                *a = (2 * oy * w + at) as u32;
            }
        }
    }

    fn average_plane(&self, x: &[f32], out: &mut [f32]) {
        let (s, k, w) = (self.stride, self.size, self.w);
        let scale = 1.0 / (k * k) as f32;
        for (oy, o) in out.chunks_mut(self.out_w).enumerate() {
            for ky in 0..k {
                let row = &x[(oy * s + ky) * w..];
                for (ox, o) in o.iter_mut().enumerate() {
                    *o += row[ox * s..ox * s + k].iter().sum::<f32>();
                }
            }
            o.iter_mut().for_each(|v| *v *= scale);
        }
    }

    /// The input gradient for `grad` (shaped as the output); `argmax` from the forward pass of
    /// max pooling (ignored for average pooling).
    pub fn backward(&self, kind: PoolKind, grad: &[f32], argmax: &[u32]) -> Vec<f32> {
        assert_eq!(grad.len(), self.planes * self.out_plane(), "pool grad size");
        let mut dx = vec![0.0; self.planes * self.in_plane()];
        if grad.is_empty() {
            return dx;
        }
        let (op, ip, group) = (self.out_plane(), self.in_plane(), self.planes_per_task());
        let tasks = dx
            .par_chunks_mut(ip * group)
            .zip(grad.par_chunks(op * group));
        match kind {
            PoolKind::Max => {
                assert_eq!(argmax.len(), grad.len(), "pool argmax size");
                tasks
                    .zip(argmax.par_chunks(op * group))
                    .for_each(|((dx, dy), arg)| {
                        let planes = dx.chunks_mut(ip).zip(dy.chunks(op)).zip(arg.chunks(op));
                        for ((dx, dy), arg) in planes {
                            for (&g, &at) in dy.iter().zip(arg) {
                                dx[at as usize] += g;
                            }
                        }
                    });
            }
            PoolKind::Average => tasks.for_each(|(dx, dy)| {
                for (dx, dy) in dx.chunks_mut(ip).zip(dy.chunks(op)) {
                    self.average_plane_backward(dy, dx);
                }
            }),
        }
        dx
    }

    fn average_plane_backward(&self, dy: &[f32], dx: &mut [f32]) {
        let (s, k, w) = (self.stride, self.size, self.w);
        let scale = 1.0 / (k * k) as f32;
        for (oy, g) in dy.chunks(self.out_w).enumerate() {
            for ky in 0..k {
                let row = &mut dx[(oy * s + ky) * w..];
                for (ox, &g) in g.iter().enumerate() {
                    let g = g * scale;
                    row[ox * s..ox * s + k].iter_mut().for_each(|d| *d += g);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| ((i * 37 + 11) % 101) as f32 / 50.0 - 1.0)
            .collect()
    }

    fn window(p: &Pool2d, x: &[f32], plane: usize, oy: usize, ox: usize) -> Vec<(usize, f32)> {
        let mut v = Vec::new();
        for ky in 0..p.size {
            for kx in 0..p.size {
                let i = (oy * p.stride + ky) * p.w + ox * p.stride + kx;
                v.push((i, x[plane * p.h * p.w + i]));
            }
        }
        v
    }

    #[test]
    fn forward_and_backward_match_the_definition() {
        for p in [
            Pool2d::new(3, [7, 6], 2, 2),
            Pool2d::new(2, [9, 9], 3, 2),
            Pool2d::new(1, [12, 11], 5, 2),
            Pool2d::new(2, [5, 5], 2, 1),
        ] {
            let x = values(p.planes * p.h * p.w);
            let dy = values(p.planes * p.out_h * p.out_w);
            let max = p.forward(PoolKind::Max, &x);
            let avg = p.forward(PoolKind::Average, &x);
            let mut dmax = vec![0.0; x.len()];
            let mut davg = vec![0.0; x.len()];
            for plane in 0..p.planes {
                for oy in 0..p.out_h {
                    for ox in 0..p.out_w {
                        let o = (plane * p.out_h + oy) * p.out_w + ox;
                        let win = window(&p, &x, plane, oy, ox);
                        let (at, best) = win
                            .iter()
                            .copied()
                            .fold((0, f32::NEG_INFINITY), |b, c| if c.1 > b.1 { c } else { b });
                        assert_eq!(max.output[o], best);
                        let mean = win.iter().map(|c| c.1).sum::<f32>() / win.len() as f32;
                        assert!((avg.output[o] - mean).abs() < 1e-6);
                        dmax[plane * p.h * p.w + at] += dy[o];
                        for (i, _) in &win {
                            davg[plane * p.h * p.w + i] += dy[o] / win.len() as f32;
                        }
                    }
                }
            }
            assert_eq!(p.backward(PoolKind::Max, &dy, &max.argmax), dmax);
            let got = p.backward(PoolKind::Average, &dy, &[]);
            for (a, b) in got.iter().zip(&davg) {
                assert!((a - b).abs() < 1e-6);
            }
        }
    }
}
