const COMMANDS: &[&str] = &[
    "otmann_matrix",
    "prediction_matrix",
    "project",
    "pareto_front",
];

fn main() {
    tauri_plugin::Builder::new(COMMANDS).build();
}
