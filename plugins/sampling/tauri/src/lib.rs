//! Tauri plugin `remap-sampling`: REMAP's model generation for the WebView.
//! The work is done by the `remap-sampling` library; this crate only translates.

mod commands;
mod error;
mod models;

use tauri::Runtime;
use tauri::plugin::{Builder, TauriPlugin};

pub use error::Error;
pub use models::*;

/// The plugin, to register with `tauri::Builder::plugin`.
pub fn init<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("remap-sampling")
        .invoke_handler(tauri::generate_handler![
            commands::search_space,
            commands::sample,
            commands::ablate,
            commands::vary
        ])
        .build()
}
