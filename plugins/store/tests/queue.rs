//! The scheduler, on SQLite and PostgreSQL: the order jobs actually ran in, cancelling,
//! pausing, concurrency, failures and retries, clean stops, and its events.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{RecordingRunner, TestDb, session_with_models};
use remap_store::screening::{Objective, RunScore};
use remap_store::{
    JobId, JobStatus, QueueEvent, RunUntil, Scheduler, SchedulerConfig, Session, Store,
};
use tokio::sync::broadcast;

on_both_databases!(
    reordered_jobs_run_in_the_new_order,
    cancelling_a_running_job_stops_it_and_the_queue_goes_on,
    pause_holds_new_jobs_until_resume,
    pause_stops_running_jobs_which_resume_from_their_checkpoints,
    screening_promotes_the_top_third_as_results_arrive,
    screening_ranks_by_the_objective_where_one_is_set,
    train_to_end_continues_a_screened_job,
    several_jobs_run_at_once,
    failed_jobs_keep_their_reason_and_can_be_retried,
    a_clean_stop_requeues_and_the_next_run_resumes,
    events_follow_persisted_state
);

fn config() -> SchedulerConfig {
    let mut config = SchedulerConfig::new("test-worker");
    config.poll_every = Duration::from_millis(50);
    config.heartbeat_every = Duration::from_millis(100);
    config
}

fn scheduler(store: &Store, runner: &Arc<RecordingRunner>, config: SchedulerConfig) -> Scheduler {
    Scheduler::new(store.clone(), runner.clone(), config)
}

/// Waits (at most 20 s) for an event matching `wanted`.
async fn wait_for(
    events: &mut broadcast::Receiver<QueueEvent>,
    wanted: impl Fn(&QueueEvent) -> bool,
) -> QueueEvent {
    tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match events.recv().await {
                Ok(event) if wanted(&event) => return event,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(error) => panic!("event channel: {error}"),
            }
        }
    })
    .await
    .expect("the awaited event came")
}

fn job_is(job: JobId, status: JobStatus) -> impl Fn(&QueueEvent) -> bool {
    move |event| matches!(event, QueueEvent::Job { job_id, status: s, .. } if *job_id == job && *s == status)
}

async fn reordered_jobs_run_in_the_new_order(db: TestDb) {
    let (_, models) = session_with_models(&db.store, "order", 6, 1).await;
    let runner = Arc::new(RecordingRunner::new(1, Duration::from_millis(1)));
    let queue = scheduler(&db.store, &runner, config());
    let mut jobs = Vec::new();
    for model in &models[..5] {
        jobs.push(queue.enqueue(*model, None, None).await.unwrap().id);
    }
    queue.enqueue(models[5], Some(0), None).await.unwrap();
    queue.move_job(jobs[4], 1).await.unwrap();
    queue.move_job(jobs[0], 4).await.unwrap();
    assert_eq!(queue.cancel(jobs[2]).await.unwrap(), JobStatus::Cancelled);
    queue.run(RunUntil::Empty).await.unwrap();
    assert_eq!(
        runner.started(),
        [models[5], models[4], models[1], models[0], models[3]]
    );
    for (index, job) in jobs.iter().enumerate() {
        let expected = if index == 2 {
            JobStatus::Cancelled
        } else {
            JobStatus::Done
        };
        assert_eq!(db.store.job(*job).await.unwrap().status, expected);
    }
    // Running again finds nothing to do.
    queue.run(RunUntil::Empty).await.unwrap();
    assert_eq!(runner.started().len(), 5);
}

async fn cancelling_a_running_job_stops_it_and_the_queue_goes_on(db: TestDb) {
    let (session, models) = session_with_models(&db.store, "cancel", 3, 3).await;
    let runner = Arc::new(RecordingRunner::new(1000, Duration::from_millis(5)));
    let queue = scheduler(&db.store, &runner, config());
    let long = queue.enqueue(models[0], None, None).await.unwrap().id;
    let mut events = queue.subscribe();
    let background = tokio::spawn({
        let queue = queue.clone();
        async move { queue.run(RunUntil::Empty).await }
    });
    wait_for(
        &mut events,
        |event| matches!(event, QueueEvent::Batch { job_id, batch: 2.., .. } if *job_id == long),
    )
    .await;
    // Queue two more while the first trains; they must run after it stops.
    let short_runner_models = [models[1], models[2]];
    let mut later = Vec::new();
    for model in short_runner_models {
        later.push(queue.enqueue(model, None, None).await.unwrap().id);
    }
    assert_eq!(queue.cancel(long).await.unwrap(), JobStatus::Running);
    wait_for(&mut events, job_is(long, JobStatus::Cancelled)).await;
    // The remaining jobs are long too: cancel them as soon as they start, from the store's
    // side (as another process would), to exercise the heartbeat's cancel path.
    for job in &later {
        wait_for(&mut events, job_is(*job, JobStatus::Running)).await;
        assert_eq!(db.store.cancel_job(*job).await.unwrap(), JobStatus::Running);
        wait_for(&mut events, job_is(*job, JobStatus::Cancelled)).await;
    }
    background.await.unwrap().unwrap();
    assert_eq!(runner.started(), models, "jobs ran in queue order");
    let trained = runner.epochs_trained.lock().unwrap().clone();
    assert!(
        trained.is_empty(),
        "each stopped within its first epoch: {trained:?}"
    );
    let runs = db.store.runs(session.id).await.unwrap();
    assert_eq!(runs.len(), 3);
    assert!(runs.iter().all(|run| run.status == JobStatus::Cancelled));
}

async fn pause_holds_new_jobs_until_resume(db: TestDb) {
    let (_, models) = session_with_models(&db.store, "pause", 2, 1).await;
    let runner = Arc::new(RecordingRunner::new(1, Duration::from_millis(1)));
    let queue = scheduler(&db.store, &runner, config());
    let mut events = queue.subscribe();
    queue.pause();
    assert!(queue.is_paused());
    // Queued before the scheduler runs, so that its first look at the queue finds the job.
    let first = queue.enqueue(models[0], None, None).await.unwrap().id;
    let background = tokio::spawn({
        let queue = queue.clone();
        async move { queue.run(RunUntil::Stopped).await }
    });
    tokio::time::timeout(Duration::from_secs(20), queue.until_paused())
        .await
        .expect("the scheduler looked at the paused queue");
    assert!(runner.started().is_empty(), "nothing starts while paused");
    assert_eq!(db.store.job(first).await.unwrap().status, JobStatus::Queued);
    queue.resume();
    wait_for(&mut events, job_is(first, JobStatus::Done)).await;
    let second = queue.enqueue(models[1], None, None).await.unwrap().id;
    wait_for(&mut events, job_is(second, JobStatus::Done)).await;
    queue.stop();
    background.await.unwrap().unwrap();
    assert_eq!(runner.started(), models);
}

async fn pause_stops_running_jobs_which_resume_from_their_checkpoints(db: TestDb) {
    let (session, models) = session_with_models(&db.store, "pause-now", 2, 3).await;
    let jobs_session = session.id;
    let runner = Arc::new(RecordingRunner::new(5, Duration::from_millis(40)));
    let mut config = config();
    config.concurrency = 2;
    let queue = scheduler(&db.store, &runner, config);
    let jobs = [
        queue.enqueue(models[0], None, None).await.unwrap().id,
        queue.enqueue(models[1], None, None).await.unwrap().id,
    ];
    let background = tokio::spawn({
        let queue = queue.clone();
        async move { queue.run(RunUntil::Stopped).await }
    });
    // Both train; pause once each has a checkpoint (epoch 1 done).
    let has_checkpoint = |model: i64| {
        runner
            .epochs_trained
            .lock()
            .unwrap()
            .iter()
            .any(|(m, _)| *m == model)
    };
    tokio::time::timeout(Duration::from_secs(20), async {
        while !models.iter().all(|m| has_checkpoint(*m)) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("both jobs checkpointed an epoch");
    let paused_at = std::time::Instant::now();
    queue.pause();
    tokio::time::timeout(Duration::from_secs(20), queue.until_paused())
        .await
        .expect("both jobs stopped");
    assert!(queue.running_jobs().is_empty());
    for job in jobs {
        let status = db.store.job(job).await.unwrap().status;
        assert_eq!(
            status,
            JobStatus::Queued,
            "job {job} went back to the queue"
        );
    }
    // Within a batch or two (40 ms each), not the rest of the run (3 epochs × 5 batches).
    assert!(
        paused_at.elapsed() < Duration::from_millis(400),
        "{:?}",
        paused_at.elapsed()
    );
    let trained_before = runner.epochs_trained.lock().unwrap().clone();
    queue.resume();
    tokio::time::timeout(Duration::from_secs(20), async {
        while db
            .store
            .jobs(jobs_session)
            .await
            .unwrap()
            .iter()
            .any(|j| j.status != JobStatus::Done)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("both jobs finished after resuming");
    queue.stop();
    background.await.unwrap().unwrap();
    // Each epoch trained once: the resumed attempts started after the checkpointed epochs.
    let trained = runner.epochs_trained.lock().unwrap().clone();
    for model in models {
        let epochs: Vec<u32> = trained
            .iter()
            .filter(|(m, _)| *m == model)
            .map(|(_, e)| *e)
            .collect();
        assert_eq!(
            epochs,
            [1, 2, 3],
            "model {model}: {trained:?} (before pause {trained_before:?})"
        );
    }
}

/// Each model's job status and epochs trained, in the order of `models`.
async fn job_states(
    store: &Store,
    session: remap_store::SessionId,
    models: &[remap_store::ModelId],
) -> Vec<(JobStatus, u32)> {
    let jobs = store.jobs(session).await.unwrap();
    models
        .iter()
        .map(|model| {
            let job = jobs.iter().find(|job| job.model_id == *model).unwrap();
            (job.status, job.epochs_done)
        })
        .collect()
}

async fn screening_promotes_the_top_third_as_results_arrive(db: TestDb) {
    // The recording runner's accuracy grows with the model id: later models are better.
    let (session, models) = session_with_models(&db.store, "screened", 6, 10).await;
    let runner = Arc::new(RecordingRunner::new(1, Duration::from_millis(1)));
    let queue = scheduler(&db.store, &runner, config());
    for model in &models {
        queue.enqueue(*model, None, Some(1)).await.unwrap();
    }
    queue.run(RunUntil::Empty).await.unwrap();
    let state = job_states(&db.store, session.id, &models).await;
    // Rung 1 (one at a time): the best of the first three goes on at the third result, then
    // each new best; at six, the top two. Rung 3: the same rule over those four.
    assert_eq!(
        state,
        [
            (JobStatus::Screened, 1),
            (JobStatus::Screened, 1),
            (JobStatus::Screened, 3),
            (JobStatus::Screened, 3),
            (JobStatus::Done, 10),
            (JobStatus::Done, 10),
        ]
    );
    // A rung's result is a run like any other; the promoted job continued its checkpoint.
    let trained = runner.epochs_trained.lock().unwrap().clone();
    let of_best: Vec<u32> = trained
        .iter()
        .filter(|(m, _)| *m == models[5])
        .map(|(_, e)| *e)
        .collect();
    assert_eq!(of_best, (1..=10).collect::<Vec<_>>());
    let runs = db.store.runs(session.id).await.unwrap();
    assert_eq!(
        runs.iter().filter(|run| run.model_id == models[5]).count(),
        3
    );
    assert_eq!(
        runs.iter().filter(|run| run.model_id == models[0]).count(),
        1
    );
}

/// Ranks runs opposite to the recording runner's accuracy: earlier models are better.
struct EarlierIsBetter;

#[async_trait::async_trait]
impl Objective for EarlierIsBetter {
    async fn scorer(&self, _session: &Session) -> Result<Option<RunScore>, String> {
        Ok(Some(Box::new(|run| Some(-(run.model_id as f64)))))
    }
}

async fn screening_ranks_by_the_objective_where_one_is_set(db: TestDb) {
    let (session, models) = session_with_models(&db.store, "objective", 6, 10).await;
    let runner = Arc::new(RecordingRunner::new(1, Duration::from_millis(1)));
    let queue = scheduler(&db.store, &runner, config());
    queue.set_objective(Arc::new(EarlierIsBetter));
    for model in &models {
        queue.enqueue(*model, None, Some(1)).await.unwrap();
    }
    queue.run(RunUntil::Empty).await.unwrap();
    let state = job_states(&db.store, session.id, &models).await;
    // Rung 1: the first model goes on at the third result, the second at the sixth; rung 3:
    // once both are there, the first (the better by the objective) goes on to the end.
    assert_eq!(
        state,
        [
            (JobStatus::Done, 10),
            (JobStatus::Screened, 3),
            (JobStatus::Screened, 1),
            (JobStatus::Screened, 1),
            (JobStatus::Screened, 1),
            (JobStatus::Screened, 1),
        ]
    );
}

async fn train_to_end_continues_a_screened_job(db: TestDb) {
    let (_, models) = session_with_models(&db.store, "to-the-end", 1, 4).await;
    let runner = Arc::new(RecordingRunner::new(1, Duration::from_millis(1)));
    let queue = scheduler(&db.store, &runner, config());
    // A lone model at rung 1 of [1, 4], with nobody pending, is the best of its cohort: it
    // goes on to the end by itself.
    let job = queue.enqueue(models[0], None, Some(1)).await.unwrap().id;
    queue.run(RunUntil::Empty).await.unwrap();
    assert_eq!(db.store.job(job).await.unwrap().status, JobStatus::Done);
    assert_eq!(db.store.job(job).await.unwrap().epochs_done, 4);

    // Four more in another session: the best one goes on, the worst stays screened.
    let (_, more) = session_with_models(&db.store, "to-the-end-2", 4, 4).await;
    let jobs: Vec<JobId> = {
        let mut jobs = Vec::new();
        for model in &more {
            jobs.push(queue.enqueue(*model, None, Some(1)).await.unwrap().id);
        }
        jobs
    };
    queue.run(RunUntil::Empty).await.unwrap();
    let screened = jobs[0];
    assert_eq!(
        db.store.job(screened).await.unwrap().status,
        JobStatus::Screened
    );
    assert!(
        queue.train_to_end(jobs[3]).await.unwrap().is_none(),
        "not screened"
    );
    let queued = queue.train_to_end(screened).await.unwrap().unwrap();
    assert_eq!(queued.status, JobStatus::Queued);
    queue.run(RunUntil::Empty).await.unwrap();
    let done = db.store.job(screened).await.unwrap();
    assert_eq!((done.status, done.epochs_done), (JobStatus::Done, 4));
}

async fn several_jobs_run_at_once(db: TestDb) {
    let (_, models) = session_with_models(&db.store, "parallel", 6, 1).await;
    let runner = Arc::new(RecordingRunner::new(4, Duration::from_millis(40)));
    let mut config = config();
    config.concurrency = 3;
    let queue = scheduler(&db.store, &runner, config);
    for model in &models {
        queue.enqueue(*model, None, None).await.unwrap();
    }
    queue.run(RunUntil::Empty).await.unwrap();
    assert_eq!(
        runner.max_active.load(std::sync::atomic::Ordering::SeqCst),
        3
    );
    let mut started = runner.started();
    assert_eq!(
        &started[..3]
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        &models[..3].iter().copied().collect()
    );
    started.sort_unstable();
    assert_eq!(started, models);
}

async fn failed_jobs_keep_their_reason_and_can_be_retried(db: TestDb) {
    let (_, models) = session_with_models(&db.store, "fail", 2, 2).await;
    let runner = Arc::new(RecordingRunner::new(1, Duration::from_millis(1)));
    runner.fail_once.lock().unwrap().insert(models[0]);
    let queue = scheduler(&db.store, &runner, config());
    let failing = queue.enqueue(models[0], None, None).await.unwrap().id;
    let fine = queue.enqueue(models[1], None, None).await.unwrap().id;
    queue.run(RunUntil::Empty).await.unwrap();
    assert_eq!(
        db.store.job(failing).await.unwrap().status,
        JobStatus::Failed
    );
    assert_eq!(db.store.job(fine).await.unwrap().status, JobStatus::Done);
    let failed_run = &db.store.runs_of_model(models[0]).await.unwrap()[0];
    assert_eq!(
        failed_run.error.as_deref(),
        Some(&*format!("model {}: out of memory (test)", models[0]))
    );

    let retried = queue.retry(failing).await.unwrap();
    assert_eq!(retried.status, JobStatus::Queued);
    assert!(
        queue.retry(fine).await.is_err(),
        "a done job is not retried"
    );
    queue.run(RunUntil::Empty).await.unwrap();
    assert_eq!(runner.started(), [models[0], models[1], models[0]]);
    let runs = db.store.runs_of_model(models[0]).await.unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| (r.status, r.attempt))
            .collect::<Vec<_>>(),
        [(JobStatus::Failed, 1), (JobStatus::Done, 2)]
    );
    assert_eq!(runs[1].epochs.len(), 2);
}

async fn a_clean_stop_requeues_and_the_next_run_resumes(db: TestDb) {
    let (session, models) = session_with_models(&db.store, "stop", 1, 4).await;
    let runner = Arc::new(RecordingRunner::new(5, Duration::from_millis(10)));
    let queue = scheduler(&db.store, &runner, config());
    let job = queue.enqueue(models[0], None, None).await.unwrap().id;
    let mut events = queue.subscribe();
    let background = tokio::spawn({
        let queue = queue.clone();
        async move { queue.run(RunUntil::Empty).await }
    });
    wait_for(&mut events, |event| matches!(event, QueueEvent::Epoch { job_id, metrics, .. } if *job_id == job && metrics.epoch == 2)).await;
    queue.stop();
    background.await.unwrap().unwrap();
    let stopped = db.store.job(job).await.unwrap();
    assert_eq!(
        stopped.status,
        JobStatus::Queued,
        "a stopped job goes back to the queue"
    );
    assert!(stopped.epochs_done >= 2);
    assert!(db.store.runs(session.id).await.unwrap().is_empty());

    let queue = scheduler(&db.store, &runner, config());
    queue.run(RunUntil::Empty).await.unwrap();
    let trained: Vec<u32> = runner
        .epochs_trained
        .lock()
        .unwrap()
        .iter()
        .map(|(_, epoch)| *epoch)
        .collect();
    assert_eq!(
        trained,
        [1, 2, 3, 4],
        "resumed after the last checkpoint; no epoch trained twice"
    );
    let runs = db.store.runs(session.id).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        runs[0].epochs.iter().map(|e| e.epoch).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(
        !db.store.checkpoint_path(job).exists(),
        "the checkpoint is gone once the result is stored"
    );
}

async fn events_follow_persisted_state(db: TestDb) {
    let (_, models) = session_with_models(&db.store, "events", 2, 2).await;
    let runner = Arc::new(RecordingRunner::new(20, Duration::from_millis(20)));
    let queue = scheduler(&db.store, &runner, config());
    let mut events = queue.subscribe();
    for model in &models {
        queue.enqueue(*model, None, None).await.unwrap();
    }
    let background = tokio::spawn({
        let queue = queue.clone();
        async move { queue.run(RunUntil::Empty).await }
    });
    let mut batch_events = 0;
    let mut last_eta = None;
    let mut epochs = 0;
    loop {
        match events.recv().await.unwrap() {
            QueueEvent::Job { job_id, status, .. } => {
                // Persisted before announced: the store already says so. (A later state may
                // already be stored too, never an earlier one.)
                let stored = db.store.job(job_id).await.unwrap().status;
                let rank = |s: JobStatus| match s {
                    JobStatus::Queued => 0,
                    JobStatus::Running => 1,
                    _ => 2,
                };
                assert!(
                    rank(stored) >= rank(status),
                    "announced {status}, stored {stored}"
                );
            }
            QueueEvent::Batch { eta_seconds, .. } => {
                batch_events += 1;
                last_eta = eta_seconds;
            }
            QueueEvent::Epoch {
                job_id, metrics, ..
            } => {
                epochs += 1;
                let stored = db.store.job(job_id).await.unwrap();
                assert!(
                    stored.progress.iter().any(|e| e.epoch == metrics.epoch),
                    "epoch stored before it is announced"
                );
            }
            QueueEvent::Idle => break,
            _ => {}
        }
    }
    background.await.unwrap().unwrap();
    assert_eq!(epochs, 4);
    // 80 batches over ~1.6 s at most 4 per second per job plus each epoch's last batch.
    assert!(
        (4..=20).contains(&batch_events),
        "{batch_events} batch events"
    );
    assert!(
        last_eta.is_some_and(|eta| (0.0..5.0).contains(&eta)),
        "{last_eta:?}"
    );
}
