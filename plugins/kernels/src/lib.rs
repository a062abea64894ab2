//! CPU kernels for training REMAP's small CNNs, on row-major NCHW `f32` slices: 2-D
//! convolution (forward, weight, bias and input gradients) by im2col and one GEMM per sample,
//! max/average pooling forward and backward, and tanh and sigmoid. Samples (or chunks) run in
//! parallel on rayon's pool; the im2col buffers are reused per thread across calls.
//!
//! `remap-training` wires these into burn's autodiff on the CPU backend.

pub mod activation;
pub mod conv;
pub mod pool;
mod scratch;

pub use activation::Squash;
pub use conv::Conv2d;
pub use pool::{Pool2d, PoolKind};
