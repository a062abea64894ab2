//! Hyperparameters as data: which ones each layer type has, reading and setting them, so
//! that sampling, reparametrizing and restrictions share one description.

use std::fmt;

use remap_architecture::{Activation, Layer, LayerKind, Padding};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A hyperparameter of some layer type. `size` and `stride` are shared by both pools
/// (and `stride` by conv2d), so one restriction applies to all layers that have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Hyperparameter {
    Kernel,
    Filters,
    Size,
    Stride,
    Units,
    Function,
    Rate,
}

impl Hyperparameter {
    /// Every hyperparameter.
    pub const ALL: [Hyperparameter; 7] = [
        Hyperparameter::Kernel,
        Hyperparameter::Filters,
        Hyperparameter::Size,
        Hyperparameter::Stride,
        Hyperparameter::Units,
        Hyperparameter::Function,
        Hyperparameter::Rate,
    ];

    /// The name used in files, the CLI and change texts.
    pub fn name(self) -> &'static str {
        match self {
            Hyperparameter::Kernel => "kernel",
            Hyperparameter::Filters => "filters",
            Hyperparameter::Size => "size",
            Hyperparameter::Stride => "stride",
            Hyperparameter::Units => "units",
            Hyperparameter::Function => "function",
            Hyperparameter::Rate => "rate",
        }
    }

    /// Parses a name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.name() == name)
    }

    /// The hyperparameters a layer type has, in the order the sampler draws them.
    pub fn of(kind: LayerKind) -> &'static [Hyperparameter] {
        match kind {
            LayerKind::Conv2d => &[
                Hyperparameter::Kernel,
                Hyperparameter::Filters,
                Hyperparameter::Stride,
            ],
            LayerKind::Maxpool2d | LayerKind::Avgpool2d => {
                &[Hyperparameter::Size, Hyperparameter::Stride]
            }
            LayerKind::Dense => &[Hyperparameter::Units],
            LayerKind::Activation => &[Hyperparameter::Function],
            LayerKind::Dropout => &[Hyperparameter::Rate],
            LayerKind::Add | LayerKind::Concat => &[],
        }
    }
}

impl fmt::Display for Hyperparameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One hyperparameter value: a whole number, a dropout rate or an activation function.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum HValue {
    Int(u32),
    Rate(f64),
    Function(Activation),
}

impl fmt::Display for HValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HValue::Int(n) => write!(f, "{n}"),
            HValue::Rate(r) => write!(f, "{r}"),
            HValue::Function(a) => f.write_str(a.name()),
        }
    }
}

/// The value of `param` in `layer`, or `None` if the layer's type does not have it.
pub fn get(layer: &Layer, param: Hyperparameter) -> Option<HValue> {
    use Hyperparameter as H;
    Some(match (layer, param) {
        (Layer::Conv2d { kernel, .. }, H::Kernel) => HValue::Int(*kernel),
        (Layer::Conv2d { filters, .. }, H::Filters) => HValue::Int(*filters),
        (Layer::Conv2d { stride, .. }, H::Stride) => HValue::Int(*stride),
        (Layer::Maxpool2d { size, .. } | Layer::Avgpool2d { size, .. }, H::Size) => {
            HValue::Int(*size)
        }
        (Layer::Maxpool2d { stride, .. } | Layer::Avgpool2d { stride, .. }, H::Stride) => {
            HValue::Int(*stride)
        }
        (Layer::Dense { units }, H::Units) => HValue::Int(*units),
        (Layer::Activation { function }, H::Function) => HValue::Function(*function),
        (Layer::Dropout { rate }, H::Rate) => HValue::Rate(*rate),
        _ => return None,
    })
}

/// `layer` with `param` set to `value`, or `None` if the layer has no such hyperparameter
/// or the value has the wrong kind.
pub fn set(layer: &Layer, param: Hyperparameter, value: HValue) -> Option<Layer> {
    use Hyperparameter as H;
    let mut out = layer.clone();
    match (&mut out, param, value) {
        (Layer::Conv2d { kernel, .. }, H::Kernel, HValue::Int(v)) => *kernel = v,
        (Layer::Conv2d { filters, .. }, H::Filters, HValue::Int(v)) => *filters = v,
        (Layer::Conv2d { stride, .. }, H::Stride, HValue::Int(v)) => *stride = v,
        (
            Layer::Maxpool2d { size, .. } | Layer::Avgpool2d { size, .. },
            H::Size,
            HValue::Int(v),
        ) => *size = v,
        (
            Layer::Maxpool2d { stride, .. } | Layer::Avgpool2d { stride, .. },
            H::Stride,
            HValue::Int(v),
        ) => *stride = v,
        (Layer::Dense { units }, H::Units, HValue::Int(v)) => *units = v,
        (Layer::Activation { function }, H::Function, HValue::Function(v)) => *function = v,
        (Layer::Dropout { rate }, H::Rate, HValue::Rate(v)) => *rate = v,
        _ => return None,
    }
    Some(out)
}

/// A layer of `kind` with every hyperparameter at a placeholder, to be filled by [`set`].
pub(crate) fn blank(kind: LayerKind) -> Layer {
    match kind {
        LayerKind::Conv2d => Layer::Conv2d {
            filters: 1,
            kernel: 1,
            stride: 1,
            padding: Padding::Valid,
        },
        LayerKind::Maxpool2d => Layer::maxpool(1),
        LayerKind::Avgpool2d => Layer::avgpool(1),
        LayerKind::Dense => Layer::Dense { units: 1 },
        LayerKind::Activation => Layer::Activation {
            function: Activation::Relu,
        },
        LayerKind::Dropout => Layer::Dropout { rate: 0.5 },
        LayerKind::Add => Layer::Add,
        LayerKind::Concat => Layer::Concat,
    }
}
