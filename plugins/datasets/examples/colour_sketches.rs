//! Writes a CIFAR-10-sized image folder (32×32 RGB, ten classes) from the built-in sketches, for
//! comparisons that need CIFAR-10's input shape where CIFAR-10 itself is not at hand:
//! `cargo run --example colour_sketches -- OUT_DIR [PER_CLASS] [SEED]`.
//!
//! Each image is a sketch in a random colour, shifted by up to 4 pixels inside the 32×32 frame,
//! over a random background colour with per-pixel noise: colour carries no class information,
//! so a net must read the shapes. `folder:OUT_DIR` loads it (`OUT_DIR/<class>/NNNNN.png`).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use remap_datasets::sketches::{self, CLASSES, SIZE};

const FRAME: usize = 32;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "colour-sketches".into()));
    let per_class: u64 = args
        .next()
        .map_or(1000, |s| s.parse().expect("PER_CLASS is a number"));
    let seed: u64 = args
        .next()
        .map_or(0, |s| s.parse().expect("SEED is a number"));
    for (class, name) in CLASSES.iter().enumerate() {
        let folder = out.join(name);
        std::fs::create_dir_all(&folder).expect("cannot create the class folder");
        for index in 0..per_class {
            let sketch = sketches::draw(class, index, seed);
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ ((class as u64) << 40) ^ index);
            let image = colour(&sketch, &mut rng);
            image
                .save(folder.join(format!("{index:05}.png")))
                .expect("cannot write the PNG");
        }
    }
    println!(
        "{}: {} classes × {per_class} images, 32×32 RGB",
        out.display(),
        CLASSES.len()
    );
}

/// The sketch as ink of a random colour over a noisy background of another, at a random offset.
fn colour(sketch: &[u8], rng: &mut ChaCha8Rng) -> image::RgbImage {
    let mut pick = || -> [f32; 3] { std::array::from_fn(|_| rng.random_range(0.0..255.0)) };
    let (ink, paper) = (pick(), pick());
    let (dx, dy) = (
        rng.random_range(0..=FRAME - SIZE),
        rng.random_range(0..=FRAME - SIZE),
    );
    image::RgbImage::from_fn(FRAME as u32, FRAME as u32, |x, y| {
        let (x, y) = (x as usize, y as usize);
        let inside = (dx..dx + SIZE).contains(&x) && (dy..dy + SIZE).contains(&y);
        let alpha = if inside {
            f32::from(sketch[(y - dy) * SIZE + (x - dx)]) / 255.0
        } else {
            0.0
        };
        image::Rgb(std::array::from_fn(|c| {
            let noise = rng.random_range(-20.0..20.0);
            (paper[c] * (1.0 - alpha) + ink[c] * alpha + noise).clamp(0.0, 255.0) as u8
        }))
    })
}
