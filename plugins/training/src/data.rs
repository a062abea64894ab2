//! The images a run trains and validates on, and the seeded order it visits them in.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// One split: N×C×H×W bytes and N labels.
#[derive(Debug, Clone, Default)]
pub struct Split {
    pub images: Vec<u8>,
    pub labels: Vec<u32>,
}

impl Split {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the split holds no image.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Per-channel normalisation on the 0–1 scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Normalization {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl Normalization {
    /// No normalisation beyond scaling to 0–1.
    pub fn identity() -> Self {
        Self {
            mean: vec![0.0],
            std: vec![1.0],
        }
    }
}

/// Everything training needs to know about the data.
#[derive(Debug, Clone)]
pub struct TrainingData {
    pub name: String,
    pub classes: Vec<String>,
    pub height: u32,
    pub width: u32,
    pub channels: u32,
    pub train: Split,
    pub held_out: Split,
    pub normalization: Normalization,
}

/// Mismatch between the data and what a run needs.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error(
        "the {split} split has {images} image bytes for {labels} labels of {per_image} bytes each"
    )]
    Size {
        split: &'static str,
        images: usize,
        labels: usize,
        per_image: usize,
    },
    #[error("the {split} split has label {label} but the data set has {classes} classes")]
    Label {
        split: &'static str,
        label: u32,
        classes: usize,
    },
    #[error("the {split} split is empty")]
    Empty { split: &'static str },
}

impl TrainingData {
    /// Bytes per image.
    pub fn image_len(&self) -> usize {
        (self.channels * self.height * self.width) as usize
    }

    /// Checks sizes and labels so training never indexes out of bounds.
    pub fn check(&self) -> Result<(), DataError> {
        for (split, s) in [("train", &self.train), ("held-out", &self.held_out)] {
            if s.is_empty() {
                return Err(DataError::Empty { split });
            }
            if s.images.len() != s.len() * self.image_len() {
                return Err(DataError::Size {
                    split,
                    images: s.images.len(),
                    labels: s.len(),
                    per_image: self.image_len(),
                });
            }
            if let Some(&label) = s.labels.iter().find(|&&l| l as usize >= self.classes.len()) {
                return Err(DataError::Label {
                    split,
                    label,
                    classes: self.classes.len(),
                });
            }
        }
        Ok(())
    }
}

impl From<remap_datasets::Dataset> for TrainingData {
    fn from(d: remap_datasets::Dataset) -> Self {
        Self {
            name: d.name,
            classes: d.classes,
            height: d.height,
            width: d.width,
            channels: d.channels,
            train: Split {
                images: d.train.images,
                labels: d.train.labels,
            },
            held_out: Split {
                images: d.held_out.images,
                labels: d.held_out.labels,
            },
            normalization: Normalization {
                mean: d.normalization.mean,
                std: d.normalization.std,
            },
        }
    }
}

/// The order of the training images in `epoch`: a shuffle seeded by the run seed and the
/// epoch alone, so a resumed run visits them exactly as an uninterrupted one.
pub fn epoch_order(n: usize, seed: u64, epoch: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ (epoch as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    order.shuffle(&mut rng);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_a_seeded_permutation() {
        let a = epoch_order(100, 5, 0);
        assert_eq!(a, epoch_order(100, 5, 0));
        assert_ne!(a, epoch_order(100, 5, 1));
        assert_ne!(a, epoch_order(100, 6, 0));
        let mut s = a.clone();
        s.sort();
        assert_eq!(s, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn check_rejects_bad_labels_and_sizes() {
        let mut d = TrainingData {
            name: "t".into(),
            classes: vec!["a".into(), "b".into()],
            height: 1,
            width: 2,
            channels: 1,
            train: Split {
                images: vec![0; 4],
                labels: vec![0, 1],
            },
            held_out: Split {
                images: vec![0; 2],
                labels: vec![1],
            },
            normalization: Normalization::identity(),
        };
        d.check().unwrap();
        d.held_out.labels[0] = 2;
        assert!(matches!(d.check(), Err(DataError::Label { label: 2, .. })));
        d.held_out.labels[0] = 1;
        d.train.images.pop();
        assert!(matches!(d.check(), Err(DataError::Size { .. })));
    }
}
