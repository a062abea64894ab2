//! Where a data set comes from, as written on the command line.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::DatasetError;

/// A data set source: the built-in sketches or a folder of files in a known format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatasetSource {
    /// The generated line drawings (no download).
    Sketches,
    /// A folder of Google's `full_numpy_bitmap_<class>.npy` files.
    QuickDraw(PathBuf),
    /// A folder with CIFAR-10's binary batches.
    Cifar10(PathBuf),
    /// A folder with MNIST or Fashion-MNIST IDX files (gzipped or not).
    Mnist(PathBuf),
    /// `root/<class>/*.png|jpg|jpeg`.
    Folder(PathBuf),
}

impl DatasetSource {
    /// The class names when they are known without reading any file: the sketches' own.
    /// Other sources name their classes in their files (or folders).
    pub fn fixed_classes(&self) -> Option<Vec<String>> {
        match self {
            Self::Sketches => Some(crate::sketches::CLASSES.map(String::from).to_vec()),
            _ => None,
        }
    }
}

impl FromStr for DatasetSource {
    type Err = DatasetError;

    /// Parses `sketches`, `quickdraw:DIR`, `cifar10:DIR`, `mnist:DIR` or `folder:DIR`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "sketches" {
            return Ok(Self::Sketches);
        }
        let unknown = || DatasetError::UnknownSource(text.to_string());
        let (kind, dir) = text.split_once(':').ok_or_else(unknown)?;
        if dir.is_empty() {
            return Err(DatasetError::UnknownSource(format!(
                "{text} (the folder after ':' is empty)"
            )));
        }
        let dir = PathBuf::from(dir);
        match kind {
            "quickdraw" => Ok(Self::QuickDraw(dir)),
            "cifar10" => Ok(Self::Cifar10(dir)),
            "mnist" => Ok(Self::Mnist(dir)),
            "folder" => Ok(Self::Folder(dir)),
            _ => Err(unknown()),
        }
    }
}

impl fmt::Display for DatasetSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sketches => write!(f, "sketches"),
            Self::QuickDraw(dir) => write!(f, "quickdraw:{}", dir.display()),
            Self::Cifar10(dir) => write!(f, "cifar10:{}", dir.display()),
            Self::Mnist(dir) => write!(f, "mnist:{}", dir.display()),
            Self::Folder(dir) => write!(f, "folder:{}", dir.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_source_and_round_trips() {
        for text in [
            "sketches",
            "quickdraw:/d/q",
            "cifar10:c",
            "mnist:m",
            "folder:/x:y",
        ] {
            let source: DatasetSource = text.parse().unwrap();
            assert_eq!(source.to_string(), text);
        }
        assert_eq!(
            "folder:/x:y".parse::<DatasetSource>().unwrap(),
            DatasetSource::Folder("/x:y".into())
        );
    }

    #[test]
    fn rejects_unknown_sources_clearly() {
        for text in ["", "sketch", "imagenet:/d", "mnist:", "cifar10"] {
            let error = text.parse::<DatasetSource>().unwrap_err().to_string();
            assert!(error.contains("cifar10:DIR"), "{error}");
        }
    }
}
