//! Sessions end to end on SQLite: create (sample + queue), train the queue with the real
//! burn trainer on the CPU, resume from a checkpoint, queue children without duplicates.

use std::sync::{Arc, Mutex};

use remap_sampling::{AblationRequest, VariationRequest};
use remap_session::{
    DataOptions, SessionError, SessionSpec, TrainerRunner, TrainingSettings, create_session,
    generate_ablations, generate_variations, model_rows, session_space,
};
use remap_store::{
    CancelFlag, JobRunner, JobSpec, JobStatus, Location, Origin, Progress, RunError, RunUntil,
    Scheduler, SchedulerConfig, Store,
};
use remap_training::DeviceChoice;

/// 10 classes × 30 sketches: 240 training and 60 held-out images.
fn small_spec(name: &str, models: usize, epochs: u32) -> SessionSpec {
    SessionSpec {
        data: DataOptions {
            per_class: 30,
            ..DataOptions::default()
        },
        training: TrainingSettings {
            epochs,
            batch: Some(64),
            device: DeviceChoice::Cpu,
            ..TrainingSettings::default()
        },
        models,
        seed: 7,
        // Small nets keep the test fast.
        max_params: 50_000,
        ..SessionSpec::new(name, "sketches")
    }
}

/// A queue over `store` that is not running: what creating and generating announce to.
fn queue(store: &Store) -> Scheduler {
    let runner = Arc::new(TrainerRunner::new());
    Scheduler::new(store.clone(), runner, SchedulerConfig::new("test"))
}

async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&Location::Sqlite(dir.path().join("remap.db")))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_samples_queues_trains_and_queues_children() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (session, queued) = create_session(&queue(&store), &small_spec("s", 3, 1))
        .await
        .unwrap();
    assert_eq!(queued.len(), 3);
    let models = store.models(session.id).await.unwrap();
    assert_eq!(models.len(), 3);
    assert!(
        models
            .iter()
            .all(|m| m.origin == Origin::Sampled && m.epochs == 1)
    );
    let jobs = store.jobs(session.id).await.unwrap();
    assert!(jobs.iter().all(|j| j.status == JobStatus::Queued));

    // The same seed samples the same models.
    let (again, _) = create_session(&queue(&store), &small_spec("t", 3, 1))
        .await
        .unwrap();
    let hashes = |ms: &[remap_store::Model]| ms.iter().map(|m| m.hash.clone()).collect::<Vec<_>>();
    assert_eq!(
        hashes(&store.models(again.id).await.unwrap()),
        hashes(&models)
    );
    assert!(
        create_session(&queue(&store), &small_spec("s", 3, 1))
            .await
            .is_err()
    );

    let mut config = SchedulerConfig::new("test");
    config.scope = vec![session.id];
    let runner = TrainerRunner::new();
    Scheduler::new(store.clone(), Arc::new(runner.clone()), config)
        .run(RunUntil::Empty)
        .await
        .unwrap();
    assert_eq!(runner.data().len(), 1, "the data set is loaded once");

    let runs = store.runs(session.id).await.unwrap();
    assert_eq!(runs.len(), 3);
    for run in &runs {
        assert_eq!(run.status, JobStatus::Done, "{:?}", run.error);
        assert_eq!(run.epochs.len(), 1);
        assert_eq!(run.predictions.as_ref().unwrap().len(), 60);
        assert_eq!(run.per_class_accuracy.as_ref().unwrap().len(), 10);
        let confusion = run.confusion.as_ref().unwrap();
        assert_eq!(confusion.iter().flatten().sum::<u64>(), 60);
        assert!(!store.weights(run).await.unwrap().is_empty());
        assert!(run.device.starts_with("cpu"), "{}", run.device);
    }
    let rows = model_rows(&store, session.id).await.unwrap();
    assert!(rows.iter().all(|r| r.status == Some(JobStatus::Done)
        && r.epochs_done == 1
        && r.val_accuracy.is_some()));
    let leftovers: Vec<_> = std::fs::read_dir(store.files_dir().join("checkpoints"))
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "checkpoints left: {leftovers:?}");

    // Children: stored with lineage, queued for the parent's epochs, never duplicated.
    let parent = models
        .iter()
        .find(|m| m.architecture.layers.len() >= 2)
        .expect("a parent with hidden layers");
    let ablations = generate_ablations(&queue(&store), parent.id, &AblationRequest::default())
        .await
        .unwrap();
    assert!(!ablations.queued.is_empty());
    for (child, job) in &ablations.queued {
        assert_eq!(child.parent_id, Some(parent.id));
        assert_eq!(child.origin, Origin::Ablation);
        assert_eq!(child.epochs, parent.epochs);
        assert!(!child.changes.is_empty());
        assert_eq!(job.status, JobStatus::Queued);
    }
    let repeated = generate_ablations(&queue(&store), parent.id, &AblationRequest::default())
        .await
        .unwrap();
    assert!(
        repeated.queued.is_empty(),
        "existing hashes are not queued again"
    );
    let variations = generate_variations(
        &queue(&store),
        parent.id,
        &VariationRequest {
            count: 2,
            seed: 1,
            ..VariationRequest::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(variations.queued.len(), 2);
    assert!(
        variations
            .queued
            .iter()
            .all(|(c, _)| c.origin == Origin::Variation && c.parent_id == Some(parent.id))
    );
    let all = store.models(session.id).await.unwrap();
    let mut distinct: Vec<_> = all.iter().map(|m| &m.hash).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), all.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_job_resumes_from_its_last_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let (session, queued) = create_session(&queue(&store), &small_spec("r", 1, 2))
        .await
        .unwrap();
    let (model, _) = queued.into_iter().next().unwrap();
    let job = store
        .claim_next("test", &[session.id])
        .await
        .unwrap()
        .unwrap();
    let spec = JobSpec {
        job: job.clone(),
        session: session.clone(),
        model,
        checkpoint_path: store.checkpoint_path(job.id),
    };
    let runner = TrainerRunner::new();

    // Stop as soon as the first epoch is reported: the run ends within one batch.
    let cancel = CancelFlag::new();
    let seen = Mutex::new(Vec::new());
    let first = runner
        .run(
            &spec,
            &|p: Progress| {
                if let Progress::Epoch(m) = &p {
                    cancel.cancel();
                    seen.lock().unwrap().push(m.clone());
                }
            },
            &cancel,
        )
        .await;
    assert_eq!(first, Err(RunError::Stopped));
    let first_epochs = seen.lock().unwrap().clone();
    assert_eq!(first_epochs.len(), 1);

    // Resumed: only epoch 2 is trained, and the outcome has both.
    let seen = Mutex::new(Vec::new());
    let outcome = runner
        .run(
            &spec,
            &|p: Progress| {
                if let Progress::Epoch(m) = p {
                    seen.lock().unwrap().push(m.epoch);
                }
            },
            &CancelFlag::new(),
        )
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![2]);
    assert_eq!(outcome.epochs.len(), 2);
    assert_eq!(outcome.epochs[0], first_epochs[0]);
    assert!(outcome.weights.is_some());
}

#[tokio::test]
async fn a_session_keeps_its_own_search_space() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let mut spec = small_spec("s", 1, 1);
    spec.space = remap_sampling::SearchSpace::from_name_or_file("remap-2019").unwrap();
    let (session, _) = create_session(&queue(&store), &spec).await.unwrap();
    let stored = session_space(&store, session.id).await.unwrap();
    assert_eq!(
        serde_json::to_value(&stored).unwrap(),
        serde_json::to_value(&spec.space).unwrap()
    );
    assert!(session_space(&store, 999).await.is_err());
}

#[tokio::test]
async fn a_missing_data_set_is_a_clear_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir).await;
    let missing = dir.path().join("gone");
    let spec = SessionSpec::new("x", format!("folder:{}", missing.display()));
    let error = create_session(&queue(&store), &spec).await.unwrap_err();
    assert!(matches!(error, SessionError::Dataset { .. }), "{error}");
    assert!(error.to_string().contains("gone"), "{error}");
    assert!(store.sessions().await.unwrap().is_empty());
}
