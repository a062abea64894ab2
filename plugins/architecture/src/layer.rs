use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{FitError, Shape};

/// An activation function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
}

impl Activation {
    /// Every function, in the order the format documents them.
    pub const ALL: [Activation; 3] = [Activation::Relu, Activation::Tanh, Activation::Sigmoid];

    /// The name used in JSON and in summaries.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
        }
    }

    /// Parses a JSON name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// Padding of a convolution. `valid` is REMAP's; `same` is our extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Padding {
    #[default]
    Valid,
    Same,
}

impl Padding {
    /// Zeros added around a `[height, width]` input, as `[top, left, bottom, right]`: none for
    /// `valid`; for `same`, the total that gives `ceil(size / stride)` outputs, split evenly
    /// with the odd one at the end (where burn and ONNX's `SAME_UPPER` put it).
    pub fn amounts(self, [height, width]: [usize; 2], kernel: usize, stride: usize) -> [usize; 4] {
        let pad = |size: usize| -> (usize, usize) {
            if self == Padding::Valid {
                return (0, 0);
            }
            let out = size.div_ceil(stride).max(1);
            let total = ((out - 1) * stride + kernel).saturating_sub(size);
            (total / 2, total - total / 2)
        };
        let ((top, bottom), (left, right)) = (pad(height), pad(width));
        [top, left, bottom, right]
    }
}

/// One hidden layer. The serialised form is the canonical one: every field written out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Layer {
    Conv2d {
        filters: u32,
        kernel: u32,
        stride: u32,
        padding: Padding,
    },
    Maxpool2d {
        size: u32,
        stride: u32,
    },
    Avgpool2d {
        size: u32,
        stride: u32,
    },
    Dense {
        units: u32,
    },
    Activation {
        function: Activation,
    },
    Dropout {
        rate: f64,
    },
    /// Element-wise sum of two or more inputs of equal shape (spec §9.4).
    Add,
    /// Two or more inputs joined along the channels (or features, for vectors).
    Concat,
}

/// The type of a layer without its hyperparameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    Conv2d,
    Maxpool2d,
    Avgpool2d,
    Dense,
    Activation,
    Dropout,
    Add,
    Concat,
}

impl LayerKind {
    /// Every layer type.
    pub const ALL: [LayerKind; 8] = [
        LayerKind::Conv2d,
        LayerKind::Maxpool2d,
        LayerKind::Avgpool2d,
        LayerKind::Dense,
        LayerKind::Activation,
        LayerKind::Dropout,
        LayerKind::Add,
        LayerKind::Concat,
    ];

    /// The `type` string of the JSON format.
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Conv2d => "conv2d",
            LayerKind::Maxpool2d => "maxpool2d",
            LayerKind::Avgpool2d => "avgpool2d",
            LayerKind::Dense => "dense",
            LayerKind::Activation => "activation",
            LayerKind::Dropout => "dropout",
            LayerKind::Add => "add",
            LayerKind::Concat => "concat",
        }
    }

    /// Parses a `type` string.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether layers of this type need a feature map (conv and pools).
    pub fn is_spatial(self) -> bool {
        matches!(
            self,
            LayerKind::Conv2d | LayerKind::Maxpool2d | LayerKind::Avgpool2d
        )
    }

    /// Whether layers of this type merge several inputs (add, concat).
    pub fn is_merge(self) -> bool {
        matches!(self, LayerKind::Add | LayerKind::Concat)
    }
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Layer {
    /// A convolution with REMAP's defaults (stride 1, valid padding).
    pub fn conv(filters: u32, kernel: u32) -> Self {
        Layer::Conv2d {
            filters,
            kernel,
            stride: 1,
            padding: Padding::Valid,
        }
    }

    /// A max pool with REMAP's default stride 2.
    pub fn maxpool(size: u32) -> Self {
        Layer::Maxpool2d { size, stride: 2 }
    }

    /// An average pool with REMAP's default stride 2.
    pub fn avgpool(size: u32) -> Self {
        Layer::Avgpool2d { size, stride: 2 }
    }

    /// The layer's type.
    pub fn kind(&self) -> LayerKind {
        match self {
            Layer::Conv2d { .. } => LayerKind::Conv2d,
            Layer::Maxpool2d { .. } => LayerKind::Maxpool2d,
            Layer::Avgpool2d { .. } => LayerKind::Avgpool2d,
            Layer::Dense { .. } => LayerKind::Dense,
            Layer::Activation { .. } => LayerKind::Activation,
            Layer::Dropout { .. } => LayerKind::Dropout,
            Layer::Add => LayerKind::Add,
            Layer::Concat => LayerKind::Concat,
        }
    }

    /// Whether this layer merges several inputs (add, concat).
    pub fn is_merge(&self) -> bool {
        self.kind().is_merge()
    }

    /// The output shape for `input`, or why the layer does not fit it.
    ///
    /// Uses the format's rule (`w ≥ k`); the sampler adds REMAP's stricter `w > k` itself.
    /// A merge of one input passes it through; [`Layer::merged_shape`] merges several.
    pub fn output_shape(&self, input: Shape) -> Result<Shape, FitError> {
        let spatial = |window: u32, stride: u32, padding: Padding| -> Result<Shape, FitError> {
            let Shape::Spatial {
                height,
                width,
                channels,
            } = input
            else {
                return Err(FitError::AfterDense { input });
            };
            let out = |w: u32| match padding {
                Padding::Valid => (w - window) / stride + 1,
                Padding::Same => w.div_ceil(stride),
            };
            if padding == Padding::Valid && (height < window || width < window) {
                return Err(FitError::WindowTooLarge { window, input });
            }
            Ok(Shape::Spatial {
                height: out(height),
                width: out(width),
                channels,
            })
        };
        match *self {
            Layer::Conv2d {
                filters,
                kernel,
                stride,
                padding,
            } => spatial(kernel, stride, padding).map(|s| match s {
                Shape::Spatial { height, width, .. } => Shape::Spatial {
                    height,
                    width,
                    channels: filters,
                },
                flat => flat,
            }),
            Layer::Maxpool2d { size, stride } | Layer::Avgpool2d { size, stride } => {
                spatial(size, stride, Padding::Valid)
            }
            Layer::Dense { units } => Ok(Shape::Flat(units)),
            Layer::Activation { .. } | Layer::Dropout { .. } | Layer::Add | Layer::Concat => {
                Ok(input)
            }
        }
    }

    /// The output shape of a merge of `inputs` (two or more), or the index of the first input
    /// that does not match `inputs[0]`: `add` needs equal shapes; `concat` equal height and
    /// width (channels add up), or vectors (features add up).
    pub fn merged_shape(&self, inputs: &[Shape]) -> Result<Shape, usize> {
        let first = inputs[0];
        let mismatch = |fits: &dyn Fn(Shape) -> bool| inputs.iter().position(|&s| !fits(s));
        let fits_concat = |s: Shape| match (first, s) {
            (Shape::Flat(_), Shape::Flat(_)) => true,
            (
                Shape::Spatial { height, width, .. },
                Shape::Spatial {
                    height: h,
                    width: w,
                    ..
                },
            ) => (height, width) == (h, w),
            _ => false,
        };
        match self {
            Layer::Concat => match mismatch(&fits_concat) {
                Some(i) => Err(i),
                None => {
                    let channels = inputs.iter().map(|s| s.channels()).sum();
                    Ok(match first {
                        Shape::Spatial { height, width, .. } => Shape::Spatial {
                            height,
                            width,
                            channels,
                        },
                        Shape::Flat(_) => Shape::Flat(channels),
                    })
                }
            },
            _ => match mismatch(&|s| s == first) {
                Some(i) => Err(i),
                None => Ok(first),
            },
        }
    }

    /// Trainable parameters of this layer for `input`, as PyTorch counts them.
    pub fn params(&self, input: Shape) -> u64 {
        match *self {
            Layer::Conv2d {
                filters, kernel, ..
            } => {
                (u64::from(kernel) * u64::from(kernel) * u64::from(input.channels()) + 1)
                    * u64::from(filters)
            }
            Layer::Dense { units } => (input.size() + 1) * u64::from(units),
            _ => 0,
        }
    }

    /// A compact token for one-line summaries, e.g. `C3x32`, `M2`, `D128`, `relu`, `Dr0.25`.
    pub fn token(&self) -> String {
        match *self {
            Layer::Conv2d {
                filters,
                kernel,
                stride,
                padding,
            } => {
                let mut t = format!("C{kernel}x{filters}");
                if stride != 1 {
                    t.push_str(&format!("/{stride}"));
                }
                if padding == Padding::Same {
                    t.push('s');
                }
                t
            }
            Layer::Maxpool2d { size, stride } => pool_token('M', size, stride),
            Layer::Avgpool2d { size, stride } => pool_token('A', size, stride),
            Layer::Dense { units } => format!("D{units}"),
            Layer::Activation { function } => function.name().to_string(),
            Layer::Dropout { rate } => format!("Dr{rate}"),
            Layer::Add => "+".into(),
            Layer::Concat => "‖".into(),
        }
    }
}

fn pool_token(letter: char, size: u32, stride: u32) -> String {
    if stride == 2 {
        format!("{letter}{size}")
    } else {
        format!("{letter}{size}/{stride}")
    }
}

/// The type and hyperparameters, as change texts and errors write them:
/// `conv2d(k3,f32)`, `maxpool2d(2)`, `dense(128)`, `activation(relu)`, `dropout(0.25)`,
/// `add`, `concat`.
impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Layer::Conv2d {
                filters,
                kernel,
                stride,
                padding,
            } => {
                write!(f, "conv2d(k{kernel},f{filters}")?;
                if stride != 1 {
                    write!(f, ",s{stride}")?;
                }
                if padding == Padding::Same {
                    write!(f, ",same")?;
                }
                write!(f, ")")
            }
            Layer::Maxpool2d { size, stride } | Layer::Avgpool2d { size, stride } => {
                write!(f, "{}({size}", self.kind())?;
                if stride != 2 {
                    write!(f, ",s{stride}")?;
                }
                write!(f, ")")
            }
            Layer::Dense { units } => write!(f, "dense({units})"),
            Layer::Activation { function } => write!(f, "activation({})", function.name()),
            Layer::Dropout { rate } => write!(f, "dropout({rate})"),
            Layer::Add => f.write_str("add"),
            Layer::Concat => f.write_str("concat"),
        }
    }
}

#[cfg(test)]
mod padding_tests {
    use super::Padding;

    #[test]
    fn same_padding_puts_the_odd_pixel_at_the_end() {
        // k3 s1: one each side.
        assert_eq!(Padding::Same.amounts([8, 7], 3, 1), [1, 1, 1, 1]);
        // k2 s1: total 1, at the end.
        assert_eq!(Padding::Same.amounts([8, 7], 2, 1), [0, 0, 1, 1]);
        // k3 s2: h 8 → 4 needs (4−1)·2+3−8 = 1; w 7 → 4 needs 9−7 = 2.
        assert_eq!(Padding::Same.amounts([8, 7], 3, 2), [0, 1, 1, 1]);
        assert_eq!(Padding::Valid.amounts([8, 7], 3, 2), [0; 4]);
    }
}
