//! Adam (PyTorch's formulation) with a state that saves to bytes and restores onto any device.
//!
//! burn's own optimiser restores its state on `Device::default()`, which with the wgpu feature
//! is a GPU adapter even for a CPU run; a resumed CPU run must not depend on a GPU driver.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor, TensorData};

/// Adam's moment estimates for every parameter, plus the step count.
#[derive(Debug, Clone)]
pub struct Adam {
    beta_1: f64,
    beta_2: f64,
    epsilon: f64,
    steps: u64,
    moments: HashMap<ParamId, (Tensor<1>, Tensor<1>)>,
}

/// A state file that does not match the model.
#[derive(Debug, thiserror::Error)]
pub enum AdamStateError {
    #[error("optimizer state is truncated or not an optimizer state")]
    Malformed,
    #[error("optimizer state holds {found} values for parameter {index}, the model has {expected}")]
    Mismatch {
        index: usize,
        found: usize,
        expected: usize,
    },
}

const MAGIC: &[u8; 8] = b"REMAPADM";

impl Adam {
    /// Adam with β = (0.9, 0.999) and the given epsilon.
    pub fn new(epsilon: f64) -> Self {
        Self {
            beta_1: 0.9,
            beta_2: 0.999,
            epsilon,
            steps: 0,
            moments: HashMap::new(),
        }
    }

    /// Number of steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Updates every parameter of `module` that has a gradient in `grads`.
    pub fn step<M: Module>(&mut self, lr: f64, module: M, mut grads: GradientsParams) -> M {
        self.steps += 1;
        let t = self.steps as i32;
        let (bias_1, bias_2) = (1.0 - self.beta_1.powi(t), 1.0 - self.beta_2.powi(t));
        let mut mapper = StepMapper {
            adam: self,
            grads: &mut grads,
            lr,
            bias_1,
            bias_2,
        };
        module.map(&mut mapper)
    }

    /// The state as bytes: step count, then both moments of each parameter in the order the
    /// module visits them (absent moments are written as empty).
    pub fn to_bytes<M: Module>(&self, module: &M) -> Vec<u8> {
        let mut ids = IdCollector::default();
        module.visit(&mut ids);
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.steps.to_le_bytes());
        out.extend_from_slice(&(ids.ids.len() as u64).to_le_bytes());
        for (id, _) in &ids.ids {
            let (m, v) = match self.moments.get(id) {
                Some((m, v)) => (to_vec(m), to_vec(v)),
                None => (Vec::new(), Vec::new()),
            };
            out.extend_from_slice(&(m.len() as u64).to_le_bytes());
            for x in m.iter().chain(&v) {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out
    }

    /// Restores a state written by [`to_bytes`](Self::to_bytes) for `module`, on `device`.
    pub fn from_bytes<M: Module>(
        epsilon: f64,
        bytes: &[u8],
        module: &M,
        device: &Device,
    ) -> Result<Self, AdamStateError> {
        let mut ids = IdCollector::default();
        module.visit(&mut ids);
        let mut r = Reader(bytes);
        if r.take(8)? != MAGIC {
            return Err(AdamStateError::Malformed);
        }
        let mut adam = Self::new(epsilon);
        adam.steps = r.u64()?;
        if r.u64()? as usize != ids.ids.len() {
            return Err(AdamStateError::Malformed);
        }
        for (index, (id, expected)) in ids.ids.iter().enumerate() {
            let found = r.u64()? as usize;
            if found == 0 {
                continue;
            }
            if found != *expected {
                return Err(AdamStateError::Mismatch {
                    index,
                    found,
                    expected: *expected,
                });
            }
            let mut read = || -> Result<Tensor<1>, AdamStateError> {
                let raw = r.take(found * 4)?;
                let v: Vec<f32> = raw
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                Ok(Tensor::from_data(TensorData::new(v, [found]), device))
            };
            let m = read()?;
            let v = read()?;
            adam.moments.insert(*id, (m, v));
        }
        if !r.0.is_empty() {
            return Err(AdamStateError::Malformed);
        }
        Ok(adam)
    }
}

fn to_vec(t: &Tensor<1>) -> Vec<f32> {
    t.clone()
        .into_data()
        .try_to_vec::<f32>()
        .expect("optimizer moments are f32")
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], AdamStateError> {
        if self.0.len() < n {
            return Err(AdamStateError::Malformed);
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn u64(&mut self) -> Result<u64, AdamStateError> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }
}

#[derive(Default)]
struct IdCollector {
    ids: Vec<(ParamId, usize)>,
}

impl ModuleVisitor for IdCollector {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        self.ids.push((param.id, param.dims().iter().product()));
    }
}

struct StepMapper<'a> {
    adam: &'a mut Adam,
    grads: &'a mut GradientsParams,
    lr: f64,
    bias_1: f64,
    bias_2: f64,
}

impl ModuleMapper for StepMapper<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(grad) = self.grads.remove::<D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let require_grad = tensor.is_require_grad();
        let value = tensor.inner();
        let dims = value.dims();
        let n: usize = dims.iter().product();
        let g = grad.reshape([n]);
        let (b1, b2) = (self.adam.beta_1, self.adam.beta_2);
        let (m, v) = match self.adam.moments.remove(&id) {
            Some((m, v)) => (
                m.mul_scalar(b1).add(g.clone().mul_scalar(1.0 - b1)),
                v.mul_scalar(b2).add(g.square().mul_scalar(1.0 - b2)),
            ),
            None => (
                g.clone().mul_scalar(1.0 - b1),
                g.square().mul_scalar(1.0 - b2),
            ),
        };
        // PyTorch: p −= lr/bc1 · m / (√v / √bc2 + ε)
        let denom = v
            .clone()
            .sqrt()
            .div_scalar(self.bias_2.sqrt())
            .add_scalar(self.adam.epsilon);
        let update = m.clone().div(denom).mul_scalar(self.lr / self.bias_1);
        let updated = value.reshape([n]).sub(update).reshape(dims);
        self.adam.moments.insert(id, (m, v));
        let mut out = Tensor::from_inner(updated);
        if require_grad {
            out = out.require_grad();
        }
        Param::from_mapped_value(id, out, mapper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::Linear;

    fn linear(device: &Device) -> Linear {
        Linear {
            weight: Param::from_data(TensorData::new(vec![0.5f32, -1.0], [2, 1]), device),
            bias: Some(Param::from_data(
                TensorData::new(vec![0.25f32], [1]),
                device,
            )),
        }
    }

    fn grads(net: &Linear, device: &Device) -> GradientsParams {
        let x = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 2.0], [1, 2]), device);
        let loss = net.forward(x).sum();
        GradientsParams::from_grads(loss.backward(), net)
    }

    fn weights(net: &Linear) -> Vec<f32> {
        net.weight.val().into_data().try_to_vec::<f32>().unwrap()
    }

    #[test]
    fn first_step_moves_each_weight_by_the_learning_rate_against_its_gradient() {
        let device = Device::flex().autodiff();
        let net = linear(&device);
        let g = grads(&net, &device);
        let mut adam = Adam::new(1e-8);
        let net = adam.step(0.1, net, g);
        // Step 1: m̂ = g, v̂ = g², so the update is lr·sign(g) (up to ε); d(sum)/dw = x = (1, 2).
        let w = weights(&net);
        assert!(
            (w[0] - 0.4).abs() < 1e-6 && (w[1] + 1.1).abs() < 1e-6,
            "{w:?}"
        );
        assert_eq!(adam.steps(), 1);
    }

    #[test]
    fn a_restored_state_continues_exactly() {
        let device = Device::flex().autodiff();
        let mut adam = Adam::new(1e-8);
        let mut net = linear(&device);
        for _ in 0..2 {
            let g = grads(&net, &device);
            net = adam.step(0.1, net, g);
        }
        let bytes = adam.to_bytes(&net);
        let mut restored = Adam::from_bytes(1e-8, &bytes, &net, &device).unwrap();
        let a = adam.step(0.1, net.clone(), grads(&net, &device));
        let b = restored.step(0.1, net.clone(), grads(&net, &device));
        assert_eq!(weights(&a), weights(&b));
        assert!(Adam::from_bytes(1e-8, &bytes[..bytes.len() - 1], &net, &device).is_err());
    }
}
