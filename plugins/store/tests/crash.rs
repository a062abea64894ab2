//! Crash safety with a real process: a worker is killed with SIGKILL mid-training and
//! started again; the queue completes with no duplicate and no lost result.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{RecordingRunner, TestDb, session_with_models};
use remap_store::{JobStatus, Location, RunUntil, Scheduler, SchedulerConfig, Store};

const CHILD_ENV: &str = "REMAP_CRASH_CHILD";
const EPOCHS: u32 = 3;

on_both_databases!(killed_worker_resumes_without_duplicates_or_losses);

/// The worker process: runs the queue of the database named in the environment until empty.
/// Ignored so that it only runs when the crash test starts it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "started as a child process by the crash test"]
async fn crash_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut parts = spec.splitn(3, '\n');
    let (location, files, log) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let store = Store::open_with_files(&Location::parse(location).unwrap(), Path::new(files))
        .await
        .unwrap();
    let mut runner = RecordingRunner::new(5, Duration::from_millis(20));
    runner.log = Some(PathBuf::from(log));
    let mut config = SchedulerConfig::new("crash-worker");
    config.poll_every = Duration::from_millis(50);
    Scheduler::new(store, Arc::new(runner), config)
        .run(RunUntil::Empty)
        .await
        .unwrap();
}

fn start_worker(location: &Location, files: &Path, log: &Path) -> Child {
    let location = match location {
        Location::Sqlite(path) => path.display().to_string(),
        Location::Postgres(url) => url.clone(),
    };
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            CHILD_ENV,
            format!("{location}\n{}\n{}", files.display(), log.display()),
        )
        .spawn()
        .expect("start the worker process")
}

fn logged(log: &Path) -> Vec<(i64, u32)> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|line| {
            let (model, epoch) = line.split_once(' ').unwrap();
            (model.parse().unwrap(), epoch.parse().unwrap())
        })
        .collect()
}

async fn killed_worker_resumes_without_duplicates_or_losses(db: TestDb) {
    let (session, models) = session_with_models(&db.store, "crash", 4, EPOCHS).await;
    for model in &models {
        db.store.enqueue(*model, None, None).await.unwrap();
    }
    let log = db.files.with_file_name("epochs.log");

    // Kill it once the second job has a checkpoint but before it finishes.
    let mut worker = start_worker(&db.location, &db.files, &log);
    let deadline = Instant::now() + Duration::from_secs(60);
    while logged(&log)
        .iter()
        .filter(|(model, _)| *model == models[1])
        .count()
        < 1
    {
        assert!(Instant::now() < deadline, "the worker made no progress");
        assert!(
            worker.try_wait().unwrap().is_none(),
            "the worker exited early"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    worker.kill().unwrap(); // SIGKILL
    worker.wait().unwrap();
    let jobs = db.store.jobs(session.id).await.unwrap();
    let interrupted: Vec<_> = jobs
        .iter()
        .filter(|job| job.status == JobStatus::Running)
        .collect();
    assert_eq!(
        interrupted.len(),
        1,
        "one job was left running by the dead worker: {jobs:?}"
    );
    assert_eq!(interrupted[0].model_id, models[1]);
    let before = logged(&log);

    let mut worker = start_worker(&db.location, &db.files, &log);
    let status = worker.wait().unwrap();
    assert!(status.success(), "the restarted worker finished the queue");

    let jobs = db.store.jobs(session.id).await.unwrap();
    assert!(
        jobs.iter().all(|job| job.status == JobStatus::Done),
        "{jobs:?}"
    );
    let runs = db.store.runs(session.id).await.unwrap();
    let mut run_models: Vec<_> = runs.iter().map(|run| run.model_id).collect();
    run_models.sort_unstable();
    assert_eq!(run_models, models, "exactly one result per model");
    for run in &runs {
        assert_eq!(
            run.epochs.iter().map(|e| e.epoch).collect::<Vec<_>>(),
            (1..=EPOCHS).collect::<Vec<_>>()
        );
        assert!(!db.store.weights(run).await.unwrap().is_empty());
    }
    // The resumed job started after its last checkpoint: no epoch was trained twice.
    let after = logged(&log);
    let mut unique = after.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        after.len(),
        "an epoch was trained twice: {after:?}"
    );
    assert!(after.len() > before.len());
    assert_eq!(
        jobs.iter()
            .find(|job| job.model_id == models[1])
            .unwrap()
            .attempts,
        2,
        "the interrupted job was claimed again once"
    );
}
