const COMMANDS: &[&str] = &["search_space", "sample", "ablate", "vary"];

fn main() {
    tauri_plugin::Builder::new(COMMANDS).build();
}
