//! `load` through the public API: the sketches, and every file loader rejecting a truncated file
//! with a message naming it.

use std::path::Path;

use remap_datasets::{DatasetSource, LoadOptions, load, sketches};

fn source(text: &str) -> DatasetSource {
    text.parse().unwrap()
}

#[test]
fn sketches_by_default_with_an_80_20_split_and_normalisation() {
    let options = LoadOptions {
        per_class: 50,
        seed: 3,
        ..LoadOptions::default()
    };
    let data = load(&DatasetSource::Sketches, &options).unwrap();
    assert_eq!(data.name, "sketches");
    assert_eq!(data.classes, sketches::CLASSES);
    assert_eq!((data.channels, data.height, data.width), (1, 28, 28));
    assert_eq!(data.train.len(), 400);
    assert_eq!(data.held_out.len(), 100);
    assert_eq!(data.train.images.len(), 400 * 784);
    assert_eq!(data.held_out.class_counts(10), [10; 10]);
    // Dark backgrounds with thin strokes: a low mean, a std well above zero.
    let (mean, std) = (data.normalization.mean[0], data.normalization.std[0]);
    assert!(
        (0.02..0.3).contains(&mean) && (0.1..0.5).contains(&std),
        "{mean} {std}"
    );
    assert_eq!(data, load(&DatasetSource::Sketches, &options).unwrap());
    let other_seed = LoadOptions { seed: 4, ..options };
    assert_ne!(
        data.train,
        load(&DatasetSource::Sketches, &other_seed).unwrap().train
    );
}

#[test]
fn sketch_subset_limit_and_identity_normalisation() {
    let options = LoadOptions {
        classes: Some(vec!["star".into(), "circle".into()]),
        limit: Some(10),
        normalize: false,
        held_out_share: 0.5,
        ..LoadOptions::default()
    };
    let data = load(&DatasetSource::Sketches, &options).unwrap();
    assert_eq!(data.classes, ["star", "circle"]);
    assert_eq!(data.train.labels, [[0; 5], [1; 5]].concat());
    assert_eq!(data.held_out.len(), 10);
    assert_eq!(data.normalization.mean, [0.0]);
    assert_eq!(data.normalization.std, [1.0]);
    // The same star is drawn whatever else is selected.
    assert_eq!(data.train.image(0), sketches::draw(3, 0, 0));
    let error = load(
        &DatasetSource::Sketches,
        &LoadOptions {
            classes: Some(vec!["hexagon".into()]),
            ..LoadOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("hexagon") && error.contains("circle, square"),
        "{error}"
    );
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn cut(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    std::fs::write(path, &bytes[..bytes.len() - 1]).unwrap();
}

fn error_of(text: &str) -> String {
    match load(&source(text), &LoadOptions::default()) {
        Ok(_) => panic!("{text} loaded"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn quickdraw_truncated_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let header = "{'descr': '|u1', 'fortran_order': False, 'shape': (5, 784), }";
    let header = format!("{header:<117}\n");
    for class in remap_datasets::quickdraw::CLASSES {
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend((header.len() as u16).to_le_bytes());
        bytes.extend(header.as_bytes());
        bytes.extend([9; 5 * 784]);
        write(
            &dir.path().join(format!("full_numpy_bitmap_{class}.npy")),
            &bytes,
        );
    }
    let text = format!("quickdraw:{}", dir.path().display());
    let data = load(&source(&text), &LoadOptions::default()).unwrap();
    assert_eq!((data.train.len(), data.held_out.len()), (40, 10));
    cut(&dir.path().join("full_numpy_bitmap_pear.npy"));
    let error = error_of(&text);
    assert!(
        error.contains("full_numpy_bitmap_pear.npy: truncated"),
        "{error}"
    );
}

#[test]
fn cifar10_truncated_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let record: Vec<u8> = [&[4u8][..], &[100; 3072]].concat();
    for file in [
        "data_batch_1",
        "data_batch_2",
        "data_batch_3",
        "data_batch_4",
        "data_batch_5",
        "test_batch",
    ] {
        write(&dir.path().join(format!("{file}.bin")), &record.repeat(2));
    }
    let text = format!("cifar10:{}", dir.path().display());
    let data = load(&source(&text), &LoadOptions::default()).unwrap();
    assert_eq!(
        (data.train.len(), data.held_out.len(), data.channels),
        (10, 2, 3)
    );
    cut(&dir.path().join("test_batch.bin"));
    let error = error_of(&text);
    assert!(error.contains("test_batch.bin: truncated"), "{error}");
}

#[test]
fn mnist_truncated_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    for prefix in ["train", "t10k"] {
        let mut images = vec![0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28];
        images.extend([50; 2 * 784]);
        write(
            &dir.path().join(format!("{prefix}-images-idx3-ubyte")),
            &images,
        );
        write(
            &dir.path().join(format!("{prefix}-labels-idx1-ubyte")),
            &[0, 0, 8, 1, 0, 0, 0, 2, 3, 7],
        );
    }
    let text = format!("mnist:{}", dir.path().display());
    let data = load(&source(&text), &LoadOptions::default()).unwrap();
    assert_eq!(data.held_out.labels, [3, 7]);
    cut(&dir.path().join("t10k-labels-idx1-ubyte"));
    let error = error_of(&text);
    assert!(
        error.contains("t10k-labels-idx1-ubyte: truncated"),
        "{error}"
    );
}

#[test]
fn folder_truncated_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    for class in ["bird", "cat"] {
        for i in 0..5 {
            let path = dir.path().join(format!("{class}/{i}.png"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            image::RgbImage::from_pixel(40, 30, image::Rgb([i * 40, 9, 200]))
                .save(&path)
                .unwrap();
        }
    }
    let text = format!("folder:{}", dir.path().display());
    let data = load(&source(&text), &LoadOptions::default()).unwrap();
    assert_eq!(data.name, text);
    assert_eq!((data.channels, data.height, data.width), (3, 32, 32));
    assert_eq!((data.train.len(), data.held_out.len()), (8, 2));
    assert!((data.normalization.mean[2] - 200.0 / 255.0).abs() < 1e-4);
    cut(&dir.path().join("cat/3.png"));
    let error = error_of(&text);
    assert!(error.contains("cat/3.png: truncated"), "{error}");
}

#[test]
fn a_missing_folder_is_named() {
    for kind in ["quickdraw", "cifar10", "mnist", "folder"] {
        let error = error_of(&format!("{kind}:/no/such/remap-dir"));
        assert!(
            error.contains("/no/such/remap-dir: missing"),
            "{kind}: {error}"
        );
    }
}
