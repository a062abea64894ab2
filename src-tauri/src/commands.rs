//! The commands the WebView may call (each allowed by `capabilities/default.json`).

use serde::Serialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use crate::about::{self, Credit};
use crate::{DataDir, TrainingDevice};

/// What the app knows about itself (the header and the About dialog show it).
#[derive(Serialize, TS)]
pub struct AppInfo {
    version: String,
    data_dir: String,
    device: String,
    licence: &'static str,
    credits: Vec<Credit>,
}

#[tauri::command]
pub fn app_info(
    app: AppHandle,
    data_dir: State<'_, DataDir>,
    device: State<'_, TrainingDevice>,
) -> AppInfo {
    AppInfo {
        version: app.package_info().version.to_string(),
        data_dir: data_dir.0.display().to_string(),
        device: device.0.clone(),
        licence: about::LICENCE,
        credits: about::credits(),
    }
}
