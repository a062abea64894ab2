//! REMAP's training protocol (spec §5), every constant named once.

use serde::{Deserialize, Serialize};

/// Adam's learning rate for the first epoch.
pub const LEARNING_RATE: f64 = 1e-3;
/// Factor applied to the learning rate after every epoch.
pub const LR_DECAY_PER_EPOCH: f64 = 0.75;
/// Adam's epsilon. PyTorch's default (burn's is 1e-5), so runs compare with REMAP's.
pub const ADAM_EPSILON: f32 = 1e-8;
/// Upper bound on the number of epochs.
pub const MAX_EPOCHS: usize = 10;
/// The mean validation loss must drop by at least this much to count as an improvement.
pub const MIN_IMPROVEMENT: f64 = 0.005;
/// Training stops after this many epochs in a row without an improvement.
pub const PATIENCE: usize = 3;
/// Batch size for 28×28 data sets (QuickDraw, MNIST, sketches).
pub const BATCH_SMALL_IMAGES: usize = 256;
/// Batch size for CIFAR-sized (32×32 and larger) data sets.
pub const BATCH_LARGE_IMAGES: usize = 32;

/// The knobs of one training run; [`Protocol::for_input`] gives REMAP's values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Protocol {
    pub learning_rate: f64,
    pub lr_decay: f64,
    pub max_epochs: usize,
    pub min_improvement: f64,
    pub patience: usize,
    pub batch_size: usize,
}

impl Protocol {
    /// REMAP's protocol with the batch size its data sets used: 256 up to 28×28, 32 above.
    pub fn for_input(height: u32, width: u32) -> Self {
        let batch_size = if height.max(width) <= 28 {
            BATCH_SMALL_IMAGES
        } else {
            BATCH_LARGE_IMAGES
        };
        Self {
            learning_rate: LEARNING_RATE,
            lr_decay: LR_DECAY_PER_EPOCH,
            max_epochs: MAX_EPOCHS,
            min_improvement: MIN_IMPROVEMENT,
            patience: PATIENCE,
            batch_size,
        }
    }

    /// Learning rate of epoch `epoch` (0-based): decayed once per finished epoch.
    pub fn learning_rate_at(&self, epoch: usize) -> f64 {
        self.learning_rate * self.lr_decay.powi(epoch as i32)
    }
}

/// Early stopping on the mean validation loss: stop after `patience` epochs in a row that
/// improve on the best loss so far by less than `min_improvement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    pub best: Option<f64>,
    pub epochs_without_improvement: usize,
}

impl EarlyStopping {
    /// A fresh state, before the first epoch.
    pub fn new() -> Self {
        Self {
            best: None,
            epochs_without_improvement: 0,
        }
    }

    /// Records an epoch's mean validation loss; returns whether training should stop.
    pub fn update(&mut self, val_loss: f64, protocol: &Protocol) -> bool {
        let improved = match self.best {
            None => true,
            Some(best) => best - val_loss >= protocol.min_improvement,
        };
        if improved {
            self.best = Some(val_loss);
            self.epochs_without_improvement = 0;
        } else {
            self.epochs_without_improvement += 1;
        }
        self.epochs_without_improvement >= protocol.patience
    }
}

impl Default for EarlyStopping {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_size_follows_the_image_size() {
        assert_eq!(Protocol::for_input(28, 28).batch_size, 256);
        assert_eq!(Protocol::for_input(32, 32).batch_size, 32);
    }

    #[test]
    fn learning_rate_decays_per_epoch() {
        let p = Protocol::for_input(28, 28);
        assert_eq!(p.learning_rate_at(0), 1e-3);
        assert!((p.learning_rate_at(2) - 1e-3 * 0.5625).abs() < 1e-15);
    }

    #[test]
    fn early_stopping_waits_for_patience_epochs_without_improvement() {
        let p = Protocol::for_input(28, 28);
        let mut e = EarlyStopping::new();
        assert!(!e.update(1.0, &p));
        assert!(!e.update(0.9, &p)); // improved by 0.1
        assert!(!e.update(0.898, &p)); // < 0.005: 1
        assert!(!e.update(0.897, &p)); // 2
        assert!(e.update(0.896, &p)); // 3 → stop
    }

    #[test]
    fn an_improvement_resets_the_count() {
        let p = Protocol::for_input(28, 28);
        let mut e = EarlyStopping::new();
        e.update(1.0, &p);
        e.update(0.999, &p);
        e.update(0.998, &p);
        assert!(!e.update(0.9, &p));
        assert_eq!(e.epochs_without_improvement, 0);
    }
}
