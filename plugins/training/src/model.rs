//! An [`Architecture`] as a burn module, initialised as PyTorch initialises conv and linear
//! layers, deterministically from a seed. Layers run in index order, each on its sources
//! (spec §9.4): the layer before it, or the earlier outputs its `inputs` name.

use burn::module::{Module, Param};
use burn::nn::conv::Conv2d;
use burn::nn::pool::{AvgPool2d, AvgPool2dConfig, MaxPool2d, MaxPool2dConfig};
use burn::nn::{Dropout, DropoutConfig, Linear, PaddingConfig2d, Relu, Sigmoid, Tanh};
use burn::tensor::{Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use remap_architecture::{Activation, ArchError, Architecture, Layer, Padding, Shape, Source};

use crate::kernels::{self, pool};

/// Why an architecture cannot become a model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the architecture does not fit its input: {0}")]
    Invalid(#[from] ArchError),
    #[error("layer {index} ({layer}): a spatial layer after a dense layer")]
    SpatialAfterDense { index: usize, layer: String },
}

/// One hidden layer of a [`Net`].
#[derive(Module, Debug)]
pub enum Block {
    Conv(Conv2d),
    MaxPool(MaxPool2d),
    AvgPool(AvgPool2d),
    Dense(Linear),
    Relu(Relu),
    Tanh(Tanh),
    Sigmoid(Sigmoid),
    /// Applied by [`Net::forward_train`] with the run's own masks; identity at inference.
    Dropout(Dropout),
    /// The sum of this many inputs.
    Add(usize),
    /// This many inputs joined along the channels (or features).
    Concat(usize),
}

/// The network: hidden layers in order, then the implicit head (flatten → dense(classes)).
/// The forward pass returns logits; softmax belongs to the loss.
#[derive(Module, Debug)]
pub struct Net {
    pub blocks: Vec<Block>,
    pub head: Linear,
    /// Each layer's sources where they are not just the layer before it.
    #[module(skip)]
    wiring: Vec<Option<Vec<Source>>>,
    /// Whether each layer's output (index 0: the image) is read again later.
    #[module(skip)]
    kept: Vec<bool>,
}

/// Activations between layers: a feature map (N×C×H×W) until the first dense layer.
#[derive(Clone)]
enum Features {
    Map(Tensor<4>),
    Flat(Tensor<2>),
}

impl Features {
    fn flat(self) -> Tensor<2> {
        match self {
            Features::Flat(x) => x,
            // C, H, W order, as PyTorch's flatten of NCHW.
            Features::Map(x) => x.flatten::<2>(1, 3),
        }
    }
}

/// Draws PyTorch's default initialisation: kaiming-uniform with a = √5 for weights, which is
/// U(±1/√fan_in), and U(±1/√fan_in) for biases. Weights first, then biases, layer by layer.
struct Init {
    rng: ChaCha8Rng,
}

impl Init {
    fn uniform(&mut self, n: usize, fan_in: usize) -> Vec<f32> {
        let bound = 1.0 / (fan_in as f32).sqrt();
        (0..n)
            .map(|_| self.rng.random_range(-bound..=bound))
            .collect()
    }

    fn conv(
        &mut self,
        c_in: usize,
        filters: usize,
        kernel: usize,
        stride: usize,
        padding: Padding,
        device: &Device,
    ) -> Conv2d {
        let fan_in = c_in * kernel * kernel;
        let w = self.uniform(filters * fan_in, fan_in);
        let b = self.uniform(filters, fan_in);
        Conv2d {
            weight: Param::from_data(TensorData::new(w, [filters, c_in, kernel, kernel]), device),
            bias: Some(Param::from_data(TensorData::new(b, [filters]), device)),
            stride: [stride, stride],
            kernel_size: [kernel, kernel],
            dilation: [1, 1],
            groups: 1,
            padding: match padding {
                Padding::Valid => PaddingConfig2d::Valid,
                Padding::Same => PaddingConfig2d::Same,
            },
        }
    }

    fn linear(&mut self, n_in: usize, n_out: usize, device: &Device) -> Linear {
        // Drawn in PyTorch's [out, in] order, stored in burn's [in, out] layout.
        let w = self.uniform(n_out * n_in, n_in);
        let mut t = vec![0.0; w.len()];
        for o in 0..n_out {
            for i in 0..n_in {
                t[i * n_out + o] = w[o * n_in + i];
            }
        }
        let b = self.uniform(n_out, n_in);
        Linear {
            weight: Param::from_data(TensorData::new(t, [n_in, n_out]), device),
            bias: Some(Param::from_data(TensorData::new(b, [n_out]), device)),
        }
    }
}

impl Net {
    /// Builds the network of `arch` on `device`, initialised from `seed`.
    pub fn new(arch: &Architecture, seed: u64, device: &Device) -> Result<Self, ModelError> {
        let analysis = arch.analyze()?;
        let mut init = Init {
            rng: ChaCha8Rng::seed_from_u64(seed),
        };
        let mut blocks = Vec::with_capacity(arch.layers.len());
        for (index, (layer, report)) in arch.layers.iter().zip(&analysis.layers).enumerate() {
            let shape = report.input;
            let spatial = |s: Shape| {
                if s.is_spatial() {
                    Ok(())
                } else {
                    Err(ModelError::SpatialAfterDense {
                        index,
                        layer: layer.to_string(),
                    })
                }
            };
            let block = match *layer {
                Layer::Conv2d {
                    filters,
                    kernel,
                    stride,
                    padding,
                } => {
                    spatial(shape)?;
                    Block::Conv(init.conv(
                        shape.channels() as usize,
                        filters as usize,
                        kernel as usize,
                        stride as usize,
                        padding,
                        device,
                    ))
                }
                Layer::Maxpool2d { size, stride } => {
                    spatial(shape)?;
                    let (k, s) = (size as usize, stride as usize);
                    Block::MaxPool(MaxPool2dConfig::new([k, k]).with_strides([s, s]).init())
                }
                Layer::Avgpool2d { size, stride } => {
                    spatial(shape)?;
                    let (k, s) = (size as usize, stride as usize);
                    Block::AvgPool(AvgPool2dConfig::new([k, k]).with_strides([s, s]).init())
                }
                Layer::Dense { units } => {
                    Block::Dense(init.linear(shape.size() as usize, units as usize, device))
                }
                Layer::Activation { function } => match function {
                    Activation::Relu => Block::Relu(Relu::new()),
                    Activation::Tanh => Block::Tanh(Tanh::new()),
                    Activation::Sigmoid => Block::Sigmoid(Sigmoid::new()),
                },
                Layer::Dropout { rate } => Block::Dropout(DropoutConfig::new(rate).init()),
                Layer::Add => Block::Add(arch.sources(index).len()),
                Layer::Concat => Block::Concat(arch.sources(index).len()),
            };
            blocks.push(block);
        }
        let head = init.linear(
            analysis.head.input.size() as usize,
            arch.classes as usize,
            device,
        );
        let wiring: Vec<Option<Vec<Source>>> = (0..arch.layers.len())
            .map(|i| arch.inputs.get(&i).cloned())
            .collect();
        let mut kept = vec![false; arch.layers.len() + 1];
        for skip in arch.skips() {
            kept[skip.from.layer().map_or(0, |i| i + 1)] = true;
        }
        Ok(Self {
            blocks,
            head,
            wiring,
            kept,
        })
    }

    /// Logits (N×classes) for a batch of images (N×C×H×W), without dropout (inference).
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        self.forward_with(images, None)
    }

    /// Logits for a training batch: dropout masks are drawn from `masks`, a stream the
    /// trainer seeds per run and epoch, so runs repeat exactly whatever else runs at the
    /// same time (burn's own dropout draws from one process-wide generator).
    pub fn forward_train(&self, images: Tensor<4>, masks: &mut ChaCha8Rng) -> Tensor<2> {
        self.forward_with(images, Some(masks))
    }

    fn forward_with(&self, images: Tensor<4>, mut masks: Option<&mut ChaCha8Rng>) -> Tensor<2> {
        // Outputs read again by a later layer than the next (index 0: the image).
        let mut saved: Vec<Option<Features>> = vec![None; self.blocks.len() + 1];
        let mut x = Features::Map(images);
        for (i, block) in self.blocks.iter().enumerate() {
            if self.kept[i] {
                saved[i] = Some(x.clone());
            }
            let mut inputs: Vec<Features> = match &self.wiring[i] {
                None => vec![x],
                Some(sources) => sources
                    .iter()
                    .map(|&s| {
                        if s == Source::previous(i) {
                            x.clone()
                        } else {
                            let slot = s.layer().map_or(0, |j| j + 1);
                            saved[slot]
                                .clone()
                                .expect("`new` keeps every skipped output")
                        }
                    })
                    .collect(),
            };
            let first = inputs.swap_remove(0);
            x = match (block, first) {
                (Block::Add(_), first) => inputs.into_iter().fold(first, Features::add),
                (Block::Concat(_), first) => Features::concat(first, inputs),
                (Block::Dropout(d), x) => match masks.as_deref_mut() {
                    Some(rng) => match x {
                        Features::Map(t) => Features::Map(dropout(t, d.prob, rng)),
                        Features::Flat(t) => Features::Flat(dropout(t, d.prob, rng)),
                    },
                    None => x,
                },
                (Block::Conv(c), Features::Map(t)) => Features::Map(kernels::conv2d(c, t)),
                (Block::MaxPool(p), Features::Map(t)) => {
                    Features::Map(kernels::pool2d(pool::Layer::Max(p), t))
                }
                (Block::AvgPool(p), Features::Map(t)) => {
                    Features::Map(kernels::pool2d(pool::Layer::Average(p), t))
                }
                (Block::Dense(d), x) => Features::Flat(d.forward(x.flat())),
                (Block::Relu(a), x) => x.map(|t| a.forward(t), |t| a.forward(t)),
                (Block::Tanh(_), x) => x.map(kernels::tanh, kernels::tanh),
                (Block::Sigmoid(_), x) => x.map(kernels::sigmoid, kernels::sigmoid),
                // `new` rejects spatial layers after a dense one.
                (_, Features::Flat(_)) => unreachable!("spatial layer on a flat tensor"),
            };
        }
        self.head.forward(x.flat())
    }
}

/// Elements of a dropout mask drawn from one random stream.
const MASK_BLOCK: usize = 1 << 14;

/// Inverted dropout: each element is zeroed with probability `prob`, the rest scaled by
/// 1 / (1 − prob). The mask is drawn in blocks of [`MASK_BLOCK`] elements, each from its own
/// stream seeded by one draw from `rng`, so the blocks fill in parallel and the mask does not
/// depend on the number of threads.
fn dropout<const D: usize>(x: Tensor<D>, prob: f64, rng: &mut ChaCha8Rng) -> Tensor<D> {
    if prob <= 0.0 {
        return x;
    }
    let dims = x.dims();
    let keep = (1.0 - prob) as f32;
    let scale = if keep > 0.0 { 1.0 / keep } else { 0.0 };
    let n: usize = dims.iter().product();
    let seed: u64 = rng.random();
    let mut mask = vec![0.0f32; n];
    mask.par_chunks_mut(MASK_BLOCK)
        .enumerate()
        .for_each(|(block, values)| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(block as u64);
            for v in values {
                *v = if rng.random::<f32>() < keep {
                    scale
                } else {
                    0.0
                };
            }
        });
    let mask = Tensor::<D>::from_data(TensorData::new(mask, dims), &x.device());
    x * mask
}

impl Features {
    /// The element-wise sum (the analysis checked the shapes are equal).
    fn add(self, other: Features) -> Features {
        match (self, other) {
            (Features::Map(a), Features::Map(b)) => Features::Map(a + b),
            (Features::Flat(a), Features::Flat(b)) => Features::Flat(a + b),
            _ => unreachable!("add of a map and a vector"),
        }
    }

    /// `first` and `rest` joined along dimension 1: channels of N×C×H×W maps, or features.
    fn concat(first: Features, rest: Vec<Features>) -> Features {
        match first {
            Features::Map(a) => Features::Map(Tensor::cat(
                std::iter::once(a)
                    .chain(rest.into_iter().map(|f| match f {
                        Features::Map(t) => t,
                        Features::Flat(_) => unreachable!("concat of a map and a vector"),
                    }))
                    .collect(),
                1,
            )),
            Features::Flat(a) => Features::Flat(Tensor::cat(
                std::iter::once(a)
                    .chain(rest.into_iter().map(Features::flat))
                    .collect(),
                1,
            )),
        }
    }

    fn map(
        self,
        spatial: impl FnOnce(Tensor<4>) -> Tensor<4>,
        flat: impl FnOnce(Tensor<2>) -> Tensor<2>,
    ) -> Self {
        match self {
            Features::Map(t) => Features::Map(spatial(t)),
            Features::Flat(t) => Features::Flat(flat(t)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::Module;

    #[test]
    fn parameter_counts_match_the_architecture_crate_on_the_golden_nets() {
        let golden = remap_golden::load();
        let device = Device::flex();
        for (arch, &params) in golden.archs.iter().zip(&golden.params) {
            let net = Net::new(arch, 0, &device).unwrap();
            assert_eq!(
                net.num_params() as u64,
                arch.params().unwrap(),
                "{}",
                arch.summary()
            );
            assert_eq!(arch.params().unwrap(), params);
        }
    }

    #[test]
    fn output_has_one_logit_per_class() {
        let golden = remap_golden::load();
        let device = Device::flex();
        for arch in &golden.archs {
            let net = Net::new(arch, 0, &device).unwrap();
            let i = &arch.input;
            let x = Tensor::<4>::zeros(
                [2, i.channels as usize, i.height as usize, i.width as usize],
                &device,
            );
            assert_eq!(net.forward(x).dims(), [2, arch.classes as usize]);
        }
    }

    #[test]
    fn same_seed_same_weights_other_seed_other_weights() {
        let arch = &remap_golden::load().archs[0];
        let device = Device::flex();
        let w = |seed| {
            Net::new(arch, seed, &device)
                .unwrap()
                .head
                .weight
                .val()
                .into_data()
                .try_to_vec::<f32>()
                .unwrap()
        };
        assert_eq!(w(1), w(1));
        assert_ne!(w(1), w(2));
    }

    #[test]
    fn weights_lie_within_pytorch_default_bounds() {
        let arch = Architecture::from_json(
            r#"{"input":{"height":8,"width":8,"channels":1},"classes":3,
                "layers":[{"type":"conv2d","filters":4,"kernel":3}]}"#,
        )
        .unwrap();
        let net = Net::new(&arch, 7, &Device::flex()).unwrap();
        let Block::Conv(conv) = &net.blocks[0] else {
            panic!("first block is the conv")
        };
        let w = conv.weight.val().into_data().try_to_vec::<f32>().unwrap();
        let bound = 1.0 / 3.0; // 1/√(1·3·3)
        assert!(w.iter().all(|v| v.abs() <= bound));
        // Spread over the whole range, not a constant.
        assert!(w.iter().any(|v| v.abs() > bound * 0.5));
        let head = net
            .head
            .weight
            .val()
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        let bound = 1.0 / (4.0f32 * 36.0).sqrt();
        assert!(head.iter().all(|v| v.abs() <= bound));
    }

    fn conv_then(extra: &str) -> Architecture {
        Architecture::from_json(&format!(
            r#"{{"input":{{"height":6,"width":6,"channels":1}},"classes":3,"layers":[
                {{"type":"conv2d","filters":1,"kernel":3,"padding":"same"}}{extra}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn an_add_sums_its_inputs_and_a_concat_joins_them() {
        let device = Device::flex();
        // conv(x) + x against conv(x): the same seed gives the same conv and head weights, so
        // the difference of the logits is the head applied to x without its bias.
        let residual = Net::new(
            &conv_then(r#",{"type":"add","inputs":[0,"input"]}"#),
            5,
            &device,
        )
        .unwrap();
        let chain = Net::new(&conv_then(""), 5, &device).unwrap();
        let x = Tensor::<4>::random(
            [4, 1, 6, 6],
            burn::tensor::Distribution::Uniform(-1.0, 1.0),
            &device,
        );
        let bias = chain.head.bias.as_ref().unwrap().val().unsqueeze::<2>();
        let expected =
            chain.forward(x.clone()) + chain.head.forward(x.clone().flatten::<2>(1, 3)) - bias;
        let got = residual.forward(x.clone());
        let diff = (got - expected).abs().max().into_scalar::<f32>();
        assert!(diff < 1e-5, "max difference {diff}");
        // A concat of the conv and the image has 2 channels: the head reads 2·36 features.
        let joined = Net::new(
            &conv_then(r#",{"type":"concat","inputs":[0,"input"]}"#),
            5,
            &device,
        )
        .unwrap();
        assert_eq!(joined.head.weight.dims(), [72, 3]);
        assert_eq!(joined.forward(x).dims(), [4, 3]);
    }
}
