use std::collections::BTreeMap;

use serde::{Deserialize, Serialize, Serializer};

use crate::{Analysis, ArchError, Layer, Shape, Source};

/// The input images' shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Input {
    pub height: u32,
    pub width: u32,
    pub channels: u32,
}

impl Input {
    /// Images of `height` × `width` pixels with `channels` channels.
    pub const fn new(height: u32, width: u32, channels: u32) -> Self {
        Self {
            height,
            width,
            channels,
        }
    }

    /// The input as a feature-map shape.
    pub fn shape(self) -> Shape {
        Shape::Spatial {
            height: self.height,
            width: self.width,
            channels: self.channels,
        }
    }
}

/// One network: input, hidden layers, and the implicit classifier head.
///
/// A layer reads the layer before it (the first reads the image) unless `inputs` names
/// other sources (spec §9.4), which makes the net a graph: skips and branches that merge in
/// `add` and `concat` layers. A chain has no `inputs` at all.
///
/// Deserialising checks every field (see [`Architecture::from_value`]) but not whether the
/// layers fit together; [`Architecture::analyze`] does that.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct Architecture {
    pub input: Input,
    pub classes: u32,
    pub layers: Vec<Layer>,
    /// The sources of the layers that do not just read the layer before them, by layer
    /// index. Kept canonical by [`Architecture::with_inputs`]: a non-merge layer that lists
    /// only its predecessor has no entry.
    pub inputs: BTreeMap<usize, Vec<Source>>,
}

/// The canonical JSON: a layer's `inputs` is written only where it is not the default, so a
/// chain serialises (and hashes) exactly as before graphs existed.
impl Serialize for Architecture {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Entry<'a> {
            #[serde(flatten)]
            layer: &'a Layer,
            #[serde(skip_serializing_if = "Option::is_none")]
            inputs: Option<&'a Vec<Source>>,
        }
        #[derive(Serialize)]
        struct Canonical<'a> {
            input: &'a Input,
            classes: u32,
            layers: Vec<Entry<'a>>,
        }
        Canonical {
            input: &self.input,
            classes: self.classes,
            layers: self
                .layers
                .iter()
                .enumerate()
                .map(|(i, layer)| Entry {
                    layer,
                    inputs: self.inputs.get(&i),
                })
                .collect(),
        }
        .serialize(s)
    }
}

impl TryFrom<serde_json::Value> for Architecture {
    type Error = ArchError;

    fn try_from(value: serde_json::Value) -> Result<Self, ArchError> {
        Self::from_value(&value)
    }
}

impl Architecture {
    /// A chain with the given input, classes and hidden layers.
    pub fn new(input: Input, classes: u32, layers: Vec<Layer>) -> Self {
        Self {
            input,
            classes,
            layers,
            inputs: BTreeMap::new(),
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

    /// A one-line summary such as `C3x32 relu M2 D128 → 10`; a layer with its own inputs
    /// lists them, as in `+(3,1)` or `C1x8@in`.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self
            .layers
            .iter()
            .enumerate()
            .map(|(i, layer)| {
                let token = layer.token();
                match self.inputs.get(&i) {
                    None => token,
                    Some(sources) if layer.is_merge() => {
                        let list: Vec<String> = sources.iter().map(|s| s.token()).collect();
                        format!("{token}({})", list.join(","))
                    }
                    Some(sources) => format!("{token}@{}", sources[0].token()),
                }
            })
            .collect();
        parts.push(format!("→ {}", self.classes));
        parts.join(" ")
    }
}
