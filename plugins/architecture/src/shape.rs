use std::fmt;

use serde::Serialize;

/// The shape of a tensor flowing between layers, without the batch dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Shape {
    /// A feature map: height × width × channels.
    Spatial {
        height: u32,
        width: u32,
        channels: u32,
    },
    /// A vector of features (after a dense layer or an implicit flatten).
    Flat(u32),
}

impl Shape {
    /// Number of values in the tensor (h·w·c or n).
    pub fn size(self) -> u64 {
        match self {
            Shape::Spatial {
                height,
                width,
                channels,
            } => u64::from(height) * u64::from(width) * u64::from(channels),
            Shape::Flat(n) => u64::from(n),
        }
    }

    /// Whether this is a feature map rather than a vector.
    pub fn is_spatial(self) -> bool {
        matches!(self, Shape::Spatial { .. })
    }

    /// Channels of a feature map, or the length of a vector.
    pub fn channels(self) -> u32 {
        match self {
            Shape::Spatial { channels, .. } => channels,
            Shape::Flat(n) => n,
        }
    }

    /// The shape as `[h, w, c]` or `[n]`, as the CLI's JSON prints it.
    pub fn dims(self) -> Vec<u32> {
        match self {
            Shape::Spatial {
                height,
                width,
                channels,
            } => vec![height, width, channels],
            Shape::Flat(n) => vec![n],
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::Spatial {
                height,
                width,
                channels,
            } => write!(f, "{height}×{width}×{channels}"),
            Shape::Flat(n) => write!(f, "{n}"),
        }
    }
}
