//! The weights as a safetensors file.

use std::collections::HashMap;

use safetensors::Dtype;
use safetensors::tensor::TensorView;

use crate::{ExportError, NamedTensor};

/// A safetensors file (f32, little-endian) of `tensors`, with `metadata` in its header.
pub fn to_safetensors(
    tensors: &[NamedTensor],
    metadata: HashMap<String, String>,
) -> Result<Vec<u8>, ExportError> {
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|t| t.values.iter().flat_map(|v| v.to_le_bytes()).collect())
        .collect();
    let views = tensors
        .iter()
        .zip(&bytes)
        .map(|(t, b)| {
            TensorView::new(Dtype::F32, t.shape.clone(), b)
                .map(|view| (t.name.clone(), view))
                .map_err(|e| ExportError::Safetensors(format!("{}: {e}", t.name)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    safetensors::serialize(views, Some(metadata))
        .map_err(|e| ExportError::Safetensors(e.to_string()))
}
