//! Tauri plugin `remap-metrics`: REMAP's distances and projections for the WebView.
//! The work is done by the `remap-metrics` library; this crate only translates.

mod commands;
mod error;
mod models;

use tauri::Runtime;
use tauri::plugin::{Builder, TauriPlugin};

pub use error::Error;
pub use models::*;

/// The plugin, to register with `tauri::Builder::plugin`.
pub fn init<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("remap-metrics")
        .invoke_handler(tauri::generate_handler![
            commands::otmann_matrix,
            commands::prediction_matrix,
            commands::project,
            commands::pareto_front
        ])
        .build()
}
