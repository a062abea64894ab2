//! Per-thread scratch buffers, kept across calls so a training loop does not allocate and
//! zero the im2col matrices afresh every batch.

use std::cell::RefCell;

thread_local! {
    static BUFFERS: RefCell<[Vec<f32>; 2]> = const { RefCell::new([Vec::new(), Vec::new()]) };
}

/// Runs `f` with two of this thread's buffers, at least `a` and `b` elements long (contents
/// unspecified).
pub(crate) fn with<R>(a: usize, b: usize, f: impl FnOnce(&mut [f32], &mut [f32]) -> R) -> R {
    BUFFERS.with(|cell| {
        let mut buffers = cell.borrow_mut();
        let [x, y] = &mut *buffers;
        if x.len() < a {
            x.resize(a, 0.0);
        }
        if y.len() < b {
            y.resize(b, 0.0);
        }
        f(&mut x[..a], &mut y[..b])
    })
}
