//! Sample images and PNG encoding for previews (the Data Selector's class cards).

use std::io::Cursor;

use crate::{Dataset, DatasetError};

/// The first `n` held-out images of class `class` (C×H×W each), from the training images when
/// the held-out split has none of that class.
pub fn sample_images(dataset: &Dataset, class: u32, n: usize) -> Vec<&[u8]> {
    let of = |split: &'static str| {
        let split = if split == "held_out" {
            &dataset.held_out
        } else {
            &dataset.train
        };
        (0..split.len())
            .filter(|&i| split.labels[i] == class)
            .take(n)
            .map(|i| split.image(i))
            .collect::<Vec<_>>()
    };
    let samples = of("held_out");
    if samples.is_empty() {
        of("train")
    } else {
        samples
    }
}

/// Encodes one C×H×W image (1 channel grey, 3 channels RGB) as PNG bytes.
pub fn encode_png(
    image: &[u8],
    height: u32,
    width: u32,
    channels: u32,
) -> Result<Vec<u8>, DatasetError> {
    contact_sheet(&[image], 1, height, width, channels)
}

/// Encodes C×H×W images as one PNG grid of `columns` columns with a 1-pixel gap.
pub fn contact_sheet(
    images: &[&[u8]],
    columns: usize,
    height: u32,
    width: u32,
    channels: u32,
) -> Result<Vec<u8>, DatasetError> {
    let invalid = |reason: String| DatasetError::InvalidOption {
        option: "preview",
        reason,
    };
    let (h, w, c) = (height as usize, width as usize, channels as usize);
    if c != 1 && c != 3 {
        return Err(invalid(format!("{c} channels cannot be shown")));
    }
    if let Some(bad) = images.iter().find(|i| i.len() != h * w * c) {
        return Err(invalid(format!(
            "an image has {} bytes, not {h}×{w}×{c}",
            bad.len()
        )));
    }
    let columns = columns.max(1);
    let rows = images.len().div_ceil(columns).max(1);
    let (sheet_w, sheet_h) = (columns * (w + 1) - 1, rows * (h + 1) - 1);
    let mut pixels = vec![0u8; sheet_w * sheet_h * c];
    for (k, image) in images.iter().enumerate() {
        let (top, left) = ((k / columns) * (h + 1), (k % columns) * (w + 1));
        for y in 0..h {
            for x in 0..w {
                for ch in 0..c {
                    pixels[((top + y) * sheet_w + left + x) * c + ch] = image[(ch * h + y) * w + x];
                }
            }
        }
    }
    let color = if c == 1 {
        image::ExtendedColorType::L8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut png = Vec::new();
    image::write_buffer_with_format(
        &mut Cursor::new(&mut png),
        &pixels,
        sheet_w as u32,
        sheet_h as u32,
        color,
        image::ImageFormat::Png,
    )
    .map_err(|e| invalid(e.to_string()))?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_round_trips_channel_order() {
        // A 1×2 RGB image in C×H×W: red plane [10, 20], green [30, 40], blue [50, 60].
        let chw = [10, 20, 30, 40, 50, 60];
        let png = encode_png(&chw, 1, 2, 3).unwrap();
        let decoded = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(decoded.as_raw(), &[10, 30, 50, 20, 40, 60]);
        assert!(encode_png(&chw, 1, 2, 1).is_err());
    }
}
