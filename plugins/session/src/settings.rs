//! A session's data set options and training settings, as stored in its JSON columns.

use remap_datasets::LoadOptions;
use remap_store::Session;
use remap_training::DeviceChoice;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::SessionError;

/// Sketch images generated per class when a session does not say: small enough that a
/// session of 20 models × 2 epochs trains in minutes on a 2-core CPU (400 train and 100
/// held-out images per class).
pub const DEFAULT_SKETCHES_PER_CLASS: usize = 500;

/// How a session loads its data set (the serialisable part of [`LoadOptions`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataOptions {
    /// Keep only these classes, by name, labelled in this order.
    pub classes: Option<Vec<String>>,
    /// Keep the first N images of each class (before the split).
    pub limit: Option<usize>,
    /// Share of each class held out.
    pub held_out_share: f64,
    pub normalize: bool,
    /// Generation seed of the sketches.
    pub seed: u64,
    /// Sketches generated per class.
    pub per_class: usize,
    /// Image folders: the square size every image is resized to.
    pub image_size: u32,
}

impl Default for DataOptions {
    fn default() -> Self {
        let load = LoadOptions::default();
        DataOptions {
            classes: load.classes,
            limit: load.limit,
            held_out_share: load.held_out_share,
            normalize: load.normalize,
            seed: load.seed,
            per_class: DEFAULT_SKETCHES_PER_CLASS,
            image_size: load.image_size,
        }
    }
}

impl DataOptions {
    /// The data set crate's options.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            classes: self.classes.clone(),
            limit: self.limit,
            held_out_share: self.held_out_share,
            normalize: self.normalize,
            seed: self.seed,
            per_class: self.per_class,
            image_size: self.image_size,
        }
    }

    /// Reads a session's `dataset_options` column.
    pub fn from_value(value: &Value, session: &str) -> Result<Self, SessionError> {
        serde_json::from_value(value.clone()).map_err(|error| SessionError::Settings {
            session: session.to_string(),
            column: "dataset_options",
            detail: error.to_string(),
        })
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("data options serialise")
    }
}

/// Whether sampled and generated models are screened by successive halving (spec §9.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Screening {
    /// Rungs of 1, 3, … epochs; only the top third of each goes on.
    #[default]
    Halving,
    /// REMAP's protocol: every model trains fully.
    Off,
}

impl Screening {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "halving" => Some(Screening::Halving),
            "off" => Some(Screening::Off),
            _ => None,
        }
    }
}

/// How a session trains its models (REMAP's protocol otherwise).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingSettings {
    /// Epochs of the initial models; children train for their parent's.
    pub epochs: u32,
    /// Batch size; `None` is the protocol's (256 up to 28×28, 32 above).
    pub batch: Option<usize>,
    pub device: DeviceChoice,
    pub screening: Screening,
}

impl Default for TrainingSettings {
    fn default() -> Self {
        TrainingSettings {
            epochs: remap_training::protocol::MAX_EPOCHS as u32,
            batch: None,
            device: DeviceChoice::Auto,
            screening: Screening::default(),
        }
    }
}

impl TrainingSettings {
    /// Reads a session's `training` column.
    pub fn from_value(value: &Value, session: &str) -> Result<Self, SessionError> {
        serde_json::from_value(value.clone()).map_err(|error| SessionError::Settings {
            session: session.to_string(),
            column: "training",
            detail: error.to_string(),
        })
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("training settings serialise")
    }

    /// The rung a new sampled or generated model of `epochs` starts screened at (`None`
    /// without screening).
    pub fn first_rung(&self, epochs: u32) -> Option<u32> {
        (self.screening == Screening::Halving).then(|| remap_store::screening::rungs(epochs)[0])
    }

    /// The rung for a new model of session `session` (see [`TrainingSettings::first_rung`]).
    pub fn first_rung_of(session: &Session, epochs: u32) -> Result<Option<u32>, SessionError> {
        Ok(Self::from_value(&session.training, &session.name)?.first_rung(epochs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_fill_defaults() {
        let data = DataOptions {
            per_class: 40,
            classes: Some(vec!["cat".into()]),
            ..DataOptions::default()
        };
        assert_eq!(
            DataOptions::from_value(&data.to_value(), "s").unwrap(),
            data
        );
        let partial = serde_json::json!({ "per_class": 7 });
        let read = DataOptions::from_value(&partial, "s").unwrap();
        assert_eq!(read.per_class, 7);
        assert_eq!(read.held_out_share, 0.2);

        let training = TrainingSettings {
            epochs: 2,
            batch: Some(64),
            device: DeviceChoice::Cpu,
            screening: Screening::Off,
        };
        assert_eq!(
            TrainingSettings::from_value(&training.to_value(), "s").unwrap(),
            training
        );
    }

    #[test]
    fn unknown_fields_say_which_session_and_column() {
        let error = TrainingSettings::from_value(&serde_json::json!({ "epoch": 2 }), "demo")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("demo") && error.contains("training"),
            "{error}"
        );
    }
}
