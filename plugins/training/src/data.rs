//! Checks on the data a run trains and validates on, and the seeded order it visits them in.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use remap_datasets::Dataset;

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

/// Checks sizes and labels so training never indexes out of bounds.
pub fn check(data: &Dataset) -> Result<(), DataError> {
    for (split, s) in [("train", &data.train), ("held-out", &data.held_out)] {
        if s.is_empty() {
            return Err(DataError::Empty { split });
        }
        if s.images.len() != s.len() * data.image_len() {
            return Err(DataError::Size {
                split,
                images: s.images.len(),
                labels: s.len(),
                per_image: data.image_len(),
            });
        }
        if let Some(&label) = s.labels.iter().find(|&&l| l as usize >= data.classes.len()) {
            return Err(DataError::Label {
                split,
                label,
                classes: data.classes.len(),
            });
        }
    }
    Ok(())
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
    use remap_datasets::{Normalization, Split};

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
        let mut d = Dataset {
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
            normalization: Normalization::identity(1),
        };
        check(&d).unwrap();
        d.held_out.labels[0] = 2;
        assert!(matches!(check(&d), Err(DataError::Label { label: 2, .. })));
        d.held_out.labels[0] = 1;
        d.train.images.pop();
        assert!(matches!(check(&d), Err(DataError::Size { .. })));
    }
}
