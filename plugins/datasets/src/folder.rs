//! An image folder: `root/<class>/*.png|jpg|jpeg`, one sub-folder per class.

use std::path::{Path, PathBuf};

use image::imageops::FilterType;
use rayon::prelude::*;

use crate::{Dataset, DatasetError, LoadOptions, Normalization, dataset};

const EXTENSIONS: [&str; 3] = ["png", "jpg", "jpeg"];

/// Loads every class folder (sorted by name) with its images in file-name order, resized to
/// `image_size` square; greyscale if every image is, else RGB. The first `limit` images of each
/// class are used and the last share of each class is held out.
pub(crate) fn load(root: &Path, options: &LoadOptions) -> Result<Dataset, DatasetError> {
    let folders = class_folders(root)?;
    let names: Vec<String> = folders.iter().map(|(name, _)| name.clone()).collect();
    let selected = options.select(&names)?;
    let limit = options.limit.unwrap_or(usize::MAX);
    let files = selected
        .iter()
        .map(|&i| {
            let (_, folder) = &folders[i];
            let mut files = image_files(folder)?;
            files.truncate(limit);
            Ok(files)
        })
        .collect::<Result<Vec<_>, DatasetError>>()?;
    let size = options.image_size;
    let decoded = files
        .iter()
        .map(|files| {
            files
                .par_iter()
                .map(|path| decode(path, size))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, DatasetError>>()?;
    let grey = decoded
        .iter()
        .flatten()
        .all(|image| !image.color().has_color());
    let channels = if grey { 1 } else { 3 };
    let per_class: Vec<Vec<u8>> = decoded
        .iter()
        .map(|images| images.iter().flat_map(|image| chw(image, grey)).collect())
        .collect();
    let image_len = (channels * size * size) as usize;
    let (train, held_out) = dataset::split_per_class(&per_class, image_len, options.held_out_share);
    Ok(Dataset {
        name: format!("folder:{}", root.display()),
        classes: selected.iter().map(|&i| names[i].clone()).collect(),
        height: size,
        width: size,
        channels,
        train,
        held_out,
        normalization: Normalization::identity(channels),
    })
}

/// The class sub-folders of `root`, sorted by name; hidden folders are skipped.
fn class_folders(root: &Path) -> Result<Vec<(String, PathBuf)>, DatasetError> {
    let entries = std::fs::read_dir(root).map_err(|e| match DatasetError::io(root, e) {
        DatasetError::Missing { path, .. } => DatasetError::Missing {
            path,
            what: "image folder with one sub-folder per class".into(),
        },
        other => other,
    })?;
    let mut folders = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| DatasetError::io(root, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && !name.starts_with('.') {
            folders.push((name, entry.path()));
        }
    }
    if folders.is_empty() {
        return Err(DatasetError::malformed(
            root,
            "no class sub-folders (expected root/<class>/*.png|jpg)",
        ));
    }
    folders.sort();
    Ok(folders)
}

/// The PNG and JPEG files of one class folder, sorted by file name.
fn image_files(folder: &Path) -> Result<Vec<PathBuf>, DatasetError> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(|e| DatasetError::io(folder, e))? {
        let path = entry.map_err(|e| DatasetError::io(folder, e))?.path();
        let is_image = path.extension().is_some_and(|e| {
            let e = e.to_string_lossy().to_ascii_lowercase();
            EXTENSIONS.contains(&e.as_str())
        });
        if is_image && path.is_file() {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(DatasetError::malformed(
            folder,
            "no .png, .jpg or .jpeg images",
        ));
    }
    files.sort();
    Ok(files)
}

/// Decodes a PNG or JPEG file and resizes it. The decoders accept files cut short after the
/// pixel data (a PNG without its IEND chunk, a JPEG without its end marker), so the ends are
/// checked here to reject every truncated file.
fn decode(path: &Path, size: u32) -> Result<image::DynamicImage, DatasetError> {
    let bytes = std::fs::read(path).map_err(|e| DatasetError::io(path, e))?;
    let format = image::guess_format(&bytes)
        .map_err(|_| DatasetError::malformed(path, "not a PNG or JPEG image"))?;
    let (end, name): (&[u8], &str) = match format {
        image::ImageFormat::Png => (b"IEND\xAE\x42\x60\x82", "IEND chunk"),
        image::ImageFormat::Jpeg => (b"\xFF\xD9", "end-of-image marker"),
        other => {
            return Err(DatasetError::malformed(
                path,
                format!("{other:?} image; only PNG and JPEG are read"),
            ));
        }
    };
    // Tolerates a little trailing data after the end, as most viewers do.
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    if !tail.windows(end.len()).any(|w| w == end) {
        return Err(DatasetError::malformed(
            path,
            format!("truncated: no {name} at the end of the file"),
        ));
    }
    let image = image::load_from_memory_with_format(&bytes, format)
        .map_err(|e| DatasetError::malformed(path, format!("cannot decode image: {e}")))?;
    Ok(image.resize_exact(size, size, FilterType::Triangle))
}

/// The image as C×H×W bytes, one grey or three RGB planes.
fn chw(image: &image::DynamicImage, grey: bool) -> Vec<u8> {
    if grey {
        return image.to_luma8().into_raw();
    }
    let rgb = image.to_rgb8();
    let plane = (rgb.width() * rgb.height()) as usize;
    let mut out = vec![0u8; 3 * plane];
    for (i, pixel) in rgb.pixels().enumerate() {
        for c in 0..3 {
            out[c * plane + i] = pixel[c];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_grey(path: &Path, value: u8, size: u32) {
        image::GrayImage::from_pixel(size, size, image::Luma([value]))
            .save(path)
            .unwrap();
    }

    fn write_rgb(path: &Path, rgb: [u8; 3]) {
        image::RgbImage::from_pixel(6, 4, image::Rgb(rgb))
            .save(path)
            .unwrap();
    }

    #[test]
    fn greyscale_folder_resized_with_sorted_classes_and_files() {
        let root = tempfile::tempdir().unwrap();
        for (class, count) in [("zebra", 5), ("ant", 3)] {
            let dir = root.path().join(class);
            std::fs::create_dir(&dir).unwrap();
            for i in 0..count {
                write_grey(&dir.join(format!("{i:02}.png")), 10 * i as u8, 8);
            }
        }
        std::fs::write(root.path().join("ant/notes.txt"), "not an image").unwrap();
        let options = LoadOptions {
            image_size: 4,
            ..LoadOptions::default()
        };
        let data = load(root.path(), &options).unwrap();
        assert_eq!(data.classes, ["ant", "zebra"]);
        assert_eq!((data.channels, data.height, data.width), (1, 4, 4));
        assert_eq!(data.train.labels, [0, 0, 1, 1, 1, 1]);
        // The last image of each class (20% of 3 and of 5, rounded) is held out.
        assert_eq!(data.held_out.labels, [0, 1]);
        assert_eq!(data.held_out.image(0), [20; 16]);
        assert_eq!(data.held_out.image(1), [40; 16]);
    }

    #[test]
    fn one_colour_image_makes_the_folder_rgb() {
        let root = tempfile::tempdir().unwrap();
        for class in ["bird", "cat"] {
            std::fs::create_dir(root.path().join(class)).unwrap();
        }
        write_grey(&root.path().join("bird/a.png"), 7, 5);
        write_rgb(&root.path().join("cat/a.png"), [200, 100, 50]);
        write_rgb(&root.path().join("cat/b.PNG"), [1, 2, 3]);
        let options = LoadOptions {
            image_size: 2,
            classes: Some(vec!["cat".into()]),
            limit: Some(1),
            held_out_share: 0.0,
            ..LoadOptions::default()
        };
        let data = load(root.path(), &options).unwrap();
        assert_eq!(data.channels, 3);
        assert_eq!(
            data.train.images,
            [200, 200, 200, 200, 100, 100, 100, 100, 50, 50, 50, 50]
        );
        let options = LoadOptions {
            image_size: 2,
            ..LoadOptions::default()
        };
        let data = load(root.path(), &options).unwrap();
        assert_eq!(data.train.image(0)[..4], [7; 4]);
    }

    #[test]
    fn jpeg_files_load_and_a_truncated_one_is_named() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("sky")).unwrap();
        let path = root.path().join("sky/a.jpeg");
        image::RgbImage::from_pixel(16, 16, image::Rgb([40, 90, 220]))
            .save(&path)
            .unwrap();
        let options = LoadOptions {
            image_size: 4,
            held_out_share: 0.0,
            ..LoadOptions::default()
        };
        let data = load(root.path(), &options).unwrap();
        assert_eq!(data.channels, 3);
        let blue = data.train.image(0)[2 * 16];
        assert!((210..=230).contains(&blue), "{blue}");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 2]).unwrap();
        let error = load(root.path(), &options).unwrap_err().to_string();
        assert!(error.contains("a.jpeg: truncated"), "{error}");
    }

    #[test]
    fn a_truncated_image_or_missing_folder_is_named() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("cat")).unwrap();
        let good = root.path().join("cat/a.png");
        write_grey(&good, 1, 16);
        let bytes = std::fs::read(&good).unwrap();
        std::fs::write(root.path().join("cat/b.png"), &bytes[..bytes.len() / 2]).unwrap();
        let error = load(root.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("b.png: truncated"), "{error}");
        // A PNG whose pixel data is damaged though its end is intact.
        let mut damaged = bytes.clone();
        let at = damaged.windows(4).position(|w| w == b"IDAT").unwrap() + 8;
        damaged[at..at + 4].copy_from_slice(&[0xFF; 4]);
        std::fs::write(root.path().join("cat/b.png"), &damaged).unwrap();
        let error = load(root.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("b.png: cannot decode"), "{error}");
        std::fs::write(root.path().join("cat/c.jpg"), b"hello").unwrap();
        std::fs::remove_file(root.path().join("cat/b.png")).unwrap();
        let error = load(root.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(error.contains("c.jpg: not a PNG or JPEG"), "{error}");
        std::fs::remove_file(root.path().join("cat/c.jpg")).unwrap();
        std::fs::create_dir(root.path().join("dog")).unwrap();
        let error = load(root.path(), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("dog") && error.contains("no .png"),
            "{error}"
        );
        let error = load(&root.path().join("nothing"), &LoadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("nothing") && error.contains("missing"),
            "{error}"
        );
    }
}
