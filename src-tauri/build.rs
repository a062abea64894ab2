//! Tauri's code generation, plus the locked versions of the dependencies the About dialog
//! credits (read from `Cargo.lock` and `ui/package.json`, so they cannot drift).

use std::{env, fs, path::Path};

/// Rust crates whose locked version the About dialog shows.
const CRATES: &[&str] = &[
    "tauri",
    "burn",
    "wgpu",
    "gemm",
    "sea-orm",
    "sqlx",
    "libsqlite3-sys",
    "tokio",
    "petgraph",
    "linfa-linalg",
    "rayon",
    "prost",
    "safetensors",
    "clap",
];
/// npm packages whose pinned version the About dialog shows.
const PACKAGES: &[&str] = &["svelte", "uplot", "@tauri-apps/api"];

fn main() {
    // Listing the app's commands makes Tauri generate one permission per command, so the
    // capability file can allow exactly these and nothing else.
    let manifest = tauri_build::AppManifest::new().commands(&["app_info"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
    write_versions();
}

fn write_versions() {
    let lock_path = "../Cargo.lock";
    let package_path = "../ui/package.json";
    println!("cargo:rerun-if-changed={lock_path}");
    println!("cargo:rerun-if-changed={package_path}");
    let lock = fs::read_to_string(lock_path).expect("Cargo.lock is readable");
    let lock: toml::Table = lock.parse().expect("Cargo.lock is TOML");
    let package = fs::read_to_string(package_path).expect("ui/package.json is readable");
    let package: serde_json::Value =
        serde_json::from_str(&package).expect("ui/package.json is JSON");

    let mut rows = Vec::new();
    for name in CRATES {
        let version = locked_version(&lock, name)
            .unwrap_or_else(|| panic!("{name} is not in Cargo.lock; update build.rs"));
        rows.push(format!("({name:?}, {version:?}),"));
    }
    for name in PACKAGES {
        let version = package["dependencies"][name]
            .as_str()
            .or_else(|| package["devDependencies"][name].as_str())
            .unwrap_or_else(|| panic!("{name} is not in ui/package.json; update build.rs"));
        rows.push(format!("({name:?}, {version:?}),"));
    }
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("versions.rs");
    let code = format!(
        "/// `(name, version)` of the credited dependencies, as locked.\n\
         pub const VERSIONS: &[(&str, &str)] = &[{}];\n",
        rows.join(" ")
    );
    fs::write(out, code).expect("OUT_DIR is writable");
}

/// The highest locked version of `name` (a lock file may hold several).
fn locked_version(lock: &toml::Table, name: &str) -> Option<String> {
    let packages = lock.get("package")?.as_array()?;
    packages
        .iter()
        .filter(|p| p.get("name").and_then(toml::Value::as_str) == Some(name))
        .filter_map(|p| p.get("version")?.as_str())
        .max_by_key(|v| {
            v.split(['.', '-', '+'])
                .map(|p| p.parse::<u64>().unwrap_or(0))
                .collect::<Vec<_>>()
        })
        .map(str::to_string)
}
