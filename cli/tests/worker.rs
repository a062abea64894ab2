//! Worker processes: a screened session trained two jobs at a time, a worker killed with
//! SIGKILL mid-job (its job goes back to the queue and the run carries on), and a model too
//! large for memory refused with its figure instead of aborting.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{remap, text};

fn new_session(dir: &std::path::Path, name: &str, models: &str, epochs: &str, extra: &[&str]) {
    let mut args = vec![
        "session",
        "new",
        name,
        "--models",
        models,
        "--epochs",
        epochs,
        "--device",
        "cpu",
        "--max-params",
        "30000",
        "--seed",
        "5",
    ];
    args.extend_from_slice(extra);
    let new = remap(dir, &args);
    assert!(new.status.success(), "{}", text(&new.stderr));
}

fn status_rows(dir: &std::path::Path, name: &str) -> Vec<serde_json::Value> {
    let status = remap(dir, &["session", "status", name, "--json"]);
    assert!(status.status.success(), "{}", text(&status.stderr));
    text(&status.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn a_screened_session_trains_in_two_workers_and_stops_most_models_at_rung_one() {
    let dir = tempfile::tempdir().unwrap();
    new_session(dir.path(), "screen", "6", "3", &["--per-class", "20"]);
    let run = remap(dir.path(), &["session", "run", "screen", "--jobs", "2"]);
    assert!(run.status.success(), "{}", text(&run.stderr));

    let rows = status_rows(dir.path(), "screen");
    assert_eq!(rows.len(), 6);
    let screened: Vec<&serde_json::Value> = rows.iter().filter(|r| r["screened"] == true).collect();
    let full: Vec<&serde_json::Value> = rows.iter().filter(|r| r["screened"] == false).collect();
    // Rungs of 1 and 3 epochs: at least the top third goes on, the rest stop after one epoch.
    assert!(!full.is_empty() && full.len() <= 4, "{rows:?}");
    assert!(screened.len() >= 2, "{rows:?}");
    for row in screened {
        assert_eq!(row["status"], "screened");
        assert_eq!(row["epochs_done"], 1);
        assert_eq!(row["curve"].as_array().unwrap().len(), 1);
        assert!(row["val_accuracy"].as_f64().is_some());
    }
    for row in full {
        assert_eq!(row["status"], "done", "{row}");
        assert!(row["epochs_done"].as_u64().unwrap() >= 2, "{row}");
    }
    assert!(rows.iter().all(|r| r["architecture"]["layers"].is_array()));
}

/// The pid of a `worker --stdio` child of `parent`, read from /proc.
fn worker_of(parent: u32) -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`; comm may hold spaces, so split after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if ppid == Some(parent) && String::from_utf8_lossy(&cmdline).contains("worker") {
            return Some(pid);
        }
    }
    None
}

#[cfg(target_os = "linux")]
#[test]
fn a_worker_killed_mid_job_leaves_the_run_going_and_its_job_is_trained_again() {
    let dir = tempfile::tempdir().unwrap();
    new_session(
        dir.path(),
        "kill",
        "2",
        "3",
        &["--per-class", "300", "--screening", "off"],
    );
    let run = Command::new(env!("CARGO_BIN_EXE_remap"))
        .args(["session", "run", "kill", "--jobs", "1"])
        .env("REMAP_DATA_DIR", dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let worker = loop {
        if let Some(pid) = worker_of(run.id()) {
            break pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no worker started"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // Let it load the data and start training, then kill it without warning.
    std::thread::sleep(Duration::from_millis(800));
    let killed = Command::new("kill")
        .args(["-9", &worker.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    let output = run.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let rows = status_rows(dir.path(), "kill");
    assert!(rows.iter().all(|r| r["status"] == "done"), "{rows:?}");

    // The killed attempt went back to the queue: its job was claimed twice.
    let attempts = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let location = remap_store::Location::Sqlite(dir.path().join("remap.db"));
        let store = remap_store::Store::open(&location).await.unwrap();
        let session = store.session_by_name("kill").await.unwrap();
        let jobs = store.jobs(session.id).await.unwrap();
        jobs.iter().map(|job| job.attempts).collect::<Vec<_>>()
    });
    assert!(attempts.contains(&2), "attempts {attempts:?}");
}

#[test]
fn a_model_too_large_for_memory_is_refused_with_its_figure() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("huge.json");
    std::fs::write(
        &arch,
        r#"{"input":{"height":28,"width":28,"channels":1},"classes":10,"layers":[
            {"type":"conv2d","filters":56000,"kernel":1},
            {"type":"dense","units":65536}]}"#,
    )
    .unwrap();
    let out = dir.path().join("run");
    let train = remap(
        dir.path(),
        &[
            "train",
            "--arch",
            arch.to_str().unwrap(),
            "--dataset",
            "sketches",
            "--limit",
            "10",
            "--epochs",
            "1",
            "--device",
            "cpu",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(!train.status.success());
    let stderr = text(&train.stderr);
    assert!(stderr.contains("TB of memory"), "{stderr}");
    assert!(stderr.contains("2.9 T parameters"), "{stderr}");
}
