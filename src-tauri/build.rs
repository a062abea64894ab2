fn main() {
    // Listing the app's commands makes Tauri generate one permission per command, so the
    // capability file can allow exactly these and nothing else.
    let manifest = tauri_build::AppManifest::new().commands(&["app_info", "check_architecture"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}
