//! Google's QuickDraw bitmaps: one `full_numpy_bitmap_<class>.npy` file per class, 28×28 grey.

use std::path::{Path, PathBuf};

use crate::{Dataset, DatasetError, LoadOptions, Normalization, dataset, npy};

/// REMAP's ten classes, in its label order (spec §5).
pub const CLASSES: [&str; 10] = [
    "face",
    "moustache",
    "pear",
    "umbrella",
    "pineapple",
    "mouth",
    "nose",
    "wine bottle",
    "apple",
    "octopus",
];

const SIZE: usize = 28;
const PREFIX: &str = "full_numpy_bitmap_";

/// The file of class `class` in `dir` (Google's names keep spaces, e.g. `wine bottle`).
pub fn file_of(dir: &Path, class: &str) -> PathBuf {
    dir.join(format!("{PREFIX}{class}.npy"))
}

/// Loads REMAP's ten classes (or `options.classes`, any QuickDraw class with a file in `dir`):
/// the first `limit` images of each class, the first share train and the rest held out.
pub(crate) fn load(dir: &Path, options: &LoadOptions) -> Result<Dataset, DatasetError> {
    if !dir.is_dir() {
        return Err(DatasetError::Missing {
            path: dir.into(),
            what: "QuickDraw folder with full_numpy_bitmap_<class>.npy files".into(),
        });
    }
    let classes: Vec<String> = match &options.classes {
        None => CLASSES.iter().map(|s| s.to_string()).collect(),
        Some(wanted) => {
            let available = classes_in(dir);
            options.select(&available)?;
            wanted.clone()
        }
    };
    let limit = options.limit.unwrap_or(usize::MAX);
    let per_class = classes
        .iter()
        .map(|class| npy::read_u8_rows(&file_of(dir, class), SIZE * SIZE, limit))
        .collect::<Result<Vec<_>, DatasetError>>()?;
    let (train, held_out) =
        dataset::split_per_class(&per_class, SIZE * SIZE, options.held_out_share);
    Ok(Dataset {
        name: "quickdraw".into(),
        classes,
        height: SIZE as u32,
        width: SIZE as u32,
        channels: 1,
        train,
        held_out,
        normalization: Normalization::identity(1),
    })
}

/// Class names of the `.npy` files in `dir`, sorted.
fn classes_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            Some(name.strip_prefix(PREFIX)?.strip_suffix(".npy")?.to_string())
        })
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `count` images per class whose pixels all equal class index × 10 + image index.
    fn write_classes(dir: &Path, classes: &[&str], count: usize) {
        for (c, class) in classes.iter().enumerate() {
            let data: Vec<u8> = (0..count)
                .flat_map(|i| [(c * 10 + i) as u8; SIZE * SIZE])
                .collect();
            npy::write_u8(&file_of(dir, class), &data, SIZE * SIZE);
        }
    }

    #[test]
    fn loads_remaps_classes_in_order_with_an_80_20_split() {
        let dir = tempfile::tempdir().unwrap();
        write_classes(dir.path(), &CLASSES, 6);
        let options = LoadOptions {
            limit: Some(5),
            ..LoadOptions::default()
        };
        let data = load(dir.path(), &options).unwrap();
        assert_eq!(data.classes, CLASSES);
        assert_eq!(data.train.len(), 40);
        assert_eq!(data.held_out.len(), 10);
        // Class 7 is "wine bottle": its first four images train, its fifth is held out.
        assert_eq!(data.train.image(28)[0], 70);
        assert_eq!(data.held_out.image(7)[0], 74);
        assert_eq!(data.held_out.labels[7], 7);
    }

    #[test]
    fn a_subset_is_relabelled_and_unknown_classes_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        write_classes(dir.path(), &["apple", "cat", "face"], 5);
        let options = LoadOptions {
            classes: Some(vec!["face".into(), "apple".into()]),
            ..LoadOptions::default()
        };
        let data = load(dir.path(), &options).unwrap();
        assert_eq!(data.classes, ["face", "apple"]);
        assert_eq!(data.train.labels, [0, 0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(data.train.image(0)[0], 20);
        let options = LoadOptions {
            classes: Some(vec!["dog".into()]),
            ..LoadOptions::default()
        };
        let error = load(dir.path(), &options).unwrap_err().to_string();
        assert!(error.contains("apple, cat, face"), "{error}");
    }

    #[test]
    fn a_missing_or_truncated_class_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        write_classes(dir.path(), &CLASSES[..9], 2);
        let error = load(dir.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("full_numpy_bitmap_octopus.npy") && error.contains("missing"));
        write_classes(dir.path(), &CLASSES, 2);
        let path = file_of(dir.path(), "wine bottle");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 100]).unwrap();
        let error = load(dir.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("full_numpy_bitmap_wine bottle.npy") && error.contains("truncated"),
            "{error}"
        );
    }
}
