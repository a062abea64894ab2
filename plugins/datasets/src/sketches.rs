//! The built-in sketch data set: 28×28 greyscale line drawings of ten shapes, generated from a
//! seed, so the app works with no download.
//!
//! Each image is drawn from its own ChaCha8 stream (seed, class, index), so an image does not
//! depend on how many others are generated, on the class subset or on the thread that draws it.
//! Only u32 draws (and bytes for the noise), basic arithmetic and `sqrt` (all exactly specified by IEEE 754) are used —
//! angles go through our own sine — so every platform draws the same pixels.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// Class names in label order.
pub const CLASSES: [&str; 10] = [
    "circle", "square", "triangle", "star", "line", "cross", "spiral", "wave", "arrow", "house",
];

/// Width and height of a sketch in pixels.
pub const SIZE: usize = 28;

const TAU: f64 = std::f64::consts::TAU;

/// A point in shape units (about [-1, 1], y up) or in pixels (y down).
type Point = (f64, f64);

/// Draws the `index`-th image of class `class` (an index into [`CLASSES`]) for `seed`.
pub fn draw(class: usize, index: u64, seed: u64) -> [u8; SIZE * SIZE] {
    assert!(class < CLASSES.len(), "sketch class {class} out of range");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((class as u64) << 48) ^ index);
    let mut draw = Draws(rng);
    let strokes = jitter(shape(class, &mut draw), &mut draw);
    let strokes = place(strokes, class, &mut draw);
    render(&strokes, &mut draw)
}

/// `count` images of class `class`, back to back.
pub fn draw_class(class: usize, count: usize, seed: u64) -> Vec<u8> {
    let mut images = vec![0u8; count * SIZE * SIZE];
    images
        .par_chunks_mut(SIZE * SIZE)
        .enumerate()
        .for_each(|(i, image)| image.copy_from_slice(&draw(class, i as u64, seed)));
    images
}

/// Uniform numbers from u32 draws only.
struct Draws(ChaCha8Rng);

impl Draws {
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0.next_u32() as f64 / 4_294_967_296.0
    }

    /// Uniform in [low, high).
    fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform in [-amount, amount).
    fn around(&mut self, amount: f64) -> f64 {
        self.range(-amount, amount)
    }
}

/// Sine by range reduction and its Taylor series: `f64::sin` may differ between platforms' libm.
fn sin(x: f64) -> f64 {
    let x = x - TAU * (x / TAU).round();
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    for n in 1..12 {
        term *= -x2 / ((2 * n) as f64 * (2 * n + 1) as f64);
        sum += term;
    }
    sum
}

fn cos(x: f64) -> f64 {
    sin(x + TAU / 4.0)
}

/// Points on the ellipse-free unit circle at `angle`.
fn polar(radius: f64, angle: f64) -> Point {
    (radius * cos(angle), radius * sin(angle))
}

fn closed(mut points: Vec<Point>) -> Vec<Point> {
    points.push(points[0]);
    points
}

/// The strokes of one shape in shape units, with the shape's own random proportions.
fn shape(class: usize, draw: &mut Draws) -> Vec<Vec<Point>> {
    match CLASSES[class] {
        "circle" => {
            // Hand-drawn circles start anywhere and overshoot or stop a little short.
            let start = draw.range(0.0, TAU);
            let sweep = TAU + draw.range(-0.25, 0.4);
            let steps = 32;
            vec![
                (0..=steps)
                    .map(|i| polar(1.0, start + sweep * i as f64 / steps as f64))
                    .collect(),
            ]
        }
        "square" => vec![closed(vec![
            (-0.8, -0.8),
            (0.8, -0.8),
            (0.8, 0.8),
            (-0.8, 0.8),
        ])],
        "triangle" => vec![closed(
            (0..3)
                .map(|k| {
                    let angle = TAU / 4.0 + TAU * k as f64 / 3.0 + draw.around(0.2);
                    polar(draw.range(0.85, 1.1), angle)
                })
                .collect(),
        )],
        "star" => {
            let inner = draw.range(0.3, 0.5);
            vec![closed(
                (0..10)
                    .map(|k| {
                        let radius = if k % 2 == 0 { 1.0 } else { inner };
                        polar(radius, TAU / 4.0 + TAU * k as f64 / 10.0)
                    })
                    .collect(),
            )]
        }
        "line" => vec![vec![(-1.0, 0.0), (1.0, 0.0)]],
        "cross" => {
            let tilt = draw.around(0.3);
            let (a, b) = (draw.range(0.7, 1.0), draw.range(0.7, 1.0));
            let (dx, dy) = polar(1.0, TAU / 4.0 + tilt);
            vec![
                vec![(-a, 0.0), (a, 0.0)],
                vec![(-b * dx, -b * dy), (b * dx, b * dy)],
            ]
        }
        "spiral" => {
            let turns = draw.range(1.5, 2.3);
            let start = draw.range(0.0, TAU);
            let direction = if draw.unit() < 0.5 { 1.0 } else { -1.0 };
            let steps = 64;
            vec![
                (0..=steps)
                    .map(|i| {
                        let t = i as f64 / steps as f64;
                        polar(0.08 + 0.92 * t, start + direction * TAU * turns * t)
                    })
                    .collect(),
            ]
        }
        "wave" => {
            let half_periods = draw.range(3.0, 4.5);
            let amplitude = draw.range(0.4, 0.55);
            let phase = draw.range(0.0, TAU);
            let steps = 40;
            vec![
                (0..=steps)
                    .map(|i| {
                        let x = -1.0 + 2.0 * i as f64 / steps as f64;
                        (x, amplitude * sin(phase + x * half_periods * TAU / 4.0))
                    })
                    .collect(),
            ]
        }
        "arrow" => {
            let head = draw.range(0.45, 0.6);
            let spread = draw.range(0.5, 0.8);
            let (hx, hy) = polar(head, spread);
            vec![
                vec![(-1.0, 0.0), (1.0, 0.0)],
                vec![(1.0 - hx, hy), (1.0, 0.0), (1.0 - hx, -hy)],
            ]
        }
        "house" => {
            let eaves = draw.range(0.6, 0.8);
            let top = draw.range(0.85, 1.0);
            let overhang = draw.range(0.0, 0.15);
            let mut strokes = vec![
                closed(vec![
                    (-0.7, -1.0),
                    (0.7, -1.0),
                    (0.7, eaves - 0.6),
                    (-0.7, eaves - 0.6),
                ]),
                vec![
                    (-0.7 - overhang, eaves - 0.6),
                    (0.0, top),
                    (0.7 + overhang, eaves - 0.6),
                ],
            ];
            if draw.unit() < 0.5 {
                let x = draw.range(-0.4, 0.1);
                strokes.push(vec![
                    (x, -1.0),
                    (x, -0.55),
                    (x + 0.3, -0.55),
                    (x + 0.3, -1.0),
                ]);
            }
            strokes
        }
        _ => unreachable!("every class has a shape"),
    }
}

/// Splits strokes into short pieces and moves every vertex a little, as a hand would.
fn jitter(strokes: Vec<Vec<Point>>, draw: &mut Draws) -> Vec<Vec<Point>> {
    let amount = draw.range(0.0, 0.035);
    strokes
        .into_iter()
        .map(|stroke| {
            let mut out = vec![stroke[0]];
            for pair in stroke.windows(2) {
                let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                let length = ((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0)).sqrt();
                let pieces = (length / 0.3).ceil().max(1.0) as usize;
                for k in 1..=pieces {
                    let t = k as f64 / pieces as f64;
                    out.push((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t));
                }
            }
            for point in &mut out {
                point.0 += draw.around(amount);
                point.1 += draw.around(amount);
            }
            out
        })
        .collect()
}

/// Stretches, rotates, scales and moves the strokes into pixel coordinates inside the image.
fn place(strokes: Vec<Vec<Point>>, class: usize, draw: &mut Draws) -> Vec<Vec<Point>> {
    let (stretch_x, stretch_y) = (draw.range(0.8, 1.2), draw.range(0.8, 1.2));
    // An upside-down house would be a different drawing, so houses only tilt.
    let angle = if CLASSES[class] == "house" {
        draw.around(0.4)
    } else {
        draw.range(0.0, TAU)
    };
    let (cos_a, sin_a) = (cos(angle), sin(angle));
    let mut strokes: Vec<Vec<Point>> = strokes
        .into_iter()
        .map(|stroke| {
            stroke
                .into_iter()
                .map(|(x, y)| {
                    let (x, y) = (x * stretch_x, y * stretch_y);
                    // Pixel rows grow downwards.
                    (x * cos_a - y * sin_a, -(x * sin_a + y * cos_a))
                })
                .collect()
        })
        .collect();
    let bounds = |strokes: &[Vec<Point>]| {
        strokes.iter().flatten().fold(
            (f64::MAX, f64::MIN, f64::MAX, f64::MIN),
            |(x0, x1, y0, y1), p| (x0.min(p.0), x1.max(p.0), y0.min(p.1), y1.max(p.1)),
        )
    };
    // The drawing keeps a margin free of ink: the widest stroke reaches 1.8 pixels from its line.
    let margin = 2.5;
    let span = SIZE as f64 - 2.0 * margin;
    let (x0, x1, y0, y1) = bounds(&strokes);
    let extent = (x1 - x0).max(y1 - y0).max(1e-9);
    let scale = draw.range(0.7, 1.0) * span / extent;
    let dx = margin - x0 * scale + draw.range(0.0, span - (x1 - x0) * scale);
    let dy = margin - y0 * scale + draw.range(0.0, span - (y1 - y0) * scale);
    for point in strokes.iter_mut().flatten() {
        *point = (point.0 * scale + dx, point.1 * scale + dy);
    }
    strokes
}

/// Anti-aliased thick strokes (coverage from the distance to each segment), random ink and noise.
///
/// Written as plain loops because tests and the trainer run this crate unoptimised.
fn render(strokes: &[Vec<Point>], draw: &mut Draws) -> [u8; SIZE * SIZE] {
    let width = draw.range(1.5, 2.6);
    let ink = draw.range(200.0, 255.0);
    let noise = draw.range(0.0, 30.0);
    let reach = width / 2.0 + 0.5;
    let mut coverage = [0f64; SIZE * SIZE];
    let pixels = |lo: f64, hi: f64| {
        let first = (lo - reach - 0.5).floor().max(0.0) as usize;
        let last = ((hi + reach - 0.5).ceil().max(0.0) as usize).min(SIZE - 1);
        first..=last
    };
    for stroke in strokes {
        for pair in stroke.windows(2) {
            let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
            let (abx, aby) = (bx - ax, by - ay);
            let length2 = abx * abx + aby * aby;
            let xs = pixels(ax.min(bx), ax.max(bx));
            for y in pixels(ay.min(by), ay.max(by)) {
                let py = y as f64 + 0.5 - ay;
                for x in xs.clone() {
                    let px = x as f64 + 0.5 - ax;
                    let t = if length2 > 0.0 {
                        ((px * abx + py * aby) / length2).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    let (dx, dy) = (px - t * abx, py - t * aby);
                    let d = (dx * dx + dy * dy).sqrt();
                    if d < reach {
                        let c = if reach - d > 1.0 { 1.0 } else { reach - d };
                        let pixel = &mut coverage[y * SIZE + x];
                        if c > *pixel {
                            *pixel = c;
                        }
                    }
                }
            }
        }
    }
    // One ChaCha block call for the whole image's noise; bytes are defined little-endian.
    let mut grain = [0u8; SIZE * SIZE];
    draw.0.fill_bytes(&mut grain);
    let mut image = [0u8; SIZE * SIZE];
    for i in 0..SIZE * SIZE {
        let value = coverage[i] * ink + noise * (grain[i] as f64 / 256.0);
        image[i] = (value.min(255.0) + 0.5) as u8;
    }
    image
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_sine_matches_libm() {
        for i in -100..100 {
            let x = i as f64 * 0.173;
            assert!((sin(x) - x.sin()).abs() < 1e-9, "{x}");
            assert!((cos(x) - x.cos()).abs() < 1e-9, "{x}");
        }
    }

    #[test]
    fn deterministic_and_independent_of_count() {
        let a = draw_class(6, 5, 42);
        let b = draw_class(6, 3, 42);
        assert_eq!(&a[..3 * SIZE * SIZE], &b[..]);
        assert_ne!(draw(6, 0, 42), draw(6, 0, 43));
        assert_ne!(draw(6, 0, 42), draw(6, 1, 42));
        assert_ne!(draw(6, 0, 42), draw(7, 0, 42));
    }

    #[test]
    fn every_class_draws_visible_ink_inside_the_image() {
        for (class, name) in CLASSES.iter().enumerate() {
            for index in 0..50 {
                let image = draw(class, index, 7);
                let bright = image.iter().filter(|&&p| p >= 150).count();
                assert!(bright >= 8, "{name} #{index}: {bright} ink pixels");
                // The outermost row and column stay free of strokes (only noise, < 46).
                for i in 0..SIZE {
                    for p in [
                        image[i],
                        image[SIZE * (SIZE - 1) + i],
                        image[i * SIZE],
                        image[i * SIZE + SIZE - 1],
                    ] {
                        assert!(p < 46, "{name} #{index}: ink on the border");
                    }
                }
            }
        }
    }

    /// Pins the exact pixels so that a change to the drawing (or a platform difference) shows.
    #[test]
    fn pixels_are_pinned() {
        let sum: u64 = (0..10)
            .map(|c| draw(c, 3, 1).iter().map(|&p| p as u64).sum::<u64>())
            .sum();
        assert_eq!(sum, 277_447);
    }
}
