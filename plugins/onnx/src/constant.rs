//! Constant tensors of a graph (initializers, `Constant` nodes, shape arithmetic): their
//! dimensions, and their values where they are small enough to matter (shapes, ratios).

use crate::pb::TensorProto;
use crate::pb::tensor_proto::DataType;

/// Constants with more elements than this keep only their dimensions (weights).
const MAX_READ: usize = 1024;

/// One entry of an integer constant: a number, or the batch size a `Shape` node reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    /// The batch dimension of the graph's input (fixed or symbolic).
    Batch,
    Known(i64),
}

/// A constant tensor: its dimensions and, when small, its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Const {
    pub dims: Vec<i64>,
    /// Integer values (int64 or int32 data, or a `Shape` node's output).
    pub ints: Option<Vec<Dim>>,
    /// Float values.
    pub floats: Option<Vec<f32>>,
}

impl Const {
    /// A 1-D integer constant.
    pub fn ints(values: Vec<Dim>) -> Self {
        Const {
            dims: vec![values.len() as i64],
            ints: Some(values),
            floats: None,
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.dims.iter().map(|&d| d.max(0) as usize).product()
    }

    /// The values as plain integers, if known and none is the batch size.
    pub fn known_ints(&self) -> Option<Vec<i64>> {
        self.ints
            .as_ref()?
            .iter()
            .map(|d| match d {
                Dim::Known(v) => Some(*v),
                Dim::Batch => None,
            })
            .collect()
    }

    /// The single float value of a scalar (or one-element) constant.
    pub fn scalar_float(&self) -> Option<f32> {
        match (&self.floats, &self.ints) {
            (Some(f), _) if f.len() == 1 => Some(f[0]),
            (_, Some(i)) if i.len() == 1 => match i[0] {
                Dim::Known(v) => Some(v as f32),
                Dim::Batch => None,
            },
            _ => None,
        }
    }
}

/// Reads a tensor proto: dimensions always, values of small float and integer tensors.
pub fn read(tensor: &TensorProto) -> Const {
    let dims = tensor.dims.clone();
    let mut out = Const {
        dims,
        ints: None,
        floats: None,
    };
    if out.len() > MAX_READ {
        return out;
    }
    let raw = &tensor.raw_data;
    let known = |v: Vec<i64>| Some(v.into_iter().map(Dim::Known).collect());
    match DataType::try_from(tensor.data_type) {
        Ok(DataType::Float) => {
            out.floats = Some(if raw.is_empty() {
                tensor.float_data.clone()
            } else {
                raw.chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect()
            });
        }
        Ok(DataType::Double) => {
            out.floats = Some(if raw.is_empty() {
                tensor.double_data.iter().map(|&d| d as f32).collect()
            } else {
                raw.chunks_exact(8)
                    .map(|b| f64::from_le_bytes(b.try_into().expect("8 bytes")) as f32)
                    .collect()
            });
        }
        Ok(DataType::Int64) => {
            out.ints = known(if raw.is_empty() {
                tensor.int64_data.clone()
            } else {
                raw.chunks_exact(8)
                    .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
                    .collect()
            });
        }
        Ok(DataType::Int32) => {
            out.ints = known(if raw.is_empty() {
                tensor.int32_data.iter().map(|&v| i64::from(v)).collect()
            } else {
                raw.chunks_exact(4)
                    .map(|b| i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                    .collect()
            });
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_and_typed_data_read_the_same() {
        let typed = TensorProto {
            dims: vec![2],
            data_type: DataType::Int64 as i32,
            int64_data: vec![1, -1],
            ..Default::default()
        };
        let raw = TensorProto {
            dims: vec![2],
            data_type: DataType::Int64 as i32,
            raw_data: [1i64, -1].iter().flat_map(|v| v.to_le_bytes()).collect(),
            ..Default::default()
        };
        assert_eq!(read(&typed), read(&raw));
        assert_eq!(read(&raw).known_ints(), Some(vec![1, -1]));
    }

    #[test]
    fn large_tensors_keep_only_their_dimensions() {
        let weight = TensorProto {
            dims: vec![64, 32],
            data_type: DataType::Float as i32,
            float_data: vec![0.5; 64 * 32],
            ..Default::default()
        };
        let c = read(&weight);
        assert_eq!((c.dims, c.floats), (vec![64, 32], None));
    }
}
