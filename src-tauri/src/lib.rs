//! REMAP's desktop shell. Thin by design: commands translate between the WebView and the
//! plugin libraries, which hold all the logic.

mod about;
mod commands;

pub use about::Credit;
pub use commands::AppInfo;

use std::path::PathBuf;

use tauri::Manager;

/// Where this user's sessions, weights and exports live: `REMAP_DATA_DIR` when set (tests use
/// a fresh temporary folder), else the platform's data directory + `remap` — the same place
/// the `remap` CLI uses, so both see the same sessions.
pub struct DataDir(pub PathBuf);

/// Where models train (`cpu (flex)` or `gpu (<adapter>, <api>)`), found once at start.
pub struct TrainingDevice(pub String);

/// Why the window cannot open here, if that is known before trying: on Linux, no display
/// to open it on (GTK would only panic).
fn missing_display() -> Option<&'static str> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    (cfg!(target_os = "linux") && !set("DISPLAY") && !set("WAYLAND_DISPLAY")).then_some(
        "REMAP needs a graphical display, and neither DISPLAY nor WAYLAND_DISPLAY is set. \
         On a machine without one, use the `remap` command line (`remap --help`).",
    )
}

/// Logs to stderr at `REMAP_LOG`'s level, else `default`.
fn init_logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REMAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Serves as a training worker on stdin/stdout (logs on stderr); returns the exit code.
pub fn run_worker() -> i32 {
    init_logging("warn");
    match remap_session::worker::serve_stdio() {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("worker: {error}");
            1
        }
    }
}

/// Starts the app: logging, the data directory, the window.
pub fn run() {
    if let Some(reason) = missing_display() {
        eprintln!("{reason}");
        std::process::exit(2);
    }
    init_logging("info");

    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let dir = remap_store::data_dir()?;
            std::fs::create_dir_all(&dir)?;
            tracing::info!(data_dir = %dir.display(), "REMAP started");
            app.handle()
                .plugin(tauri_plugin_remap_session::init(dir.clone()))?;
            app.manage(DataDir(dir));
            let device = remap_training::device::select(remap_training::DeviceChoice::Auto)
                .map_or_else(|e| e.to_string(), |d| d.description);
            app.manage(TrainingDevice(device));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::app_info])
        .run(tauri::generate_context!())
        .expect("REMAP could not start its window");
}
