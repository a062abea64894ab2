//! Turns stored u8 images into normalised f32 tensors, one batch at a time.

use burn::tensor::{Device, Int, Tensor, TensorData};

/// Converts u8 pixels (N×C×H×W) to `(x / 255 − mean[c]) / std[c]` through a per-channel table.
#[derive(Debug, Clone)]
pub struct Batcher {
    channels: usize,
    height: usize,
    width: usize,
    table: Vec<[f32; 256]>,
}

impl Batcher {
    /// A batcher for C×H×W images with per-channel mean and standard deviation (on the 0–1
    /// scale). A single value is used for every channel.
    pub fn new(channels: usize, height: usize, width: usize, mean: &[f32], std: &[f32]) -> Self {
        let pick = |v: &[f32], c: usize, default: f32| match v.len() {
            0 => default,
            1 => v[0],
            _ => v[c],
        };
        let table = (0..channels)
            .map(|c| {
                let (m, s) = (pick(mean, c, 0.0), pick(std, c, 1.0));
                std::array::from_fn(|p| (p as f32 / 255.0 - m) / s)
            })
            .collect();
        Self {
            channels,
            height,
            width,
            table,
        }
    }

    /// Values per image.
    pub fn image_len(&self) -> usize {
        self.channels * self.height * self.width
    }

    /// The images at `indices` of `pixels` as an N×C×H×W tensor.
    pub fn images(&self, pixels: &[u8], indices: &[usize], device: &Device) -> Tensor<4> {
        let len = self.image_len();
        let plane = self.height * self.width;
        let mut out = Vec::with_capacity(indices.len() * len);
        for &i in indices {
            let image = &pixels[i * len..(i + 1) * len];
            for (c, channel) in image.chunks_exact(plane).enumerate() {
                let table = &self.table[c];
                out.extend(channel.iter().map(|&p| table[p as usize]));
            }
        }
        Tensor::from_data(
            TensorData::new(out, [indices.len(), self.channels, self.height, self.width]),
            device,
        )
    }

    /// The labels at `indices` as an integer tensor.
    pub fn labels(labels: &[u32], indices: &[usize], device: &Device) -> Tensor<1, Int> {
        let v: Vec<i64> = indices.iter().map(|&i| i64::from(labels[i])).collect();
        Tensor::from_data(TensorData::new(v, [indices.len()]), device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_per_channel_and_keeps_layout() {
        // Two 1×2 images with 2 channels.
        let pixels = [0u8, 255, 51, 102, 255, 0, 0, 0];
        let b = Batcher::new(2, 1, 2, &[0.0, 0.2], &[1.0, 0.5]);
        let device = Device::flex();
        let x = b.images(&pixels, &[1, 0], &device);
        assert_eq!(x.dims(), [2, 2, 1, 2]);
        let v = x.into_data().try_to_vec::<f32>().unwrap();
        let expect = [
            1.0,
            0.0,
            (0.0 - 0.2) / 0.5,
            (0.0 - 0.2) / 0.5,
            0.0,
            1.0,
            0.0,
            0.4,
        ];
        for (a, e) in v.iter().zip(expect) {
            assert!((a - e).abs() < 1e-6, "{v:?}");
        }
    }

    #[test]
    fn labels_follow_indices() {
        let device = Device::flex();
        let t = Batcher::labels(&[3, 1, 4], &[2, 0], &device);
        assert_eq!(
            t.into_data().convert::<i64>().try_to_vec::<i64>().unwrap(),
            vec![4, 3]
        );
    }
}
