//! `remap session`: new → run → status on a throw-away data directory, and bad input.

mod common;

use common::{remap, text};

#[test]
fn new_run_status_and_a_second_run_that_does_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let new = remap(
        dir.path(),
        &[
            "session",
            "new",
            "demo",
            "--models",
            "2",
            "--epochs",
            "1",
            "--per-class",
            "20",
            "--device",
            "cpu",
            "--max-params",
            "30000",
            "--seed",
            "3",
        ],
    );
    assert!(new.status.success(), "{}", text(&new.stderr));
    assert!(dir.path().join("remap.db").exists());

    let run = remap(dir.path(), &["session", "run", "demo"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        text(&run.stderr).contains("2 of 2 models done"),
        "{}",
        text(&run.stderr)
    );

    let status = remap(dir.path(), &["session", "status", "demo", "--json"]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let rows: Vec<serde_json::Value> = text(&status.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row["status"], "done");
        assert_eq!(row["origin"], "sampled");
        assert_eq!(row["epochs_done"], 1);
        assert!(row["val_accuracy"].as_f64().is_some());
        assert!(row["hash"].as_str().unwrap().len() == 16);
    }

    let again = remap(dir.path(), &["session", "run", "demo"]);
    assert!(again.status.success());
    assert!(
        text(&again.stderr).contains("nothing queued"),
        "{}",
        text(&again.stderr)
    );

    let list = remap(dir.path(), &["session", "list"]);
    assert!(text(&list.stdout).contains("demo"));
}

#[test]
fn best_ranks_by_focus_accuracy_under_a_cap_and_effects_and_budget_report() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "session",
        "new",
        "cats",
        "--models",
        "3",
        "--epochs",
        "1",
        "--per-class",
        "20",
        "--device",
        "cpu",
        "--max-params",
        "30000",
        "--seed",
        "4",
        "--screening",
        "off",
    ];
    let new = remap(dir.path(), &args);
    assert!(new.status.success(), "{}", text(&new.stderr));
    let run = remap(dir.path(), &["session", "run", "cats"]);
    assert!(run.status.success(), "{}", text(&run.stderr));

    let classes = "circle,square";
    let best = remap(
        dir.path(),
        &[
            "session",
            "best",
            "cats",
            "--classes",
            classes,
            "--top",
            "3",
            "--json",
        ],
    );
    assert!(best.status.success(), "{}", text(&best.stderr));
    let rows: Vec<serde_json::Value> = text(&best.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    let focus: Vec<f64> = rows
        .iter()
        .map(|r| r["focus_accuracy"].as_f64().unwrap())
        .collect();
    assert!(focus.windows(2).all(|w| w[0] >= w[1]), "{focus:?}");
    let cap = rows
        .iter()
        .map(|r| r["params"].as_u64().unwrap())
        .min()
        .unwrap();
    let capped = remap(
        dir.path(),
        &[
            "session",
            "best",
            "cats",
            "--classes",
            classes,
            "--max-params",
            &cap.to_string(),
            "--json",
        ],
    );
    let capped: Vec<serde_json::Value> = text(&capped.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(capped.iter().all(|r| r["params"].as_u64().unwrap() <= cap));
    assert!(!capped.is_empty());

    let wrong = remap(
        dir.path(),
        &["session", "best", "cats", "--classes", "zebra"],
    );
    assert!(!wrong.status.success());
    assert!(
        text(&wrong.stderr).contains("unknown class `zebra`"),
        "{}",
        text(&wrong.stderr)
    );

    let budget = remap(dir.path(), &["session", "budget", "cats"]);
    assert!(
        text(&budget.stdout).contains("budget 30000 parameters"),
        "{}",
        text(&budget.stdout)
    );
    let lifted = remap(dir.path(), &["session", "budget", "cats", "none"]);
    assert!(
        text(&lifted.stdout).contains("no budget"),
        "{}",
        text(&lifted.stdout)
    );
    let bad = remap(dir.path(), &["session", "budget", "cats", "-5"]);
    assert!(!bad.status.success());

    let effects = remap(dir.path(), &["session", "effects", "cats", "--json"]);
    assert!(effects.status.success(), "{}", text(&effects.stderr));
    let effects: serde_json::Value = serde_json::from_str(text(&effects.stdout).trim()).unwrap();
    assert_eq!(effects["children"], 0, "no children yet");
}

#[test]
fn unknown_sessions_and_corrupt_databases_are_clear_errors_that_delete_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = remap(dir.path(), &["session", "status", "nope"]);
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("unknown session `nope`"),
        "{}",
        text(&unknown.stderr)
    );

    let corrupt = dir.path().join("remap.db");
    std::fs::write(&corrupt, b"this is not an sqlite database, just text").unwrap();
    let opened = remap(dir.path(), &["session", "list"]);
    assert!(!opened.status.success());
    assert!(
        text(&opened.stderr).contains("not a readable REMAP database"),
        "{}",
        text(&opened.stderr)
    );
    assert_eq!(
        std::fs::read(&corrupt).unwrap(),
        b"this is not an sqlite database, just text"
    );

    let missing = dir.path().join("gone");
    let other = dir.path().join("other.db");
    let db = other.to_str().unwrap();
    let spec = format!("folder:{}", missing.display());
    let new = remap(
        dir.path(),
        &["session", "new", "x", "--dataset", &spec, "--db", db],
    );
    assert!(!new.status.success());
    assert!(text(&new.stderr).contains("gone"), "{}", text(&new.stderr));
}
