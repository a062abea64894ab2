//! The weights of a [`Net`] under PyTorch's names and in PyTorch's layouts.

use remap_architecture::Architecture;
use remap_training::Net;
use remap_training::burn::module::Param;
use remap_training::burn::nn::Linear;
use remap_training::burn::tensor::Tensor;
use remap_training::model::Block;

use crate::ExportError;

/// One weight tensor: `layers.{i}.weight`, `layers.{i}.bias`, `head.weight` or `head.bias`,
/// where `i` is the hidden layer's index in the architecture. Conv weights are
/// `[out, in, kh, kw]`, linear weights `[out, in]`, values row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTensor {
    pub name: String,
    pub shape: Vec<usize>,
    pub values: Vec<f32>,
}

/// Every weight of `net`, layer by layer, the head last.
pub fn named_tensors(arch: &Architecture, net: &Net) -> Result<Vec<NamedTensor>, ExportError> {
    let analysis = arch.analyze()?;
    if net.blocks.len() != arch.layers.len() {
        return Err(ExportError::Weights(format!(
            "{} blocks for {} layers",
            net.blocks.len(),
            arch.layers.len()
        )));
    }
    let mut out = Vec::new();
    for (i, (block, report)) in net.blocks.iter().zip(&analysis.layers).enumerate() {
        let prefix = format!("layers.{i}");
        match block {
            Block::Conv(conv) => {
                let weight = tensor(&format!("{prefix}.weight"), &conv.weight)?;
                let filters = report.output.channels() as usize;
                let c_in = report.input.channels() as usize;
                if weight.shape.len() != 4 || weight.shape[..2] != [filters, c_in] {
                    return Err(ExportError::Weights(format!(
                        "{prefix}: conv weight {:?} for {c_in} → {filters} channels",
                        weight.shape
                    )));
                }
                out.push(weight);
                if let Some(bias) = &conv.bias {
                    out.push(tensor(&format!("{prefix}.bias"), bias)?);
                }
            }
            Block::Dense(linear) => {
                out.extend(linear_tensors(
                    &prefix,
                    linear,
                    report.input.size() as usize,
                )?);
            }
            _ => {}
        }
    }
    out.extend(linear_tensors(
        "head",
        &net.head,
        analysis.head.input.size() as usize,
    )?);
    Ok(out)
}

/// A linear layer's weight transposed from burn's `[in, out]` to PyTorch's `[out, in]`.
fn linear_tensors(
    prefix: &str,
    linear: &Linear,
    n_in: usize,
) -> Result<Vec<NamedTensor>, ExportError> {
    let burn = tensor(&format!("{prefix}.weight"), &linear.weight)?;
    let [rows, cols] = burn.shape[..] else {
        return Err(ExportError::Weights(format!(
            "{prefix}: weight is not a matrix"
        )));
    };
    if rows != n_in {
        return Err(ExportError::Weights(format!(
            "{prefix}: weight {rows}×{cols} for {n_in} inputs"
        )));
    }
    let mut values = vec![0.0; burn.values.len()];
    for i in 0..rows {
        for o in 0..cols {
            values[o * rows + i] = burn.values[i * cols + o];
        }
    }
    let mut out = vec![NamedTensor {
        name: burn.name,
        shape: vec![cols, rows],
        values,
    }];
    if let Some(bias) = &linear.bias {
        out.push(tensor(&format!("{prefix}.bias"), bias)?);
    }
    Ok(out)
}

fn tensor<const D: usize>(
    name: &str,
    param: &Param<Tensor<D>>,
) -> Result<NamedTensor, ExportError> {
    let value = param.val();
    let shape = value.dims().to_vec();
    let values = value
        .into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| ExportError::Weights(format!("{name}: {e:?}")))?;
    Ok(NamedTensor {
        name: name.to_string(),
        shape,
        values,
    })
}
