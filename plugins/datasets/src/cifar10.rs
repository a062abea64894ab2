//! CIFAR-10's binary version: `data_batch_1..5.bin` and `test_batch.bin`, records of one label
//! byte and a 3×32×32 image (already C×H×W).

use std::path::Path;

use crate::{Dataset, DatasetError, LoadOptions, Normalization, Split};

/// The standard class names, used when `batches.meta.txt` is absent.
pub const CLASSES: [&str; 10] = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
];

const SIZE: usize = 32;
const IMAGE: usize = 3 * SIZE * SIZE;
const RECORD: usize = 1 + IMAGE;
const TRAIN_FILES: [&str; 5] = [
    "data_batch_1.bin",
    "data_batch_2.bin",
    "data_batch_3.bin",
    "data_batch_4.bin",
    "data_batch_5.bin",
];
const TEST_FILE: &str = "test_batch.bin";

/// Loads the five training batches as train and `test_batch.bin` as held out (in file order).
pub(crate) fn load(dir: &Path, options: &LoadOptions) -> Result<Dataset, DatasetError> {
    let names = class_names(dir)?;
    let relabel = options.relabel(&names)?;
    let (train_cap, test_cap) = options.official_split_limits();
    let mut train = Split::default();
    let mut counts = vec![0; names.len()];
    for file in TRAIN_FILES {
        read_batch(
            &dir.join(file),
            &names,
            &relabel,
            train_cap,
            &mut counts,
            &mut train,
        )?;
    }
    let mut held_out = Split::default();
    let mut counts = vec![0; names.len()];
    read_batch(
        &dir.join(TEST_FILE),
        &names,
        &relabel,
        test_cap,
        &mut counts,
        &mut held_out,
    )?;
    Ok(Dataset {
        name: "cifar10".into(),
        classes: options
            .select(&names)?
            .into_iter()
            .map(|i| names[i].clone())
            .collect(),
        height: SIZE as u32,
        width: SIZE as u32,
        channels: 3,
        train,
        held_out,
        normalization: Normalization::identity(3),
    })
}

/// Class names from `batches.meta.txt` (one per line) if present, else the standard ones.
fn class_names(dir: &Path) -> Result<Vec<String>, DatasetError> {
    let path = dir.join("batches.meta.txt");
    match crate::class_names::read_optional(&path)? {
        Some(names) if names.len() != CLASSES.len() => Err(DatasetError::malformed(
            &path,
            format!("{} class names, expected 10 (one per line)", names.len()),
        )),
        Some(names) => Ok(names),
        None if !dir.is_dir() => Err(DatasetError::Missing {
            path: dir.into(),
            what: "CIFAR-10 folder with data_batch_1..5.bin and test_batch.bin".into(),
        }),
        None => Ok(CLASSES.iter().map(|s| s.to_string()).collect()),
    }
}

/// Appends the records of one batch file whose class is selected and under its cap.
fn read_batch(
    path: &Path,
    names: &[String],
    relabel: &[Option<u32>],
    cap: usize,
    counts: &mut [usize],
    split: &mut Split,
) -> Result<(), DatasetError> {
    let bytes = std::fs::read(path).map_err(|e| DatasetError::io(path, e))?;
    if bytes.is_empty() {
        return Err(DatasetError::malformed(
            path,
            "empty file, expected records",
        ));
    }
    if bytes.len() % RECORD != 0 {
        return Err(DatasetError::Truncated {
            path: path.into(),
            expected: bytes.len().next_multiple_of(RECORD) as u64,
            found: bytes.len() as u64,
        });
    }
    for (i, record) in bytes.chunks_exact(RECORD).enumerate() {
        let label = record[0] as usize;
        let Some(&new) = relabel.get(label) else {
            return Err(DatasetError::malformed(
                path,
                format!(
                    "record {i} has label {label}, but there are only {} classes",
                    names.len()
                ),
            ));
        };
        if let Some(new) = new
            && counts[label] < cap
        {
            counts[label] += 1;
            split.push(&record[1..], new);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a batch of `labels`; record k's pixels are (label × 10 + k) in every plane, except
    /// that its green plane is offset by 1 so the channel order is visible.
    fn write_batch(dir: &Path, file: &str, labels: &[u8]) {
        let mut bytes = Vec::new();
        for (k, &label) in labels.iter().enumerate() {
            bytes.push(label);
            let value = label * 10 + k as u8;
            bytes.extend([value; SIZE * SIZE]);
            bytes.extend([value + 1; SIZE * SIZE]);
            bytes.extend([value; SIZE * SIZE]);
        }
        std::fs::write(dir.join(file), bytes).unwrap();
    }

    fn write_all(dir: &Path) {
        for file in TRAIN_FILES {
            write_batch(dir, file, &[3, 2, 3, 0, 2]);
        }
        write_batch(dir, TEST_FILE, &[2, 3, 2, 9]);
    }

    #[test]
    fn loads_train_batches_and_the_official_test_batch() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path());
        let data = load(dir.path(), &LoadOptions::default()).unwrap();
        assert_eq!(data.classes, CLASSES);
        assert_eq!((data.channels, data.height, data.width), (3, 32, 32));
        assert_eq!(data.train.len(), 25);
        assert_eq!(data.held_out.labels, [2, 3, 2, 9]);
        let image = data.held_out.image(3);
        assert_eq!(
            (image[0], image[SIZE * SIZE], image[IMAGE - 1]),
            (93, 94, 93)
        );
    }

    #[test]
    fn cat_and_bird_with_a_limit_and_meta_names() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path());
        let options = LoadOptions {
            classes: Some(vec!["cat".into(), "bird".into()]),
            limit: Some(5),
            ..LoadOptions::default()
        };
        let data = load(dir.path(), &options).unwrap();
        assert_eq!(data.classes, ["cat", "bird"]);
        // Four training images per class (5 − round(5 × 0.2)), one test image per class.
        assert_eq!(data.train.labels, [0, 1, 0, 1, 0, 1, 0, 1]);
        assert_eq!(data.held_out.labels, [1, 0]);
        let names: String = CLASSES.iter().map(|c| format!("{c}_x\n")).collect();
        std::fs::write(dir.path().join("batches.meta.txt"), names).unwrap();
        let error = load(dir.path(), &options).unwrap_err().to_string();
        assert!(
            error.contains("\"cat\"") && error.contains("cat_x"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_or_truncated_batch_is_named() {
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path());
        let path = dir.path().join("data_batch_4.bin");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
        let error = load(dir.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("data_batch_4.bin") && error.contains("truncated"),
            "{error}"
        );
        write_batch(dir.path(), "data_batch_4.bin", &[10]);
        let error = load(dir.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("data_batch_4.bin") && error.contains("label 10"));
        std::fs::remove_file(dir.path().join(TEST_FILE)).unwrap();
        write_batch(dir.path(), "data_batch_4.bin", &[1]);
        let error = load(dir.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("test_batch.bin") && error.contains("missing"));
    }
}
