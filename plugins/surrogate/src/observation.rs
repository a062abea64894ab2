//! What the surrogate learns from: a trained model's architecture and the accuracy it
//! reached, after all or part of its planned training.

use remap_architecture::Architecture;
use serde::{Deserialize, Serialize};

/// How much of its planned training a model got: screened-out models stop early
/// (spec §10.1 keeps them as lower-fidelity observations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fidelity {
    /// Epochs trained.
    pub epochs: u32,
    /// Epochs a fully trained model gets.
    pub max_epochs: u32,
}

impl Fidelity {
    /// The share of training missing, 1 − epochs/max_epochs, in [0, 1).
    pub fn gap(self) -> f64 {
        1.0 - f64::from(self.epochs) / f64::from(self.max_epochs)
    }
}

/// One trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The architecture trained.
    pub architecture: Architecture,
    /// The objective it reached (validation or focus accuracy, 0–1).
    pub accuracy: f64,
    /// How far it was trained; `None` for a fully trained model.
    pub fidelity: Option<Fidelity>,
}

impl Observation {
    /// A fully trained model.
    pub fn new(architecture: Architecture, accuracy: f64) -> Self {
        Observation {
            architecture,
            accuracy,
            fidelity: None,
        }
    }

    /// The same model observed after `epochs` of `max_epochs` epochs.
    pub fn with_epochs(mut self, epochs: u32, max_epochs: u32) -> Self {
        self.fidelity = Some(Fidelity { epochs, max_epochs });
        self
    }

    /// The share of training missing: 0 for a fully trained model.
    pub fn fidelity_gap(&self) -> f64 {
        self.fidelity.map_or(0.0, Fidelity::gap)
    }
}
