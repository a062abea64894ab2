//! Started where there is no display, the app says so and exits instead of panicking in GTK.

use std::process::Command;

#[test]
#[cfg(target_os = "linux")]
fn without_a_display_the_app_explains_and_exits() {
    let out = Command::new(env!("CARGO_BIN_EXE_remap-app"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("REMAP_DATA_DIR", tempfile::tempdir().unwrap().path())
        .output()
        .expect("the app binary runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("needs a graphical display"), "{stderr}");
    assert!(stderr.contains("remap --help"), "{stderr}");
}
