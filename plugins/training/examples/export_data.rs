//! Writes a data set as raw files for benchmarks in other frameworks: the training split at
//! the top of OUT_DIR and in `train/`, the held-out split in `held_out/`, each as
//! `images.u8` (N×C×H×W bytes), `labels.u32` (little-endian) and `meta.json` (shape and the
//! training split's normalisation). For `sketches`, LIMIT is also the number generated per
//! class, so the images equal those of a session made with `--per-class LIMIT`.
//!
//! `cargo run -p remap-training --example export_data -- DATASET LIMIT OUT_DIR`

use std::path::Path;

use remap_datasets::{Dataset, DatasetSource, Split};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, limit, out] = args.as_slice() else {
        return Err("usage: export_data DATASET LIMIT OUT_DIR".into());
    };
    let source: DatasetSource = spec.parse()?;
    let limit: usize = limit.parse()?;
    let mut options = remap_datasets::LoadOptions {
        limit: Some(limit),
        ..Default::default()
    };
    if spec == "sketches" {
        options.per_class = limit;
    }
    let d = remap_datasets::load(&source, &options)?;
    let out = Path::new(out);
    write_split(&d, &d.train, out)?;
    write_split(&d, &d.train, &out.join("train"))?;
    write_split(&d, &d.held_out, &out.join("held_out"))?;
    Ok(())
}

fn write_split(d: &Dataset, split: &Split, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(out)?;
    std::fs::write(out.join("images.u8"), &split.images)?;
    let labels: Vec<u8> = split.labels.iter().flat_map(|l| l.to_le_bytes()).collect();
    std::fs::write(out.join("labels.u32"), labels)?;
    let meta = serde_json::json!({
        "count": split.len(),
        "channels": d.channels,
        "height": d.height,
        "width": d.width,
        "mean": d.normalization.mean,
        "std": d.normalization.std,
    });
    std::fs::write(out.join("meta.json"), meta.to_string())?;
    Ok(())
}
