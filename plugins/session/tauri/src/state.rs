//! What the plugin keeps while the app runs: the store, the queue's scheduler and the
//! trainer (with its data set cache), and the small UI state file (the last session shown).

use std::path::PathBuf;
use std::sync::Arc;

use remap_session::TrainerRunner;
use remap_store::{Scheduler, SessionId, Store, write_atomic};
use serde::{Deserialize, Serialize};

/// The plugin's managed state.
pub struct Remap {
    pub store: Store,
    pub scheduler: Scheduler,
    pub runner: TrainerRunner,
    ui_state: PathBuf,
}

/// UI state that outlives the window (`ui.json` in the data directory).
#[derive(Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UiState {
    last_session: Option<SessionId>,
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
            ui_state: data_dir.join("ui.json"),
        }
    }

    /// The session shown last, if it was recorded.
    pub fn last_session(&self) -> Option<SessionId> {
        let text = std::fs::read_to_string(&self.ui_state).ok()?;
        serde_json::from_str::<UiState>(&text).ok()?.last_session
    }

    /// Records the session shown now (a failure is logged: it only costs the reopening).
    pub fn set_last_session(&self, id: Option<SessionId>) {
        let state = UiState { last_session: id };
        let bytes = serde_json::to_vec_pretty(&state).expect("UI state serialises");
        if let Err(error) = write_atomic(&self.ui_state, &bytes) {
            tracing::warn!(path = %self.ui_state.display(), %error, "could not save the UI state");
        }
    }
}

/// Shared handle, as Tauri manages it.
pub type RemapState = Arc<Remap>;
