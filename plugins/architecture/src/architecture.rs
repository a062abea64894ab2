use serde::{Deserialize, Serialize};

use crate::{Analysis, ArchError, Layer, Shape};

/// The input images' shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Input {
    pub height: u32,
    pub width: u32,
    pub channels: u32,
}

impl Input {
    /// The input as a feature-map shape.
    pub fn shape(self) -> Shape {
        Shape::Spatial {
            height: self.height,
            width: self.width,
            channels: self.channels,
        }
    }
}

/// One sequential network: input, hidden layers, and the implicit classifier head.
///
/// Deserialising checks every field (see [`Architecture::from_value`]) but not whether the
/// layers fit together; [`Architecture::analyze`] does that.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Architecture {
    pub input: Input,
    pub classes: u32,
    pub layers: Vec<Layer>,
}

impl TryFrom<serde_json::Value> for Architecture {
    type Error = ArchError;

    fn try_from(value: serde_json::Value) -> Result<Self, ArchError> {
        Self::from_value(&value)
    }
}

impl Architecture {
    /// A network with the given input, classes and hidden layers.
    pub fn new(input: Input, classes: u32, layers: Vec<Layer>) -> Self {
        Self {
            input,
            classes,
            layers,
        }
    }

    /// Parses one architecture from JSON text and checks that its layers fit together.
    pub fn from_json(text: &str) -> Result<Self, ArchError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(crate::parse::json_error)?;
        let arch = Self::from_value(&value)?;
        arch.analyze()?;
        Ok(arch)
    }

    /// Infers every layer's output shape and parameters, or says which layer does not fit.
    pub fn analyze(&self) -> Result<Analysis, ArchError> {
        Analysis::of(self)
    }

    /// Whether the layers fit together.
    pub fn is_valid(&self) -> bool {
        self.analyze().is_ok()
    }

    /// Total trainable parameters, head included (PyTorch's `sum(p.numel())`).
    pub fn params(&self) -> Result<u64, ArchError> {
        Ok(self.analyze()?.params)
    }

    /// The canonical JSON: fixed key order, defaults written out, no extra fields.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).expect("an architecture always serialises")
    }

    /// A stable content hash (16 hex digits of SHA-256 over the canonical JSON): equal for
    /// equal architectures whatever their key order or omitted defaults.
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.canonical_json().as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A one-line summary such as `C3x32 relu M2 D128 → 10`.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self.layers.iter().map(Layer::token).collect();
        parts.push(format!("→ {}", self.classes));
        parts.join(" ")
    }
}
