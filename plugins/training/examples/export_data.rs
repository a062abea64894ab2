//! Writes a data set's training split as raw files for benchmarks in other frameworks:
//! `images.u8` (N×C×H×W bytes), `labels.u32` (little-endian) and `meta.json` (shape and
//! normalisation).
//!
//! `cargo run -p remap-training --example export_data -- DATASET LIMIT OUT_DIR`

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, limit, out] = args.as_slice() else {
        return Err("usage: export_data DATASET LIMIT OUT_DIR".into());
    };
    let source: remap_datasets::DatasetSource = spec.parse()?;
    let options = remap_datasets::LoadOptions {
        limit: Some(limit.parse()?),
        ..Default::default()
    };
    let d = remap_datasets::load(&source, &options)?;
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("images.u8"), &d.train.images)?;
    let labels: Vec<u8> = d
        .train
        .labels
        .iter()
        .flat_map(|l| l.to_le_bytes())
        .collect();
    std::fs::write(out.join("labels.u32"), labels)?;
    let meta = serde_json::json!({
        "count": d.train.len(),
        "channels": d.channels,
        "height": d.height,
        "width": d.width,
        "mean": d.normalization.mean,
        "std": d.normalization.std,
    });
    std::fs::write(out.join("meta.json"), meta.to_string())?;
    Ok(())
}
