//! The loaded data: images and labels split into train and held-out parts.

use crate::Normalization;

/// Images as u8 in N×C×H×W order (what burn's conv layers take) and their class indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    /// All images back to back, each C×H×W bytes.
    pub images: Vec<u8>,
    /// One class index per image.
    pub labels: Vec<u32>,
}

impl Split {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the split has no images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Bytes per image (C×H×W); 0 for an empty split.
    pub fn image_len(&self) -> usize {
        self.images
            .len()
            .checked_div(self.labels.len())
            .unwrap_or(0)
    }

    /// The `i`-th image, C×H×W bytes.
    pub fn image(&self, i: usize) -> &[u8] {
        let len = self.image_len();
        &self.images[i * len..(i + 1) * len]
    }

    /// Number of images of each class, for `classes` classes.
    pub fn class_counts(&self, classes: usize) -> Vec<usize> {
        let mut counts = vec![0; classes];
        for &label in &self.labels {
            counts[label as usize] += 1;
        }
        counts
    }

    pub(crate) fn push(&mut self, image: &[u8], label: u32) {
        self.images.extend_from_slice(image);
        self.labels.push(label);
    }
}

/// A data set ready for training: classes, image shape, both splits and the normalisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// `sketches`, `quickdraw`, `cifar10`, `mnist` or `folder:/path`.
    pub name: String,
    /// Class names in label order.
    pub classes: Vec<String>,
    pub height: u32,
    pub width: u32,
    pub channels: u32,
    /// Training images, grouped by class in label order (or in file order for sources with an
    /// official split); the trainer shuffles them.
    pub train: Split,
    /// Held-out images in a fixed order: predictions are reported in this order.
    pub held_out: Split,
    /// Per-channel mean and std in [0,1] pixel units, computed on `train` (identity when disabled).
    pub normalization: Normalization,
}

impl Dataset {
    /// Bytes per image (C×H×W).
    pub fn image_len(&self) -> usize {
        (self.channels * self.height * self.width) as usize
    }
}

/// Splits images gathered per class into train (the first part of each class) and held out (the
/// last `share` of each class, rounded to the nearest image), both grouped by class in label order.
pub(crate) fn split_per_class(
    per_class: &[Vec<u8>],
    image_len: usize,
    share: f64,
) -> (Split, Split) {
    let mut train = Split::default();
    let mut held_out = Split::default();
    for (label, images) in per_class.iter().enumerate() {
        let count = images.len() / image_len;
        let held = held_out_count(count, share);
        for (i, image) in images.chunks_exact(image_len).enumerate() {
            let split = if i < count - held {
                &mut train
            } else {
                &mut held_out
            };
            split.push(image, label as u32);
        }
    }
    (train, held_out)
}

/// How many of `count` images are held out for `share`.
pub(crate) fn held_out_count(count: usize, share: f64) -> usize {
    ((count as f64 * share).round() as usize).min(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_last_share_of_each_class() {
        let per_class = vec![(0..10).collect::<Vec<u8>>(), (10..15).collect()];
        let (train, held_out) = split_per_class(&per_class, 1, 0.2);
        assert_eq!(train.images, [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13]);
        assert_eq!(train.labels, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(held_out.images, [8, 9, 14]);
        assert_eq!(held_out.labels, [0, 0, 1]);
        assert_eq!(held_out.image(2), [14]);
        assert_eq!(train.class_counts(2), [8, 4]);
    }
}
