//! REMAP's desktop shell. Thin by design: commands translate between the WebView and the
//! plugin libraries, which hold all the logic.

mod commands;

use std::path::PathBuf;

use tauri::{AppHandle, Manager};

/// Where this user's sessions, weights and exports live: `REMAP_DATA_DIR` when set (tests use
/// a fresh temporary folder), else the platform's app-data directory.
pub struct DataDir(pub PathBuf);

fn resolve_data_dir(app: &AppHandle) -> tauri::Result<PathBuf> {
    match std::env::var_os("REMAP_DATA_DIR") {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => app.path().app_data_dir(),
    }
}

/// Starts the app: logging, the data directory, the window.
pub fn run() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REMAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    tauri::Builder::default()
        .plugin(tauri_plugin_remap_sampling::init())
        .plugin(tauri_plugin_remap_metrics::init())
        .setup(|app| {
            let dir = resolve_data_dir(app.handle())?;
            std::fs::create_dir_all(&dir)?;
            tracing::info!(data_dir = %dir.display(), "REMAP started");
            app.manage(DataDir(dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::check_architecture
        ])
        .run(tauri::generate_context!())
        .expect("REMAP could not start its window");
}
