//! Writes a PNG grid of sketches, one row per class: `cargo run --example sketch_sheet -- OUT.png [SEED]`.

use remap_datasets::sketches::{self, CLASSES, SIZE};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "sketches.png".into());
    let seed = args
        .next()
        .map_or(0, |s| s.parse().expect("SEED is a number"));
    let columns = 10;
    let images: Vec<Vec<u8>> = (0..CLASSES.len())
        .flat_map(|class| (0..columns).map(move |i| sketches::draw(class, i as u64, seed).to_vec()))
        .collect();
    let refs: Vec<&[u8]> = images.iter().map(|i| i.as_slice()).collect();
    let png = remap_datasets::contact_sheet(&refs, columns, SIZE as u32, SIZE as u32, 1)
        .expect("sketches are valid images");
    std::fs::write(&out, png).expect("cannot write the PNG");
    println!("{out}: rows {}", CLASSES.join(", "));
}
