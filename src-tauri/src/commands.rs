//! The commands the WebView may call (each allowed by `capabilities/default.json`).

use remap_architecture::{Analysis, Architecture};
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::about::{self, Credit};
use crate::{DataDir, TrainingDevice};

/// What the app knows about itself (the header and the About dialog show it).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
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

/// The verdict on an architecture, as `ui/src/lib/api.ts` types it.
#[derive(Serialize)]
#[serde(untagged)]
pub enum ArchitectureCheck {
    Valid {
        valid: bool,
        params: u64,
        hash: String,
        summary: String,
        layers: Vec<serde_json::Value>,
    },
    Invalid {
        valid: bool,
        error: String,
        layer: Option<usize>,
    },
}

/// Checks an architecture: shapes and parameters, or the reason it is invalid.
#[tauri::command]
pub fn check_architecture(json: String) -> ArchitectureCheck {
    match Architecture::from_json(&json).and_then(|a| a.analyze().map(|an| (a, an))) {
        Ok((arch, analysis)) => valid(&arch, &analysis),
        Err(e) => ArchitectureCheck::Invalid {
            valid: false,
            layer: e.layer(),
            error: e.to_string(),
        },
    }
}

fn valid(arch: &Architecture, analysis: &Analysis) -> ArchitectureCheck {
    ArchitectureCheck::Valid {
        valid: true,
        params: analysis.params,
        hash: arch.hash(),
        summary: arch.summary(),
        layers: analysis
            .all()
            .map(|r| serde_json::to_value(r).unwrap_or_default())
            .collect(),
    }
}
