//! Moving tensors between burn's runtime-dispatched `Tensor` and the flex backend's primitives,
//! plain or tracked by autodiff (without gradient checkpointing, as `Device::flex().autodiff()`
//! trains).

use burn::backend::autodiff::checkpoint::strategy::NoCheckpointing;
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{
    Autodiff, BackendTensor, DispatchAutodiffContext, DispatchTensor, DispatchTensorKind, Flex,
    GradientCheckpointingStrategy,
};
use burn::tensor::{DType, Tensor, TensorData};

/// The tracked flex primitive.
pub(crate) type Tracked = FloatTensor<Autodiff<Flex, NoCheckpointing>>;

/// A float tensor on the flex backend, as the primitive the kernels take.
pub(crate) enum Cpu {
    Plain(FlexTensor),
    Tracked(Tracked),
}

/// The primitive of `t` when it is an `f32` flex tensor, otherwise `t` back.
// The error hands the caller's own tensor back unchanged; boxing it would allocate per op.
#[allow(clippy::result_large_err)]
pub(crate) fn split<const D: usize>(t: Tensor<D>) -> Result<Cpu, Tensor<D>> {
    if t.dtype() != DType::F32 {
        return Err(t);
    }
    let d = t.into_dispatch();
    let checkpointing = DispatchAutodiffContext::Enabled(GradientCheckpointingStrategy::Disabled);
    match (d.kind, d.autodiff) {
        (DispatchTensorKind::Flex(BackendTensor::Float(f)), DispatchAutodiffContext::Disabled) => {
            Ok(Cpu::Plain(f))
        }
        (DispatchTensorKind::Autodiff(inner), autodiff) if autodiff == checkpointing => {
            match *inner {
                DispatchTensorKind::Flex(BackendTensor::Autodiff(a)) => Ok(Cpu::Tracked(a)),
                other => Err(Tensor::from_dispatch(DispatchTensor {
                    kind: DispatchTensorKind::Autodiff(Box::new(other)),
                    autodiff,
                })),
            }
        }
        (kind, autodiff) => Err(Tensor::from_dispatch(DispatchTensor { kind, autodiff })),
    }
}

pub(crate) fn plain<const D: usize>(t: FlexTensor) -> Tensor<D> {
    Tensor::from_primitive::<Flex>(t)
}

pub(crate) fn tracked<const D: usize>(t: Tracked) -> Tensor<D> {
    Tensor::from_primitive::<Autodiff<Flex, NoCheckpointing>>(t)
}

/// A contiguous `f32` flex tensor of `shape` owning `values`.
pub(crate) fn flex(values: Vec<f32>, shape: &[usize]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape.to_vec()))
}

/// The values of `t` in row-major order (borrowed when `t` is contiguous).
pub(crate) fn values(t: &FlexTensor) -> std::borrow::Cow<'_, [f32]> {
    match t.as_slice::<f32>() {
        Some(v) => std::borrow::Cow::Borrowed(v),
        None => std::borrow::Cow::Owned(
            t.to_contiguous()
                .into_data()
                .try_into_vec::<f32>()
                .expect("an f32 tensor"),
        ),
    }
}
