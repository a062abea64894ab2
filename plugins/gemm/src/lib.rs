//! `dst = (dst if accumulate) + lhs · rhs` on `f32` matrices given as slices with row and column
//! strides, computed by the `gemm` crate (the GEMM burn's flex backend uses). Strided views let
//! callers multiply by transposes without copying.

#![allow(unsafe_code)] // One call into `gemm::gemm`, guarded by the checks in `matmul`.

/// A read-only matrix: element (i, j) is `data[i * row_stride + j * col_stride]`.
#[derive(Debug, Clone, Copy)]
pub struct Mat<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

impl<'a> Mat<'a> {
    /// A row-major `rows × cols` matrix.
    pub fn rows(data: &'a [f32], rows: usize, cols: usize) -> Self {
        Self {
            data,
            rows,
            cols,
            row_stride: cols,
            col_stride: 1,
        }
    }

    /// The transpose, without copying.
    pub fn t(self) -> Self {
        Self {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }

    /// One past the largest index an element can have (0 when empty).
    fn extent(&self) -> usize {
        if self.rows == 0 || self.cols == 0 {
            0
        } else {
            (self.rows - 1) * self.row_stride + (self.cols - 1) * self.col_stride + 1
        }
    }
}

/// Whether the product runs on the calling thread or splits over rayon's pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    One,
    /// Every thread of the current rayon pool.
    All,
}

/// `dst = (dst if accumulate) + lhs · rhs`, with `dst` row-major `lhs.rows × rhs.cols` and
/// `dst_stride` elements between its rows (`>= rhs.cols`).
///
/// # Panics
/// When the shapes do not agree or a view reaches past its slice.
pub fn matmul(
    dst: &mut [f32],
    dst_stride: usize,
    accumulate: bool,
    lhs: Mat,
    rhs: Mat,
    threads: Threads,
) {
    let (m, k, n) = (lhs.rows, lhs.cols, rhs.cols);
    assert_eq!(rhs.rows, k, "matmul: inner dimensions differ");
    assert!(dst_stride >= n, "matmul: destination rows overlap");
    assert!(
        lhs.extent() <= lhs.data.len(),
        "matmul: lhs view out of bounds"
    );
    assert!(
        rhs.extent() <= rhs.data.len(),
        "matmul: rhs view out of bounds"
    );
    let dst_extent = if m == 0 || n == 0 {
        0
    } else {
        (m - 1) * dst_stride + n
    };
    assert!(dst_extent <= dst.len(), "matmul: dst view out of bounds");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            for row in dst.chunks_mut(dst_stride).take(m) {
                row[..n].fill(0.0);
            }
        }
        return;
    }
    let parallelism = match threads {
        Threads::One => gemm::Parallelism::None,
        Threads::All => gemm::Parallelism::Rayon(0),
    };
    let s = |v: usize| v as isize;
    // SAFETY: every element (i, j) the product reads or writes lies inside its slice (checked
    // above from the shapes and strides, all non-negative); `dst` is exclusively borrowed and
    // its rows do not overlap (`dst_stride >= n`), so no two threads write the same element.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            s(dst_stride),
            accumulate,
            lhs.data.as_ptr(),
            s(lhs.col_stride),
            s(lhs.row_stride),
            rhs.data.as_ptr(),
            s(rhs.col_stride),
            s(rhs.row_stride),
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(lhs: Mat, rhs: Mat) -> Vec<f32> {
        let mut out = vec![0.0; lhs.rows * rhs.cols];
        for i in 0..lhs.rows {
            for j in 0..rhs.cols {
                out[i * rhs.cols + j] = (0..lhs.cols)
                    .map(|p| {
                        lhs.data[i * lhs.row_stride + p * lhs.col_stride]
                            * rhs.data[p * rhs.row_stride + j * rhs.col_stride]
                    })
                    .sum();
            }
        }
        out
    }

    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n)
            .map(|i| (((i as u32).wrapping_mul(2654435761) ^ seed) % 1000) as f32 / 500.0 - 1.0)
            .collect()
    }

    #[test]
    fn products_and_transposes_match_the_definition() {
        let a = values(7 * 5, 1);
        let b = values(5 * 3, 2);
        for (lhs, rhs) in [
            (Mat::rows(&a, 7, 5), Mat::rows(&b, 5, 3)),
            (Mat::rows(&a, 5, 7).t(), Mat::rows(&b, 3, 5).t()),
        ] {
            for threads in [Threads::One, Threads::All] {
                let mut dst = vec![1.0; lhs.rows * rhs.cols];
                matmul(&mut dst, rhs.cols, true, lhs, rhs, threads);
                let want: Vec<f32> = naive(lhs, rhs).iter().map(|v| v + 1.0).collect();
                for (x, y) in dst.iter().zip(&want) {
                    assert!((x - y).abs() < 1e-5, "{x} vs {y}");
                }
                matmul(&mut dst, rhs.cols, false, lhs, rhs, threads);
                for (x, y) in dst.iter().zip(naive(lhs, rhs)) {
                    assert!((x - y).abs() < 1e-5);
                }
            }
        }
    }

    #[test]
    #[should_panic(expected = "out of bounds")]
    fn a_view_past_its_slice_panics() {
        let a = values(6, 1);
        let mut dst = vec![0.0; 4];
        matmul(
            &mut dst,
            2,
            false,
            Mat::rows(&a, 2, 4),
            Mat::rows(&a, 4, 2),
            Threads::One,
        );
    }
}
