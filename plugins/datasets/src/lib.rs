//! REMAP's data sets: the built-in sketches, QuickDraw, CIFAR-10, MNIST and image folders, loaded
//! into one in-memory form (u8 images in N×C×H×W order, class labels, a fixed held-out order and
//! the training set's per-channel normalisation).

pub mod cifar10;
mod class_names;
mod dataset;
mod error;
mod folder;
mod mnist;
mod normalization;
mod npy;
mod options;
mod preview;
pub mod quickdraw;
pub mod sketches;
mod source;

pub use dataset::{Dataset, Split};
pub use error::DatasetError;
pub use normalization::Normalization;
pub use options::LoadOptions;
pub use preview::{contact_sheet, encode_png, sample_images};
pub use source::DatasetSource;

/// Loads a data set from `source` with `options`.
pub fn load(source: &DatasetSource, options: &LoadOptions) -> Result<Dataset, DatasetError> {
    options.check()?;
    let mut dataset = match source {
        DatasetSource::Sketches => load_sketches(options)?,
        DatasetSource::QuickDraw(dir) => quickdraw::load(dir, options)?,
        DatasetSource::Cifar10(dir) => cifar10::load(dir, options)?,
        DatasetSource::Mnist(dir) => mnist::load(dir, options)?,
        DatasetSource::Folder(dir) => folder::load(dir, options)?,
    };
    if dataset.train.is_empty() {
        return Err(DatasetError::Empty { name: dataset.name });
    }
    dataset.normalization = if options.normalize {
        Normalization::of(&dataset.train, dataset.channels)
    } else {
        Normalization::identity(dataset.channels)
    };
    Ok(dataset)
}

fn load_sketches(options: &LoadOptions) -> Result<Dataset, DatasetError> {
    let names: Vec<String> = sketches::CLASSES.iter().map(|s| s.to_string()).collect();
    let selected = options.select(&names)?;
    let count = options
        .limit
        .map_or(options.per_class, |l| l.min(options.per_class));
    let per_class: Vec<Vec<u8>> = selected
        .iter()
        .map(|&class| sketches::draw_class(class, count, options.seed))
        .collect();
    let size = sketches::SIZE;
    let (train, held_out) =
        dataset::split_per_class(&per_class, size * size, options.held_out_share);
    Ok(Dataset {
        name: "sketches".into(),
        classes: selected.iter().map(|&i| names[i].clone()).collect(),
        height: size as u32,
        width: size as u32,
        channels: 1,
        train,
        held_out,
        normalization: Normalization::identity(1),
    })
}
