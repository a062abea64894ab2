//! What an export needs: the model, its data set's facts and its training history.

use std::fmt;
use std::str::FromStr;

use remap_architecture::Architecture;
use remap_datasets::Normalization;
use remap_training::Net;

use crate::ExportError;

/// A trained model ready for export.
#[derive(Debug)]
pub struct TrainedModel {
    pub arch: Architecture,
    /// The trained weights (any device; they are read back to the CPU).
    pub net: Net,
    /// Class names in label order.
    pub classes: Vec<String>,
    /// Per-channel mean and std on the [0, 1] pixel scale the net was trained with (one value
    /// stands for every channel).
    pub normalization: Normalization,
    pub about: About,
}

/// What is known about where a model comes from and how it trained; all for the model card.
#[derive(Debug, Clone, Default)]
pub struct About {
    /// Where it was exported from, e.g. `run runs/a` or `session demo, model 7`.
    pub source: String,
    /// The data set's source (`sketches`, `mnist:/data/mnist`, …).
    pub dataset: String,
    pub train_images: Option<usize>,
    pub held_out_images: Option<usize>,
    /// Seed of initialisation, data order and dropout.
    pub seed: Option<u64>,
    /// Training settings as (name, value), in the order the card lists them.
    pub settings: Vec<(String, String)>,
    /// `completed`, `early-stopped`, `done`, …
    pub status: Option<String>,
    pub epochs: Option<usize>,
    pub val_accuracy: Option<f64>,
    pub device: Option<String>,
    /// Held-out accuracy per class (`None` for a class without held-out images).
    pub per_class_accuracy: Option<Vec<Option<f64>>>,
    /// Rows: true class, columns: predicted class.
    pub confusion: Option<Vec<Vec<u64>>>,
    pub lineage: Option<Lineage>,
}

/// A session model's ancestry.
#[derive(Debug, Clone, Default)]
pub struct Lineage {
    pub model: i64,
    /// `sampled`, `ablation`, `variation` or `handcrafted`.
    pub origin: String,
    pub parent: Option<i64>,
    /// The parent's one-line summary, when known.
    pub parent_summary: Option<String>,
    /// What changed relative to the parent.
    pub changes: Vec<String>,
}

impl TrainedModel {
    /// Checks that class names and normalisation fit the architecture.
    pub fn check(&self) -> Result<(), ExportError> {
        self.arch.analyze()?;
        if self.classes.len() != self.arch.classes as usize {
            return Err(ExportError::Classes {
                found: self.classes.len(),
                expected: self.arch.classes,
            });
        }
        self.mean()?;
        self.std()?;
        Ok(())
    }

    /// The mean per input channel.
    pub fn mean(&self) -> Result<Vec<f32>, ExportError> {
        per_channel(
            &self.normalization.mean,
            self.arch.input.channels,
            "mean",
            0.0,
        )
    }

    /// The standard deviation per input channel.
    pub fn std(&self) -> Result<Vec<f32>, ExportError> {
        per_channel(
            &self.normalization.std,
            self.arch.input.channels,
            "std",
            1.0,
        )
    }
}

/// One value per channel, as the trainer's batcher reads them: none is `default`, one is
/// shared by every channel.
fn per_channel(
    values: &[f32],
    channels: u32,
    what: &'static str,
    default: f32,
) -> Result<Vec<f32>, ExportError> {
    let c = channels as usize;
    match values.len() {
        0 => Ok(vec![default; c]),
        1 => Ok(vec![values[0]; c]),
        n if n == c => Ok(values.to_vec()),
        found => Err(ExportError::Normalization {
            what,
            found,
            channels,
        }),
    }
}

/// One export format; each writes one file with a fixed name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Json,
    Safetensors,
    Onnx,
    Pytorch,
    Card,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Json,
        Format::Safetensors,
        Format::Onnx,
        Format::Pytorch,
        Format::Card,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Safetensors => "safetensors",
            Format::Onnx => "onnx",
            Format::Pytorch => "pytorch",
            Format::Card => "card",
        }
    }

    /// The file it writes in the export folder (never taken from the model).
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "architecture.json",
            Format::Safetensors => "model.safetensors",
            Format::Onnx => "model.onnx",
            Format::Pytorch => "model.py",
            Format::Card => "README.md",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ExportError;

    fn from_str(s: &str) -> Result<Self, ExportError> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| ExportError::UnknownFormat(s.to_string()))
    }
}
