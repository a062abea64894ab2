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
    "preview_ablations_of",
    "queue_ablations",
    "preview_variations_of",
    "queue_variations",
    "queue_handcrafted",
    "templates",
    "save_template",
    "delete_template",
    "queue_status",
    "move_job",
    "cancel_job",
    "retry_job",
    "pause_queue",
    "resume_queue",
    "export_model",
];

fn main() {
    tauri_plugin::Builder::new(COMMANDS).build();
}
