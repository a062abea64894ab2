//! REMAP's Markov-chain sampler (spec §3): seeded, fit-or-redraw, with a parameter cap.

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use remap_architecture::{
    Activation, Architecture, Input, Layer, LayerKind, Padding, Shape, Source,
};
use serde::{Deserialize, Serialize};

use crate::SamplingError;
use crate::space::{Phase, Row, SearchSpace, Step, pick};

/// REMAP's cap on a sampled model's parameters.
pub const DEFAULT_MAX_PARAMS: u64 = 1_000_000;

/// Re-draws from one row before a chain is abandoned as a dead end. Only a user space whose
/// row lists nothing that fits (and no `end`) can hit this; REMAP's rows all contain `end`.
const MAX_REDRAWS: u32 = 10_000;

/// Consecutive rejected models after which [`Sampler::try_sample`] gives up.
const MAX_CONSECUTIVE_REJECTIONS: u64 = 100_000;

/// How many models were drawn and why some were thrown away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamplerStats {
    /// Models returned.
    pub accepted: u64,
    /// Models drawn completely but thrown away for having more parameters than the cap.
    pub rejected_over_cap: u64,
    /// Chains abandoned because a row offered nothing that fits (never with `remap-2019`).
    pub dead_ends: u64,
}

impl SamplerStats {
    /// Share of completely drawn models that the cap rejected.
    pub fn rejected_share(&self) -> f64 {
        let drawn = self.accepted + self.rejected_over_cap;
        if drawn == 0 {
            0.0
        } else {
            self.rejected_over_cap as f64 / drawn as f64
        }
    }
}

/// Draws architectures from a [`SearchSpace`]; the same space, input, classes and seed give
/// the same sequence on any machine.
#[derive(Debug, Clone)]
pub struct Sampler {
    space: SearchSpace,
    input: Input,
    classes: u32,
    rng: ChaCha8Rng,
    max_params: u64,
    max_depth: Option<usize>,
    stats: SamplerStats,
}

impl Sampler {
    /// A sampler with REMAP's cap of 1,000,000 parameters and no depth limit.
    pub fn new(space: SearchSpace, input: Input, classes: u32, seed: u64) -> Sampler {
        Sampler {
            space,
            input,
            classes,
            rng: ChaCha8Rng::seed_from_u64(seed),
            max_params: DEFAULT_MAX_PARAMS,
            max_depth: None,
            stats: SamplerStats::default(),
        }
    }

    /// Rejects (and re-samples) models with more than `cap` parameters.
    pub fn with_max_params(mut self, cap: u64) -> Sampler {
        self.max_params = cap;
        self
    }

    /// Ends every chain after at most `depth` hidden layers, as if `end` had been drawn.
    /// REMAP has no such limit; it changes the distribution.
    pub fn with_max_depth(mut self, depth: usize) -> Sampler {
        self.max_depth = Some(depth);
        self
    }

    /// Counts so far.
    pub fn stats(&self) -> SamplerStats {
        self.stats
    }

    /// One architecture within the cap.
    ///
    /// # Panics
    /// If 100,000 models in a row are rejected (a cap no model of the space can meet);
    /// use [`Sampler::try_sample`] to get an error instead.
    pub fn sample(&mut self) -> Architecture {
        self.try_sample()
            .unwrap_or_else(|e| panic!("cannot sample: {e}"))
    }

    /// `n` architectures (see [`Sampler::sample`]).
    pub fn sample_many(&mut self, n: usize) -> Vec<Architecture> {
        (0..n).map(|_| self.sample()).collect()
    }

    /// One architecture within the cap, or an error if the cap rejects 100,000 in a row.
    pub fn try_sample(&mut self) -> Result<Architecture, SamplingError> {
        for _ in 0..MAX_CONSECUTIVE_REJECTIONS {
            let Some((drawn, params)) = self.draw_chain() else {
                self.stats.dead_ends += 1;
                continue;
            };
            if params > self.max_params {
                self.stats.rejected_over_cap += 1;
                continue;
            }
            self.stats.accepted += 1;
            let Drawn { layers, inputs } = drawn;
            return Ok(Architecture::new(self.input, self.classes, layers).with_inputs(inputs));
        }
        Err(SamplingError::Request {
            field: "max_params",
            reason: format!(
                "{MAX_CONSECUTIVE_REJECTIONS} models in a row were over the cap of {} parameters or dead ends",
                self.max_params
            ),
        })
    }

    /// Draws one net and its parameter count (head included), or `None` at a dead end.
    fn draw_chain(&mut self) -> Option<(Drawn, u64)> {
        let grids = self.space.grids();
        let mut net = Drawn::default();
        let mut shape = self.input.shape();
        let mut params = 0u64;
        let mut phase = Phase::PreDense;
        let mut row = Row::Start;
        loop {
            if self.max_depth.is_some_and(|d| net.layers.len() >= d) {
                break;
            }
            let list = self.space.row(phase, row)?;
            let mut redraws = 0;
            let (layer, out) = loop {
                redraws += 1;
                if redraws > MAX_REDRAWS {
                    return None;
                }
                let Step::Layer(kind) = *pick(&mut self.rng, list) else {
                    return Some((net, params + head_params(shape, self.classes)));
                };
                let layer = grids.draw(kind, &mut self.rng);
                if let Some(out) = fits_strictly(&layer, shape) {
                    break (layer, out);
                }
            };
            params += layer.params(shape);
            phase = phase.then(layer.kind());
            row = Row::After(layer.kind());
            shape = out;
            let activation = layer.kind() == LayerKind::Activation;
            net.layers.push(layer);
            // A residual block after a pre-dense activation (never drawn without the section,
            // so remap-2019's sequences are unchanged).
            if let Some(residual) = self.space.residual()
                && activation
                && phase == Phase::PreDense
                && shape.is_spatial()
                && self.max_depth.is_none_or(|d| net.layers.len() + 4 <= d)
                && self.rng.random_bool(residual.probability)
            {
                let kernel = *pick(&mut self.rng, &residual.kernel);
                params += net.push_residual(kernel, shape);
                row = Row::After(LayerKind::Conv2d);
            }
        }
        Some((net, params + head_params(shape, self.classes)))
    }
}

/// The layers drawn so far and the sources of the merges among them.
#[derive(Debug, Default)]
struct Drawn {
    layers: Vec<Layer>,
    inputs: BTreeMap<usize, Vec<Source>>,
}

impl Drawn {
    /// Appends `conv(k, same) → relu → conv(k, same) → add` around the last layer, whose
    /// output is `shape`; returns the block's parameters.
    fn push_residual(&mut self, kernel: u32, shape: Shape) -> u64 {
        let conv = Layer::Conv2d {
            filters: shape.channels(),
            kernel,
            stride: 1,
            padding: Padding::Same,
        };
        let block_input = self.layers.len() - 1;
        let params = 2 * conv.params(shape);
        self.layers.extend([
            conv.clone(),
            Layer::Activation {
                function: Activation::Relu,
            },
            conv,
            Layer::Add,
        ]);
        let add = self.layers.len() - 1;
        self.inputs.insert(
            add,
            vec![Source::Layer(add - 1), Source::Layer(block_input)],
        );
        params
    }
}

/// Parameters of the classifier head: flatten → dense(classes).
fn head_params(shape: Shape, classes: u32) -> u64 {
    (shape.size() + 1) * u64::from(classes)
}

/// The output shape if `layer` fits `shape` under REMAP's strict rule (`w > k`, `w > p`),
/// which the sampler keeps so that its distribution matches REMAP's.
pub fn fits_strictly(layer: &Layer, shape: Shape) -> Option<Shape> {
    let window = match *layer {
        Layer::Conv2d { kernel, .. } => Some(kernel),
        Layer::Maxpool2d { size, .. } | Layer::Avgpool2d { size, .. } => Some(size),
        _ => None,
    };
    if let (Some(w), Shape::Spatial { height, width, .. }) = (window, shape)
        && (height <= w || width <= w)
    {
        return None;
    }
    layer.output_shape(shape).ok()
}
