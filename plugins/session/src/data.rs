//! Loading a session's data set, once per process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use remap_datasets::DatasetSource;
use remap_store::Session;
use remap_training::Dataset;

use crate::error::SessionError;
use crate::settings::DataOptions;

/// Loads `dataset` (a source such as `sketches` or `quickdraw:DIR`) with `options`.
pub fn load_data(dataset: &str, options: &DataOptions) -> Result<Dataset, SessionError> {
    let error = |detail: String| SessionError::Dataset {
        dataset: dataset.to_string(),
        detail,
    };
    let source: DatasetSource = dataset.parse().map_err(|e| error(format!("{e}")))?;
    let loaded = remap_datasets::load(&source, &options.load_options())
        .map_err(|e| error(format!("{e}")))?;
    Ok(loaded)
}

/// Loads a stored session's data set (e.g. to check it is still there before training).
pub fn load_session_data(session: &Session) -> Result<Dataset, SessionError> {
    let options = DataOptions::from_value(&session.dataset_options, &session.name)?;
    load_data(&session.dataset, &options)
}

/// Data sets loaded so far, by source and options: every job of a session shares one copy.
#[derive(Clone, Default)]
pub struct DataCache {
    loaded: Arc<Mutex<HashMap<String, Arc<Dataset>>>>,
}

impl DataCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The session's data set, loading it on first use. Blocks (call from a blocking thread).
    pub fn get(&self, session: &Session) -> Result<Arc<Dataset>, SessionError> {
        let options = DataOptions::from_value(&session.dataset_options, &session.name)?;
        let key = format!("{}\n{}", session.dataset, options.to_value());
        // Held while loading so that two jobs starting together load the data set once.
        let mut loaded = self.loaded.lock().expect("data cache");
        if let Some(data) = loaded.get(&key) {
            return Ok(data.clone());
        }
        let data = Arc::new(load_data(&session.dataset, &options)?);
        loaded.insert(key, data.clone());
        Ok(data)
    }

    /// Number of distinct data sets loaded.
    pub fn len(&self) -> usize {
        self.loaded.lock().expect("data cache").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
