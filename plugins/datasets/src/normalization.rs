//! Per-channel mean and standard deviation of the training images.

use crate::Split;

/// Per-channel mean and std in [0,1] pixel units; a model input is `(pixel/255 - mean) / std`.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalization {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl Normalization {
    /// Mean 0 and std 1: pixels are only scaled to [0,1].
    pub fn identity(channels: u32) -> Self {
        Self {
            mean: vec![0.0; channels as usize],
            std: vec![1.0; channels as usize],
        }
    }

    /// Mean and std of each channel over all images of `split` (C×H×W each). A constant channel
    /// gets std 1 so that normalising never divides by zero.
    pub fn of(split: &Split, channels: u32) -> Self {
        let channels = channels as usize;
        let plane = split.image_len() / channels.max(1);
        // Counting pixel values keeps the hot loop trivial (this crate runs unoptimised in tests)
        // and integer sums make the result independent of summation order.
        let mut histogram = vec![[0u64; 256]; channels];
        for image in split.images.chunks_exact(plane.max(1) * channels) {
            for (c, pixels) in image.chunks_exact(plane).enumerate() {
                let counts = &mut histogram[c];
                for &p in pixels {
                    counts[p as usize] += 1;
                }
            }
        }
        let sum: Vec<u64> = histogram
            .iter()
            .map(|h| (0..256).map(|v| v as u64 * h[v]).sum())
            .collect();
        let squares: Vec<u64> = histogram
            .iter()
            .map(|h| (0..256).map(|v| (v * v) as u64 * h[v]).sum())
            .collect();
        let n = (split.len() * plane).max(1) as f64;
        let mut mean = Vec::with_capacity(channels);
        let mut std = Vec::with_capacity(channels);
        for c in 0..channels {
            let m = sum[c] as f64 / n;
            let variance = (squares[c] as f64 / n - m * m).max(0.0);
            let s = variance.sqrt() / 255.0;
            mean.push((m / 255.0) as f32);
            std.push(if s > 1e-6 { s as f32 } else { 1.0 });
        }
        Self { mean, std }
    }

    /// `(pixel/255 - mean[c]) / std[c]` for every pixel of one C×H×W image.
    pub fn apply(&self, image: &[u8], out: &mut Vec<f32>) {
        let plane = image.len() / self.mean.len();
        out.extend(image.iter().enumerate().map(|(i, &p)| {
            let c = i / plane;
            (p as f32 / 255.0 - self.mean[c]) / self.std[c]
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_and_std_per_channel() {
        // Two 2-channel images of 2 pixels: channel 0 holds 0 and 255, channel 1 is constant 51.
        let split = Split {
            images: vec![0, 255, 51, 51, 255, 0, 51, 51],
            labels: vec![0, 0],
        };
        let n = Normalization::of(&split, 2);
        assert!((n.mean[0] - 0.5).abs() < 1e-6);
        assert!((n.std[0] - 0.5).abs() < 1e-6);
        assert!((n.mean[1] - 0.2).abs() < 1e-6);
        assert_eq!(n.std[1], 1.0);
        let mut out = Vec::new();
        n.apply(&split.images[..4], &mut out);
        assert_eq!(out, [-1.0, 1.0, 0.0, 0.0]);
    }
}
