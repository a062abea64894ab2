//! Our own CPU kernels (`remap-kernels`) in burn's training: convolution and pooling on the
//! flex backend, forward and backward, as custom operations of burn's autodiff. Tensors on any
//! other device (wgpu) take burn's own ops.

mod bridge;
pub mod conv;
pub mod pool;

pub use conv::conv2d;
pub use pool::pool2d;
