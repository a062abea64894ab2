//! Packed held-out predictions: the prediction distance (spec §6.1) between many models
//! without a vector of `u32` labels per model.
//!
//! Each model's labels are stored bit-sliced: bit plane p of a 64-image word holds bit p of
//! those 64 images' class indices, so ⌈log₂ classes⌉ words cover 64 images (4 for 10
//! classes, against 8 words of one byte per image). Two models disagree on an image exactly
//! when some plane differs there, so a word of 64 images takes one XOR per plane, their OR and
//! one popcount. `benches/packed.rs` measures it against one byte per image compared eight at
//! a time and against the plain label vectors.

use serde::{Deserialize, Serialize};

use crate::MetricsError;

/// Held-out predictions of many models, packed for the prediction distance.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PackedPredictions {
    classes: u32,
    /// Bit planes per 64-image word: ⌈log₂ classes⌉, at least 1.
    planes: usize,
    /// Held-out images per model (set by the first model pushed).
    images: usize,
    /// Per model, per word of 64 images, its planes: `words × planes` u64 each.
    bits: Vec<u64>,
}

impl PackedPredictions {
    /// No models yet; labels must be below `classes`.
    pub fn new(classes: u32) -> Self {
        let planes = (u32::BITS - classes.saturating_sub(1).leading_zeros()).max(1) as usize;
        PackedPredictions {
            classes,
            planes,
            images: 0,
            bits: Vec::new(),
        }
    }

    /// Packs every model's labels (all the same length, each below `classes`).
    pub fn from_labels(classes: u32, models: &[Vec<u32>]) -> Result<Self, MetricsError> {
        let mut packed = Self::new(classes);
        for labels in models {
            packed.push(labels)?;
        }
        Ok(packed)
    }

    /// Appends one model's predicted labels, in the data set's fixed held-out order.
    pub fn push(&mut self, labels: &[u32]) -> Result<(), MetricsError> {
        let model = self.len();
        if model == 0 {
            if labels.is_empty() {
                return Err(MetricsError::NoPredictions);
            }
            self.images = labels.len();
        } else if labels.len() != self.images {
            return Err(MetricsError::PredictionLength {
                a: 0,
                b: model,
                len_a: self.images,
                len_b: labels.len(),
            });
        }
        if let Some((image, &label)) = labels.iter().enumerate().find(|(_, l)| **l >= self.classes)
        {
            return Err(MetricsError::LabelOutOfRange {
                model,
                image,
                label,
                classes: self.classes,
            });
        }
        let start = self.bits.len();
        self.bits.resize(start + self.model_words(), 0);
        let words = &mut self.bits[start..];
        for (image, &label) in labels.iter().enumerate() {
            let (word, bit) = (image / 64, image % 64);
            for p in 0..self.planes {
                words[word * self.planes + p] |= u64::from((label >> p) & 1) << bit;
            }
        }
        Ok(())
    }

    /// Number of models.
    pub fn len(&self) -> usize {
        self.bits.len().checked_div(self.model_words()).unwrap_or(0)
    }

    /// Whether no model was pushed.
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// Held-out images per model.
    pub fn images(&self) -> usize {
        self.images
    }

    /// The prediction distance between models `a` and `b`: the share of held-out images on
    /// which their labels differ, as [`prediction_distance`](crate::prediction_distance).
    pub fn distance(&self, a: usize, b: usize) -> f64 {
        let (x, y) = (self.model(a), self.model(b));
        let mut differ = 0u32;
        for (wa, wb) in x.chunks_exact(self.planes).zip(y.chunks_exact(self.planes)) {
            let any = wa.iter().zip(wb).fold(0u64, |acc, (p, q)| acc | (p ^ q));
            differ += any.count_ones();
        }
        f64::from(differ) / self.images as f64
    }

    fn model_words(&self) -> usize {
        self.images.div_ceil(64) * self.planes
    }

    fn model(&self, i: usize) -> &[u64] {
        let w = self.model_words();
        assert!(i < self.len(), "model {i} of {} packed", self.len());
        &self.bits[i * w..(i + 1) * w]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prediction_distance;

    /// Labels from a fixed pseudo-random sequence, models agreeing on roughly `agree` of them.
    fn models(count: usize, images: usize, classes: u32, agree: f64) -> Vec<Vec<u32>> {
        let mut state = 0x1234_5678_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let truth: Vec<u32> = (0..images)
            .map(|_| (next() % u64::from(classes)) as u32)
            .collect();
        (0..count)
            .map(|_| {
                truth
                    .iter()
                    .map(|&t| {
                        if (next() % 1000) as f64 / 1000.0 < agree {
                            t
                        } else {
                            (next() % u64::from(classes)) as u32
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn equals_the_label_vector_distance_on_random_data() {
        for (classes, images) in [
            (2, 1),
            (10, 1000),
            (10, 64),
            (3, 129),
            (256, 777),
            (1000, 300),
        ] {
            let labels = models(12, images, classes, 0.7);
            let packed = PackedPredictions::from_labels(classes, &labels).unwrap();
            assert_eq!(packed.len(), 12);
            for a in 0..12 {
                for b in 0..12 {
                    let want = prediction_distance(&labels[a], &labels[b]).unwrap();
                    assert_eq!(packed.distance(a, b), want, "{classes} classes, {a}–{b}");
                }
            }
        }
    }

    #[test]
    fn planes_follow_the_class_count() {
        assert_eq!(PackedPredictions::new(1).planes, 1);
        assert_eq!(PackedPredictions::new(2).planes, 1);
        assert_eq!(PackedPredictions::new(10).planes, 4);
        assert_eq!(PackedPredictions::new(256).planes, 8);
        assert_eq!(PackedPredictions::new(257).planes, 9);
    }

    #[test]
    fn rejects_what_cannot_be_compared() {
        let mut p = PackedPredictions::new(10);
        assert_eq!(p.push(&[]), Err(MetricsError::NoPredictions));
        p.push(&[1, 2, 3]).unwrap();
        assert!(matches!(
            p.push(&[1, 2]),
            Err(MetricsError::PredictionLength { b: 1, len_b: 2, .. })
        ));
        assert_eq!(
            p.push(&[1, 10, 3]),
            Err(MetricsError::LabelOutOfRange {
                model: 1,
                image: 1,
                label: 10,
                classes: 10
            })
        );
        assert_eq!(p.len(), 1);
    }
}
