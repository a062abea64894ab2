//! Options shared by every data set source, and the class selection they imply.

use crate::DatasetError;

/// How to load a data set. Every option applies to every source unless it says otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadOptions {
    /// Keep only these classes, by name; labels are re-indexed 0.. in this order.
    pub classes: Option<Vec<String>>,
    /// Keep the first N images of each class in total, before splitting. Where a source has an
    /// official test split, the first `N - round(N × held_out_share)` training and the first
    /// `round(N × held_out_share)` test images of each class are kept.
    pub limit: Option<usize>,
    /// The share of each class held out (default 0.2). CIFAR-10 and MNIST use their official test
    /// split instead, and this share only matters together with `limit`.
    pub held_out_share: f64,
    /// Compute per-channel mean and std on the training images (default true); else identity.
    pub normalize: bool,
    /// Generation seed of the sketches.
    pub seed: u64,
    /// Sketches: images generated per class (default 2,000).
    pub per_class: usize,
    /// Image folder: every image is resized to this square size (default 32).
    pub image_size: u32,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            classes: None,
            limit: None,
            held_out_share: 0.2,
            normalize: true,
            seed: 0,
            per_class: 2_000,
            image_size: 32,
        }
    }
}

impl LoadOptions {
    pub(crate) fn check(&self) -> Result<(), DatasetError> {
        if !(0.0..1.0).contains(&self.held_out_share) {
            return Err(DatasetError::InvalidOption {
                option: "held_out_share",
                reason: format!("{} is not in [0, 1)", self.held_out_share),
            });
        }
        if self.limit == Some(0) {
            return Err(DatasetError::InvalidOption {
                option: "limit",
                reason: "must be at least 1".into(),
            });
        }
        if self.image_size == 0 {
            return Err(DatasetError::InvalidOption {
                option: "image_size",
                reason: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    /// Indices into `available` of the selected classes, in the new label order.
    pub(crate) fn select(&self, available: &[String]) -> Result<Vec<usize>, DatasetError> {
        let Some(wanted) = &self.classes else {
            return Ok((0..available.len()).collect());
        };
        if wanted.is_empty() {
            return Err(DatasetError::InvalidOption {
                option: "classes",
                reason: "the list of classes is empty".into(),
            });
        }
        let mut indices = Vec::with_capacity(wanted.len());
        for name in wanted {
            let index = available.iter().position(|a| a == name).ok_or_else(|| {
                DatasetError::UnknownClass {
                    name: name.clone(),
                    available: available.to_vec(),
                }
            })?;
            if indices.contains(&index) {
                return Err(DatasetError::InvalidOption {
                    option: "classes",
                    reason: format!("class {name:?} is listed twice"),
                });
            }
            indices.push(index);
        }
        Ok(indices)
    }

    /// Maps each source label to its new label, `None` for classes left out.
    pub(crate) fn relabel(&self, available: &[String]) -> Result<Vec<Option<u32>>, DatasetError> {
        let mut map = vec![None; available.len()];
        for (new, old) in self.select(available)?.into_iter().enumerate() {
            map[old] = Some(new as u32);
        }
        Ok(map)
    }

    /// Per-class caps on (train, test) images for a source with an official test split.
    pub(crate) fn official_split_limits(&self) -> (usize, usize) {
        match self.limit {
            None => (usize::MAX, usize::MAX),
            Some(n) => {
                let test = crate::dataset::held_out_count(n, self.held_out_share);
                (n - test, test)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn selects_classes_in_the_given_order() {
        let options = LoadOptions {
            classes: Some(names(&["cat", "bird"])),
            ..LoadOptions::default()
        };
        let available = names(&["airplane", "bird", "cat"]);
        assert_eq!(options.select(&available).unwrap(), [2, 1]);
        assert_eq!(
            options.relabel(&available).unwrap(),
            [None, Some(1), Some(0)]
        );
    }

    #[test]
    fn unknown_class_lists_the_available_ones() {
        let options = LoadOptions {
            classes: Some(names(&["dog"])),
            ..LoadOptions::default()
        };
        let error = options
            .select(&names(&["cat", "bird"]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("\"dog\"") && error.contains("cat, bird"),
            "{error}"
        );
    }

    #[test]
    fn limit_splits_by_share() {
        let options = LoadOptions {
            limit: Some(10),
            ..LoadOptions::default()
        };
        assert_eq!(options.official_split_limits(), (8, 2));
        assert!(
            LoadOptions {
                held_out_share: 1.0,
                ..LoadOptions::default()
            }
            .check()
            .is_err()
        );
    }
}
