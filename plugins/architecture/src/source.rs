//! Where a layer reads from (spec §9.4): the image or an earlier layer.

use std::fmt;

use serde::{Serialize, Serializer};

/// One input of a layer: the input image, or the output of an earlier hidden layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// The input image (`"input"` in JSON).
    Input,
    /// The output of hidden layer `i` (its index in JSON).
    Layer(usize),
}

impl Source {
    /// The source a layer at `index` reads when it names none: the layer before it, or the
    /// image for the first layer.
    pub fn previous(index: usize) -> Self {
        match index {
            0 => Source::Input,
            i => Source::Layer(i - 1),
        }
    }

    /// The layer index, or `None` for the image.
    pub fn layer(self) -> Option<usize> {
        match self {
            Source::Input => None,
            Source::Layer(i) => Some(i),
        }
    }

    /// A compact token for summaries: `in` or the index.
    pub fn token(self) -> String {
        match self {
            Source::Input => "in".into(),
            Source::Layer(i) => i.to_string(),
        }
    }
}

/// `"input"` or the layer's index, as the format writes it.
impl Serialize for Source {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Source::Input => s.serialize_str("input"),
            Source::Layer(i) => s.serialize_u64(*i as u64),
        }
    }
}

/// `the input` or `layer 3`, as errors write it.
impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Input => f.write_str("the input"),
            Source::Layer(i) => write!(f, "layer {i}"),
        }
    }
}
