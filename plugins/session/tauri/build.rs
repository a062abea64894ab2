// The plugin's command names, shared with the crate (`src/command_names.rs`).
include!("src/command_names.rs");

fn main() {
    tauri_plugin::Builder::new(COMMANDS).build();
}
