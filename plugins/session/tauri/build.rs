const COMMANDS: &[&str] = &[
    "sessions",
    "create_session",
    "rename_session",
    "delete_session",
    "last_session",
    "overview",
    "model_detail",
    "class_samples",
    "drawer",
    "add_to_drawer",
    "remove_from_drawer",
    "compare",
    "queue",
];

fn main() {
    tauri_plugin::Builder::new(COMMANDS).build();
}
