// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc keeps freed tensors' pages for the next batch (see the `remap` binary).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // The app trains each job in a copy of itself started as a worker (`worker --stdio`).
    if std::env::args().nth(1).as_deref() == Some("worker") {
        std::process::exit(remap_app_lib::run_worker());
    }
    remap_app_lib::run();
}
