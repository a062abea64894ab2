//! MNIST and Fashion-MNIST IDX files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
//! `t10k-…`), gzipped (`.gz`) or not.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{Dataset, DatasetError, LoadOptions, Normalization, Split};

const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;

/// Loads `train-*` as train and `t10k-*` (the official test split) as held out, in file order.
/// Class names come from an optional `classes.txt` (one per line, e.g. Fashion-MNIST's), else
/// the digits "0".."9": the files themselves cannot tell MNIST from Fashion-MNIST.
pub(crate) fn load(dir: &Path, options: &LoadOptions) -> Result<Dataset, DatasetError> {
    if !dir.is_dir() {
        return Err(DatasetError::Missing {
            path: dir.into(),
            what: "MNIST folder with train-images-idx3-ubyte[.gz] and the other IDX files".into(),
        });
    }
    let names = class_names(dir)?;
    let relabel = options.relabel(&names)?;
    let (train_cap, test_cap) = options.official_split_limits();
    let (train, (height, width)) = read_pair(dir, "train", &names, &relabel, train_cap)?;
    let (held_out, test_shape) = read_pair(dir, "t10k", &names, &relabel, test_cap)?;
    if test_shape != (height, width) {
        return Err(DatasetError::malformed(
            find(dir, "t10k-images-idx3-ubyte")?,
            format!("images are {test_shape:?}, the training images {height}×{width}"),
        ));
    }
    Ok(Dataset {
        name: "mnist".into(),
        classes: options
            .select(&names)?
            .into_iter()
            .map(|i| names[i].clone())
            .collect(),
        height,
        width,
        channels: 1,
        train,
        held_out,
        normalization: Normalization::identity(1),
    })
}

fn class_names(dir: &Path) -> Result<Vec<String>, DatasetError> {
    let path = dir.join("classes.txt");
    match crate::class_names::read_optional(&path)? {
        Some(names) if names.is_empty() => Err(DatasetError::malformed(
            &path,
            "no class names (one per line)",
        )),
        Some(names) => Ok(names),
        None => Ok((0..10).map(|d| d.to_string()).collect()),
    }
}

/// The plain file if present, else its `.gz`; a missing file is named without `.gz`.
fn find(dir: &Path, name: &str) -> Result<PathBuf, DatasetError> {
    let plain = dir.join(name);
    let gz = dir.join(format!("{name}.gz"));
    if plain.is_file() {
        Ok(plain)
    } else if gz.is_file() {
        Ok(gz)
    } else {
        Err(DatasetError::Missing {
            path: plain,
            what: "no such file, gzipped or not".into(),
        })
    }
}

/// Reads one images/labels pair and keeps the selected classes, at most `cap` per class.
fn read_pair(
    dir: &Path,
    prefix: &str,
    names: &[String],
    relabel: &[Option<u32>],
    cap: usize,
) -> Result<(Split, (u32, u32)), DatasetError> {
    let images_path = find(dir, &format!("{prefix}-images-idx3-ubyte"))?;
    let labels_path = find(dir, &format!("{prefix}-labels-idx1-ubyte"))?;
    let (dims, images) = read_idx(&images_path, IMAGES_MAGIC, 3)?;
    let (label_dims, labels) = read_idx(&labels_path, LABELS_MAGIC, 1)?;
    if dims[0] != label_dims[0] {
        return Err(DatasetError::malformed(
            &labels_path,
            format!(
                "{} labels for the {} images of {}",
                label_dims[0],
                dims[0],
                images_path.display()
            ),
        ));
    }
    let image_len = (dims[1] * dims[2]) as usize;
    let mut split = Split::default();
    let mut counts = vec![0; names.len()];
    for (i, (&label, image)) in labels
        .iter()
        .zip(images.chunks_exact(image_len))
        .enumerate()
    {
        let Some(&new) = relabel.get(label as usize) else {
            return Err(DatasetError::malformed(
                &labels_path,
                format!(
                    "label {i} is {label}, but there are only {} classes",
                    names.len()
                ),
            ));
        };
        if let Some(new) = new
            && counts[label as usize] < cap
        {
            counts[label as usize] += 1;
            split.push(image, new);
        }
    }
    Ok((split, (dims[1], dims[2])))
}

/// Reads an unsigned-byte IDX file (decompressing `.gz`), checking magic, rank and length.
fn read_idx(path: &Path, magic: u32, rank: usize) -> Result<(Vec<u32>, Vec<u8>), DatasetError> {
    let raw = std::fs::read(path).map_err(|e| DatasetError::io(path, e))?;
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| {
                DatasetError::malformed(path, format!("gzip data is truncated or corrupt: {e}"))
            })?;
        out
    } else {
        raw
    };
    let truncated = |expected: usize| DatasetError::Truncated {
        path: path.into(),
        expected: expected as u64,
        found: bytes.len() as u64,
    };
    if bytes.len() < 4 {
        return Err(truncated(4));
    }
    let word = |i: usize| u32::from_be_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap());
    if word(0) != magic {
        return Err(DatasetError::malformed(
            path,
            format!("magic number {:#010x}, expected {magic:#010x}", word(0)),
        ));
    }
    let header = 4 + 4 * rank;
    if bytes.len() < header {
        return Err(truncated(header));
    }
    let dims: Vec<u32> = (1..=rank).map(word).collect();
    let expected = dims.iter().map(|&d| d as u64).product::<u64>() + header as u64;
    if (bytes.len() as u64) < expected {
        return Err(DatasetError::Truncated {
            path: path.into(),
            expected,
            found: bytes.len() as u64,
        });
    }
    if bytes.len() as u64 > expected {
        return Err(DatasetError::malformed(
            path,
            format!(
                "{} bytes after the {dims:?} data its header declares",
                bytes.len() as u64 - expected
            ),
        ));
    }
    Ok((dims, bytes[header..].to_vec()))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn idx(magic: u32, dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut bytes = magic.to_be_bytes().to_vec();
        for d in dims {
            bytes.extend(d.to_be_bytes());
        }
        bytes.extend(data);
        bytes
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// Writes 4×4 images whose pixels equal their label × 10 + index.
    fn write_pair(dir: &Path, prefix: &str, labels: &[u8], gz: bool) {
        let pixels: Vec<u8> = labels
            .iter()
            .enumerate()
            .flat_map(|(i, &l)| [l * 10 + i as u8; 16])
            .collect();
        let n = labels.len() as u32;
        let files = [
            (
                format!("{prefix}-images-idx3-ubyte"),
                idx(IMAGES_MAGIC, &[n, 4, 4], &pixels),
            ),
            (
                format!("{prefix}-labels-idx1-ubyte"),
                idx(LABELS_MAGIC, &[n], labels),
            ),
        ];
        for (name, bytes) in files {
            if gz {
                std::fs::write(dir.join(format!("{name}.gz")), gzip(&bytes)).unwrap();
            } else {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
        }
    }

    #[test]
    fn loads_plain_and_gzipped_files_with_the_official_split() {
        for gz in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            write_pair(dir.path(), "train", &[5, 0, 4, 1, 9, 2], gz);
            write_pair(dir.path(), "t10k", &[7, 2, 1], gz);
            let data = load(dir.path(), &LoadOptions::default()).unwrap();
            assert_eq!(data.classes.len(), 10);
            assert_eq!(data.classes[3], "3");
            assert_eq!((data.height, data.width, data.channels), (4, 4, 1));
            assert_eq!(data.train.labels, [5, 0, 4, 1, 9, 2]);
            assert_eq!(data.held_out.labels, [7, 2, 1]);
            assert_eq!(data.held_out.image(1), [21; 16]);
        }
    }

    #[test]
    fn class_names_from_classes_txt_and_a_subset() {
        let dir = tempfile::tempdir().unwrap();
        write_pair(dir.path(), "train", &[0, 1, 2, 1, 0], false);
        write_pair(dir.path(), "t10k", &[2, 0], false);
        std::fs::write(
            dir.path().join("classes.txt"),
            "T-shirt/top\nTrouser\nPullover\n",
        )
        .unwrap();
        let options = LoadOptions {
            classes: Some(vec!["Pullover".into(), "T-shirt/top".into()]),
            ..LoadOptions::default()
        };
        let data = load(dir.path(), &options).unwrap();
        assert_eq!(data.classes, ["Pullover", "T-shirt/top"]);
        assert_eq!(data.train.labels, [1, 0, 1]);
        assert_eq!(data.held_out.labels, [0, 1]);
    }

    #[test]
    fn truncated_corrupt_and_missing_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        write_pair(dir.path(), "train", &[1, 2, 3], false);
        write_pair(dir.path(), "t10k", &[1, 2], true);
        let error_of = || {
            load(dir.path(), &LoadOptions::default())
                .unwrap_err()
                .to_string()
        };

        let images = dir.path().join("train-images-idx3-ubyte");
        let bytes = std::fs::read(&images).unwrap();
        std::fs::write(&images, &bytes[..bytes.len() - 1]).unwrap();
        let error = error_of();
        assert!(
            error.contains("train-images-idx3-ubyte: truncated"),
            "{error}"
        );
        std::fs::write(&images, &bytes[..6]).unwrap();
        assert!(error_of().contains("train-images-idx3-ubyte: truncated"));
        std::fs::write(&images, idx(LABELS_MAGIC, &[3], &[0; 3])).unwrap();
        assert!(error_of().contains("magic number 0x00000801"));
        std::fs::write(&images, &bytes).unwrap();

        let labels = dir.path().join("t10k-labels-idx1-ubyte.gz");
        let bytes = std::fs::read(&labels).unwrap();
        std::fs::write(&labels, &bytes[..bytes.len() / 2]).unwrap();
        let error = error_of();
        assert!(
            error.contains("t10k-labels-idx1-ubyte.gz: gzip data is truncated"),
            "{error}"
        );
        write_pair(dir.path(), "t10k", &[1, 12], true);
        assert!(error_of().contains("label 1 is 12"));

        std::fs::remove_file(labels).unwrap();
        let error = error_of();
        assert!(error.contains("t10k-labels-idx1-ubyte: missing"), "{error}");
        write_pair(dir.path(), "t10k", &[1], false);
        std::fs::write(
            dir.path().join("t10k-labels-idx1-ubyte"),
            idx(LABELS_MAGIC, &[2], &[1, 1]),
        )
        .unwrap();
        assert!(error_of().contains("2 labels for the 1 images"));
    }
}
