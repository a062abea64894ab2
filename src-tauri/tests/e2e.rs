//! Runs the end-to-end WebDriver tests (`tests/e2e/*.test.mjs`) against this very build of the
//! app: Xvfb, tauri-driver and WebKitWebDriver drive the real window; screenshots land in
//! `out/e2e/`. Cargo builds the binary first, with the same features as every other test.

use std::path::Path;
use std::process::Command;

#[test]
fn end_to_end() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("repository root");
    let status = Command::new("node")
        .args(["--test", "--test-concurrency=1", "tests/e2e/"])
        .current_dir(root)
        .env("REMAP_APP_BIN", env!("CARGO_BIN_EXE_remap-app"))
        .status()
        .expect("node runs the end-to-end tests (install Node.js 20 or newer)");
    assert!(
        status.success(),
        "end-to-end tests failed; screenshots are in out/e2e/"
    );
}
