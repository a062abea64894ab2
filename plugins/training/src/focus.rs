//! Focus accuracy (spec §9.3): a model read as a classifier of a few focus classes only.
//!
//! A run keeps each held-out image's class log-probabilities, quantized to 16 bits
//! ([`LogProbs`]), so the focus accuracy of any set of classes can be computed exactly
//! afterwards without the model.

/// Log-probabilities below this are stored as this (e⁻⁴⁰ ≈ 4·10⁻¹⁸).
const FLOOR: f32 = -40.0;
/// Quantization steps over [FLOOR, 0].
const LEVELS: f32 = u16::MAX as f32;

/// Held-out images' class log-probabilities, 16 bits each, image after image.
#[derive(Debug, Clone, PartialEq)]
pub struct LogProbs {
    pub classes: usize,
    codes: Vec<u16>,
}

impl LogProbs {
    /// From log-softmax rows (one per image, `classes` values each).
    pub fn quantize(log_probs: &[f32], classes: usize) -> Self {
        assert!(
            classes > 0 && log_probs.len().is_multiple_of(classes),
            "whole rows"
        );
        let codes = log_probs
            .iter()
            .map(|&l| ((l.clamp(FLOOR, 0.0) - FLOOR) / -FLOOR * LEVELS).round() as u16)
            .collect();
        LogProbs { classes, codes }
    }

    /// Images covered.
    pub fn images(&self) -> usize {
        self.codes.len() / self.classes
    }

    /// Image `image`'s codes (higher is more probable).
    fn row(&self, image: usize) -> &[u16] {
        &self.codes[image * self.classes..(image + 1) * self.classes]
    }

    /// The log-probability of `class` for `image` (to the quantization step).
    pub fn log_prob(&self, image: usize, class: usize) -> f32 {
        f32::from(self.row(image)[class]) / LEVELS * -FLOOR + FLOOR
    }

    /// The stored form: little-endian u16s.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.codes.iter().flat_map(|c| c.to_le_bytes()).collect()
    }

    /// The stored form back; `None` when `bytes` is not whole rows of `classes`.
    pub fn from_bytes(bytes: &[u8], classes: usize) -> Option<Self> {
        (classes > 0 && bytes.len().is_multiple_of(2 * classes)).then(|| LogProbs {
            classes,
            codes: bytes
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect(),
        })
    }
}

/// On the held-out images whose label is a focus class, the share whose arg-max over the
/// focus classes only is the label (a 10-class model read as a 2-class one). Ties go to the
/// lower class. `None` without focus images or when `probs` does not match `labels`.
pub fn focus_accuracy(probs: &LogProbs, labels: &[u32], focus: &[usize]) -> Option<f64> {
    if probs.images() != labels.len() || focus.iter().any(|&c| c >= probs.classes) {
        return None;
    }
    let (mut seen, mut right) = (0usize, 0usize);
    for (image, &label) in labels.iter().enumerate() {
        if !focus.contains(&(label as usize)) {
            continue;
        }
        seen += 1;
        let row = probs.row(image);
        let best = focus
            .iter()
            .copied()
            .max_by(|&a, &b| row[a].cmp(&row[b]).then(b.cmp(&a)))
            .expect("a focus class");
        right += usize::from(best == label as usize);
    }
    (seen > 0).then(|| right as f64 / seen as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[f32; 3]]) -> LogProbs {
        let logs: Vec<f32> = rows.iter().flatten().map(|p| p.ln()).collect();
        LogProbs::quantize(&logs, 3)
    }

    #[test]
    fn focus_accuracy_reads_the_model_as_a_classifier_of_the_focus_classes() {
        // Classes cat 0, bird 1, dog 2; focus on cat and bird.
        let probs = table(&[
            [0.2, 0.1, 0.7], // cat, predicted dog; over {cat, bird}: cat — right
            [0.3, 0.6, 0.1], // bird — right
            [0.5, 0.4, 0.1], // bird, predicted cat — wrong
            [0.1, 0.1, 0.8], // dog: not a focus image
        ]);
        let labels = [0, 1, 1, 2];
        assert_eq!(focus_accuracy(&probs, &labels, &[0, 1]), Some(2.0 / 3.0));
        // All classes: plain accuracy (images 1 and 3 right).
        assert_eq!(focus_accuracy(&probs, &labels, &[0, 1, 2]), Some(0.5));
        assert_eq!(
            focus_accuracy(&probs, &[0, 1, 1], &[0, 1]),
            None,
            "lengths differ"
        );
        assert_eq!(
            focus_accuracy(&probs, &[2, 2, 2, 2], &[0, 1]),
            None,
            "no focus image"
        );
        assert_eq!(focus_accuracy(&probs, &labels, &[5]), None, "no such class");
    }

    #[test]
    fn quantized_log_probabilities_round_trip_and_keep_tiny_differences() {
        let logs = [-0.01f32, -5.0, -39.0, -100.0, 0.0, -1e-4];
        let q = LogProbs::quantize(&logs, 3);
        let back = LogProbs::from_bytes(&q.to_bytes(), 3).unwrap();
        assert_eq!(back, q);
        assert_eq!(back.images(), 2);
        assert!((back.log_prob(0, 1) - -5.0).abs() < 1e-3);
        assert_eq!(back.log_prob(1, 0), -40.0, "clamped at the floor");
        assert!(
            back.log_prob(0, 2) > back.log_prob(1, 0),
            "e⁻³⁹ beats e⁻¹⁰⁰"
        );
        assert_eq!(LogProbs::from_bytes(&[0, 0, 0], 3), None);
    }
}
