//! The window's state that outlives it: `ui.json` in the data directory (the last session
//! shown, whether the queue is paused). Written crash-safely, and only when it changes: the
//! overview records its session on every refresh.

use std::path::PathBuf;
use std::sync::Mutex;

use remap_files::write_atomic;
use remap_store::SessionId;
use serde::{Deserialize, Serialize};

use crate::machine::MachineSettings;

/// What `ui.json` records.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UiState {
    // Files of earlier versions wrote camelCase keys.
    #[serde(alias = "lastSession")]
    pub last_session: Option<SessionId>,
    /// A paused queue stays paused when the app starts again.
    #[serde(alias = "queuePaused")]
    pub queue_paused: bool,
    /// How this machine trains (the Settings dialog).
    pub machine: MachineSettings,
}

/// The `ui.json` file, with its contents cached after the first read.
pub(crate) struct UiStateFile {
    path: PathBuf,
    cached: Mutex<Option<UiState>>,
}

impl UiStateFile {
    pub(crate) fn new(path: PathBuf) -> Self {
        UiStateFile {
            path,
            cached: Mutex::new(None),
        }
    }

    /// The recorded state; a missing or unreadable file is the default.
    pub(crate) fn read(&self) -> UiState {
        let mut cached = self.cached.lock().expect("ui state");
        cached.get_or_insert_with(|| self.load()).clone()
    }

    fn load(&self) -> UiState {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Applies `change` and writes the file if the state differs (a failure is logged: it
    /// only costs the reopening).
    pub(crate) fn update(&self, change: impl FnOnce(&mut UiState)) {
        let mut cached = self.cached.lock().expect("ui state");
        let before = cached.get_or_insert_with(|| self.load()).clone();
        let mut after = before.clone();
        change(&mut after);
        if after == before {
            return;
        }
        let bytes = serde_json::to_vec_pretty(&after).expect("UI state serialises");
        match write_atomic(&self.path, &bytes) {
            Ok(()) => *cached = Some(after),
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "could not save the UI state")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_session_and_the_pause_survive_a_restart_independently() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ui.json");
        let file = UiStateFile::new(path.clone());
        assert!(!file.read().queue_paused, "no file: not paused");
        file.update(|s| s.last_session = Some(3));
        file.update(|s| s.queue_paused = true);
        let again = UiStateFile::new(path.clone()).read();
        assert_eq!(again.last_session, Some(3));
        assert!(again.queue_paused);
        // A file written before the pause was recorded (camelCase, as then) reads as not paused.
        std::fs::write(&path, r#"{"lastSession": 4}"#).unwrap();
        let old = UiStateFile::new(path).read();
        assert!(!old.queue_paused);
        assert_eq!(old.last_session, Some(4));
    }

    #[test]
    fn an_unchanged_state_is_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ui.json");
        let file = UiStateFile::new(path.clone());
        file.update(|s| s.last_session = Some(7));
        let written = std::fs::metadata(&path).unwrap().modified().unwrap();
        // Remove the file: an update that changes nothing must not bring it back.
        std::fs::remove_file(&path).unwrap();
        file.update(|s| s.last_session = Some(7));
        assert!(!path.exists(), "rewritten although nothing changed");
        file.update(|s| s.last_session = Some(8));
        assert!(path.exists());
        assert!(std::fs::metadata(&path).unwrap().modified().unwrap() >= written);
    }
}
