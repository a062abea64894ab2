//! REMAP's OTMANN layer labels and the cost of matching two of them (spec §6.2).

use std::fmt;

use remap_architecture::Activation;

/// Stands in for an infinite label-mismatch cost, as REMAP does.
pub const FORBIDDEN: f64 = 765_432.0;

/// The label OTMANN gives a layer: its kind, with convs by kernel and pools by size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// The input node.
    Ip,
    /// The output node.
    Op,
    /// The softmax before `op`.
    Softmax,
    /// A dense layer, the head included.
    Dense,
    /// A dropout layer.
    Dropout,
    /// A convolution with a 1×1 kernel.
    Conv1,
    /// A convolution with a 3×3 kernel.
    Conv3,
    /// A convolution with a 5×5 kernel.
    Conv5,
    /// A pool of size 2.
    Pool2,
    /// A pool of size 3.
    Pool3,
    /// A pool of size 5.
    Pool5,
    /// A ReLU activation.
    Relu,
    /// A tanh activation.
    Tanh,
    /// A sigmoid activation.
    Sigmoid,
    /// An `add` merge (spec §9.4): matches only itself.
    Add,
    /// A `concat` merge: matches only itself.
    Concat,
}

impl Label {
    /// Every label, in declaration order (a label's position is `label as usize`).
    pub const ALL: [Label; 16] = [
        Label::Ip,
        Label::Op,
        Label::Softmax,
        Label::Dense,
        Label::Dropout,
        Label::Conv1,
        Label::Conv3,
        Label::Conv5,
        Label::Pool2,
        Label::Pool3,
        Label::Pool5,
        Label::Relu,
        Label::Tanh,
        Label::Sigmoid,
        Label::Add,
        Label::Concat,
    ];

    /// The convolution label of a kernel size.
    pub fn conv(kernel: u32) -> Label {
        match kernel {
            // Kernels outside REMAP's grid (1, 3, 5) are labelled by kernel family.
            0..=2 => Label::Conv1,
            3 | 4 => Label::Conv3,
            _ => Label::Conv5,
        }
    }

    /// The pooling label of a pool size.
    pub fn pool(size: u32) -> Label {
        match size {
            0..=2 => Label::Pool2,
            3 | 4 => Label::Pool3,
            _ => Label::Pool5,
        }
    }

    /// REMAP's name of the label (`ip`, `conv3`, `pool2`, `relu`, …).
    pub fn name(self) -> &'static str {
        match self {
            Label::Ip => "ip",
            Label::Op => "op",
            Label::Softmax => "softmax",
            Label::Dense => "dense",
            Label::Dropout => "dropout",
            Label::Conv1 => "conv1",
            Label::Conv3 => "conv3",
            Label::Conv5 => "conv5",
            Label::Pool2 => "pool2",
            Label::Pool3 => "pool3",
            Label::Pool5 => "pool5",
            Label::Relu => "relu",
            Label::Tanh => "tanh",
            Label::Sigmoid => "sigmoid",
            Label::Add => "add",
            Label::Concat => "concat",
        }
    }

    /// Whether this is a convolution label.
    pub fn is_conv(self) -> bool {
        matches!(self, Label::Conv1 | Label::Conv3 | Label::Conv5)
    }

    /// Whether this is a pooling label.
    pub fn is_pool(self) -> bool {
        matches!(self, Label::Pool2 | Label::Pool3 | Label::Pool5)
    }

    /// Cost of matching this label with `other`: small between similar convs, pools or
    /// activations, [`FORBIDDEN`] between unrelated kinds.
    pub fn mismatch(self, other: Label) -> f64 {
        // Tabulated at compile time: this is looked up for every layer pair of a cost matrix.
        MISMATCH[self as usize][other as usize]
    }
}

impl From<Activation> for Label {
    fn from(function: Activation) -> Label {
        match function {
            Activation::Relu => Label::Relu,
            Activation::Tanh => Label::Tanh,
            Activation::Sigmoid => Label::Sigmoid,
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// REMAP's label-mismatch costs; symmetric, so each pair is listed once.
const fn mismatch(a: Label, b: Label) -> f64 {
    use Label::*;
    let (a, b) = if (a as u8) <= (b as u8) {
        (a, b)
    } else {
        (b, a)
    };
    match (a, b) {
        _ if a as u8 == b as u8 => 0.0,
        (Conv1, Conv3) | (Conv3, Conv5) => 0.2,
        (Conv1, Conv5) => 0.3,
        (Relu, Tanh) | (Relu, Sigmoid) => 0.25,
        (Tanh, Sigmoid) => 0.1,
        (Pool2, Pool3) | (Pool3, Pool5) => 0.2,
        (Pool2, Pool5) => 0.3,
        _ => FORBIDDEN,
    }
}

const N: usize = Label::ALL.len();

static MISMATCH: [[f64; N]; N] = {
    let mut table = [[0.0; N]; N];
    let mut i = 0;
    while i < N {
        let mut j = 0;
        while j < N {
            table[i][j] = mismatch(Label::ALL[i], Label::ALL[j]);
            j += 1;
        }
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_label_at_its_position() {
        for (i, label) in Label::ALL.into_iter().enumerate() {
            assert_eq!(label as usize, i, "{label}");
        }
    }

    #[test]
    fn names_are_remaps() {
        let names: Vec<_> = Label::ALL.map(Label::name).to_vec();
        assert_eq!(
            names,
            [
                "ip", "op", "softmax", "dense", "dropout", "conv1", "conv3", "conv5", "pool2",
                "pool3", "pool5", "relu", "tanh", "sigmoid", "add", "concat",
            ]
        );
        assert_eq!(Label::Conv3.to_string(), "conv3");
        for function in Activation::ALL {
            assert_eq!(Label::from(function).name(), function.name());
        }
    }

    #[test]
    fn convs_and_pools_label_by_size_family() {
        let convs: Vec<_> = (1..=7).map(Label::conv).collect();
        use Label::*;
        assert_eq!(convs, [Conv1, Conv1, Conv3, Conv3, Conv5, Conv5, Conv5]);
        let pools: Vec<_> = (1..=6).map(Label::pool).collect();
        assert_eq!(pools, [Pool2, Pool2, Pool3, Pool3, Pool5, Pool5]);
    }

    #[test]
    fn mismatch_is_symmetric_and_forbids_unrelated_kinds() {
        use Label::*;
        assert_eq!(Conv5.mismatch(Conv1), 0.3);
        assert_eq!(Conv1.mismatch(Conv3), 0.2);
        assert_eq!(Tanh.mismatch(Sigmoid), 0.1);
        assert_eq!(Relu.mismatch(Tanh), 0.25);
        assert_eq!(Sigmoid.mismatch(Relu), 0.25);
        assert_eq!(Pool5.mismatch(Pool3), 0.2);
        assert_eq!(Pool2.mismatch(Pool5), 0.3);
        assert_eq!(Dense.mismatch(Dense), 0.0);
        assert_eq!(Dense.mismatch(Dropout), FORBIDDEN);
        assert_eq!(Conv3.mismatch(Pool3), FORBIDDEN);
        assert_eq!(Ip.mismatch(Softmax), FORBIDDEN);
        assert_eq!(Add.mismatch(Concat), FORBIDDEN);
        assert_eq!(Add.mismatch(Relu), FORBIDDEN);
        for a in Label::ALL {
            assert_eq!(a.mismatch(a), 0.0, "{a}");
            for b in Label::ALL {
                assert_eq!(a.mismatch(b), b.mismatch(a), "{a} vs {b}");
            }
        }
    }
}
