//! What the plugin keeps while the app runs: the store, the queue's scheduler and the
//! trainer (with its data set cache), and the small UI state file (the last session shown,
//! whether the queue is paused).

use std::path::PathBuf;
use std::sync::Arc;

use remap_files::write_atomic;
use remap_session::TrainerRunner;
use remap_store::{Scheduler, SessionId, Store};
use serde::{Deserialize, Serialize};

/// The plugin's managed state.
pub struct Remap {
    pub store: Store,
    pub scheduler: Scheduler,
    pub runner: TrainerRunner,
    ui_state: UiStateFile,
}

/// UI state that outlives the window (`ui.json` in the data directory).
#[derive(Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UiState {
    last_session: Option<SessionId>,
    /// A paused queue stays paused when the app starts again.
    #[serde(default)]
    queue_paused: bool,
}

impl Remap {
    pub fn new(
        store: Store,
        scheduler: Scheduler,
        runner: TrainerRunner,
        data_dir: PathBuf,
    ) -> Self {
        Remap {
            store,
            scheduler,
            runner,
            ui_state: UiStateFile(data_dir.join("ui.json")),
        }
    }

    /// The session shown last, if it was recorded.
    pub fn last_session(&self) -> Option<SessionId> {
        self.ui_state.read().last_session
    }

    /// Records the session shown now (a failure is logged: it only costs the reopening).
    pub fn set_last_session(&self, id: Option<SessionId>) {
        self.ui_state.update(|state| state.last_session = id);
    }

    /// Whether the queue was paused when the app last ran.
    pub fn queue_paused(&self) -> bool {
        self.ui_state.read().queue_paused
    }

    /// Pauses or resumes the queue and records it for the next start.
    pub fn set_queue_paused(&self, paused: bool) {
        if paused {
            self.scheduler.pause();
        } else {
            self.scheduler.resume();
        }
        self.ui_state.update(|state| state.queue_paused = paused);
    }
}

/// The `ui.json` file.
struct UiStateFile(PathBuf);

impl UiStateFile {
    /// The recorded state; a missing or unreadable file is the default.
    fn read(&self) -> UiState {
        std::fs::read_to_string(&self.0)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn update(&self, change: impl FnOnce(&mut UiState)) {
        let mut state = self.read();
        change(&mut state);
        let bytes = serde_json::to_vec_pretty(&state).expect("UI state serialises");
        if let Err(error) = write_atomic(&self.0, &bytes) {
            tracing::warn!(path = %self.0.display(), %error, "could not save the UI state");
        }
    }
}

/// Shared handle, as Tauri manages it.
pub type RemapState = Arc<Remap>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_session_and_the_pause_survive_a_restart_independently() {
        let dir = tempfile::tempdir().unwrap();
        let file = UiStateFile(dir.path().join("ui.json"));
        assert!(!file.read().queue_paused, "no file: not paused");
        file.update(|s| s.last_session = Some(3));
        file.update(|s| s.queue_paused = true);
        let again = UiStateFile(dir.path().join("ui.json")).read();
        assert_eq!(again.last_session, Some(3));
        assert!(again.queue_paused);
        // A file written before the pause was recorded reads as not paused.
        std::fs::write(&file.0, r#"{"lastSession": 4}"#).unwrap();
        assert!(!file.read().queue_paused);
        assert_eq!(file.read().last_session, Some(4));
    }
}
