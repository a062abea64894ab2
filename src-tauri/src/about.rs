//! What the About dialog credits: REMAP's own licence and the major parts it is built on.

use serde::Serialize;
use ts_rs::TS;

include!(concat!(env!("OUT_DIR"), "/versions.rs"));

/// REMAP's own licence (the workspace's `license`).
pub const LICENCE: &str = env!("CARGO_PKG_LICENSE");

/// One credited dependency.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Credit {
    /// The project's name as its authors write it.
    pub name: &'static str,
    /// The locked version, or `None` for system libraries the package depends on.
    pub version: Option<&'static str>,
    /// What REMAP uses it for.
    pub purpose: &'static str,
    /// SPDX licence expression.
    pub licence: &'static str,
}

/// `(display name, crate or npm package, None for a system library, purpose, licence)`.
const MAJOR: &[(&str, Option<&str>, &str, &str)] = &[
    (
        "Tauri",
        Some("tauri"),
        "desktop window and UI ↔ Rust bridge",
        "Apache-2.0 OR MIT",
    ),
    (
        "WebKitGTK",
        None,
        "renders the interface (system library)",
        "LGPL-2.1-or-later",
    ),
    ("Svelte", Some("svelte"), "the interface", "MIT"),
    ("uPlot", Some("uplot"), "training curves", "MIT"),
    (
        "Tauri JS API",
        Some("@tauri-apps/api"),
        "UI calls into Rust",
        "Apache-2.0 OR MIT",
    ),
    (
        "burn",
        Some("burn"),
        "models and training",
        "MIT OR Apache-2.0",
    ),
    (
        "wgpu",
        Some("wgpu"),
        "training on the GPU",
        "MIT OR Apache-2.0",
    ),
    (
        "Vulkan loader",
        None,
        "GPU access (system library)",
        "Apache-2.0",
    ),
    ("gemm", Some("gemm"), "CPU matrix kernels", "MIT"),
    (
        "SeaORM",
        Some("sea-orm"),
        "session database",
        "MIT OR Apache-2.0",
    ),
    (
        "SQLx",
        Some("sqlx"),
        "SQLite and PostgreSQL drivers",
        "MIT OR Apache-2.0",
    ),
    (
        "libsqlite3-sys",
        Some("libsqlite3-sys"),
        "the embedded SQLite database (bundled)",
        "MIT; SQLite: public domain",
    ),
    ("Tokio", Some("tokio"), "training queue scheduler", "MIT"),
    (
        "petgraph",
        Some("petgraph"),
        "OTMANN layer graphs",
        "MIT OR Apache-2.0",
    ),
    (
        "linfa-linalg",
        Some("linfa-linalg"),
        "eigen-decomposition for MDS",
        "MIT OR Apache-2.0",
    ),
    (
        "Rayon",
        Some("rayon"),
        "parallel distances and projections",
        "MIT OR Apache-2.0",
    ),
    ("prost", Some("prost"), "ONNX export", "Apache-2.0"),
    (
        "safetensors",
        Some("safetensors"),
        "weights export",
        "Apache-2.0",
    ),
    (
        "clap",
        Some("clap"),
        "the remap command line",
        "MIT OR Apache-2.0",
    ),
];

/// The credited dependencies with their locked versions.
pub fn credits() -> Vec<Credit> {
    MAJOR
        .iter()
        .map(|&(name, package, purpose, licence)| Credit {
            name,
            version: package.and_then(|p| VERSIONS.iter().find(|(n, _)| *n == p).map(|&(_, v)| v)),
            purpose,
            licence,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_packaged_dependency_has_its_locked_version() {
        let credits = credits();
        for c in &credits {
            let system = matches!(c.name, "WebKitGTK" | "Vulkan loader");
            assert_eq!(c.version.is_some(), !system, "{}", c.name);
        }
        let burn = credits.iter().find(|c| c.name == "burn").unwrap();
        assert!(
            burn.version.unwrap().starts_with("0.22"),
            "{:?}",
            burn.version
        );
    }
}
