//! Our own CPU kernels (`remap-kernels`) in burn's training: convolution, pooling, tanh and
//! sigmoid on the flex backend, forward and backward, as custom operations of burn's autodiff.
//! Tensors on any other device (wgpu) take burn's own ops.

pub mod activation;
mod bridge;
pub mod conv;
pub mod pool;

pub use activation::{sigmoid, tanh};
pub use conv::conv2d;
pub use pool::pool2d;
