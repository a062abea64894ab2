//! The store's tables, on SQLite and PostgreSQL.

mod common;

use common::{TestDb, new_session, sampled, session_with_models};
use remap_store::{JobStatus, NewModel, Origin, RunRecord, StoreError};

on_both_databases!(
    sessions,
    rename_and_delete_sessions,
    models,
    drawer_templates_and_caches,
    queue_state,
    claims_are_exclusive,
    finishing_is_guarded,
    everything_survives_reopening
);

async fn sessions(db: TestDb) {
    let store = &db.store;
    let created = store.create_session(&new_session("demo")).await.unwrap();
    assert_eq!(
        created.seed,
        u64::MAX - 7,
        "the seed's full 64 bits survive a signed column"
    );
    assert_eq!(created.budget, Some(100_000));
    assert_eq!(store.session_by_name("demo").await.unwrap(), created);
    let unbudgeted = store
        .update_session(&remap_store::Session {
            budget: None,
            ..created.clone()
        })
        .await
        .unwrap();
    assert_eq!(unbudgeted.budget, None);
    let created = store
        .update_session(&remap_store::Session {
            budget: Some(100_000),
            ..unbudgeted
        })
        .await
        .unwrap();
    assert!(matches!(
        store.create_session(&new_session("demo")).await,
        Err(StoreError::SessionExists(_))
    ));
    let unknown = store.session_by_name("nope").await.unwrap_err();
    assert!(matches!(unknown, StoreError::UnknownSession(_)));
    assert!(
        unknown.to_string().contains("unknown session `nope`"),
        "{unknown}"
    );
    store.create_session(&new_session("second")).await.unwrap();
    let names: Vec<_> = store
        .sessions()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["demo", "second"]);
    let mut changed = created.clone();
    changed.training = serde_json::json!({"batch_size": 32});
    let updated = store.update_session(&changed).await.unwrap();
    assert_eq!(updated.training, changed.training);
    assert_eq!(updated.name, "demo");
}

async fn rename_and_delete_sessions(db: TestDb) {
    let store = &db.store;
    let (kept, _) = session_with_models(store, "kept", 1, 1).await;
    let (doomed, models) = session_with_models(store, "doomed", 2, 1).await;
    store.enqueue(models[0], None, None).await.unwrap();
    store.add_to_drawer(models[1]).await.unwrap();

    let renamed = store.rename_session(kept.id, "  renamed ").await.unwrap();
    assert_eq!(renamed.name, "renamed");
    assert_eq!(store.session(kept.id).await.unwrap().name, "renamed");
    assert!(matches!(
        store.rename_session(kept.id, "doomed").await,
        Err(StoreError::SessionExists(_))
    ));
    assert!(matches!(
        store.rename_session(kept.id, " ").await,
        Err(StoreError::Invalid(_))
    ));

    store.delete_session(doomed.id).await.unwrap();
    assert!(store.find_session("doomed").await.unwrap().is_none());
    assert!(store.models(doomed.id).await.unwrap().is_empty());
    assert!(store.jobs(doomed.id).await.unwrap().is_empty());
    assert!(matches!(
        store.model(models[0]).await,
        Err(StoreError::UnknownModel(_))
    ));
    assert_eq!(store.models(kept.id).await.unwrap().len(), 1);
    assert!(matches!(
        store.delete_session(doomed.id).await,
        Err(StoreError::UnknownSession(_))
    ));
}

async fn models(db: TestDb) {
    let store = &db.store;
    let (session, ids) = session_with_models(store, "m", 3, 2).await;
    let first = store.model(ids[0]).await.unwrap();
    let architecture = common::architecture(0);
    assert_eq!(first.architecture, architecture);
    assert_eq!(first.hash, architecture.hash());
    assert_eq!(first.params, architecture.params().unwrap());
    assert_eq!(first.origin, Origin::Sampled);

    let (again, created) = store.add_model(session.id, &sampled(0, 5)).await.unwrap();
    assert!(
        !created,
        "the same architecture is not stored twice in a session"
    );
    assert_eq!(again.id, first.id);

    let child = NewModel {
        architecture: common::architecture(40),
        origin: Origin::Variation,
        parent_id: Some(first.id),
        changes: vec!["conv2d(k3,f4) → conv2d(k3,f44)".into()],
        epochs: 2,
    };
    let (child, created) = store.add_model(session.id, &child).await.unwrap();
    assert!(created);
    assert_eq!(
        store.model(child.id).await.unwrap().changes,
        ["conv2d(k3,f4) → conv2d(k3,f44)"]
    );
    assert_eq!(store.children(first.id).await.unwrap(), vec![child.clone()]);
    assert_eq!(store.models(session.id).await.unwrap().len(), 4);

    let other = store.create_session(&new_session("other")).await.unwrap();
    let foreign = NewModel {
        parent_id: Some(first.id),
        ..sampled(7, 1)
    };
    assert!(matches!(
        store.add_model(other.id, &foreign).await,
        Err(StoreError::WrongSession { .. })
    ));
    assert!(matches!(
        store.model(9999).await,
        Err(StoreError::UnknownModel(9999))
    ));
}

async fn drawer_templates_and_caches(db: TestDb) {
    let store = &db.store;
    let (session, ids) = session_with_models(store, "d", 3, 1).await;
    for id in [ids[2], ids[0], ids[1], ids[0]] {
        store.add_to_drawer(id).await.unwrap();
    }
    assert_eq!(
        store.drawer(session.id).await.unwrap(),
        [ids[2], ids[0], ids[1]]
    );
    store
        .reorder_drawer(session.id, &[ids[1], ids[2], ids[0]])
        .await
        .unwrap();
    assert_eq!(
        store.drawer(session.id).await.unwrap(),
        [ids[1], ids[2], ids[0]]
    );
    assert!(store.reorder_drawer(session.id, &[ids[1]]).await.is_err());
    store.remove_from_drawer(ids[2]).await.unwrap();
    assert_eq!(store.drawer(session.id).await.unwrap(), [ids[1], ids[0]]);

    store
        .save_template("lenet", &common::architecture(1))
        .await
        .unwrap();
    store
        .save_template("alpha", &common::architecture(2))
        .await
        .unwrap();
    store
        .save_template("lenet", &common::architecture(3))
        .await
        .unwrap();
    let templates = store.templates().await.unwrap();
    assert_eq!(
        templates
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["alpha", "lenet"]
    );
    assert_eq!(templates[1].architecture, common::architecture(3));
    store.delete_template("alpha").await.unwrap();
    assert!(matches!(
        store.delete_template("alpha").await,
        Err(StoreError::UnknownTemplate(_))
    ));

    assert_eq!(store.cached(session.id, "otmann").await.unwrap(), None);
    let matrix: Vec<u8> = (0..=255).collect();
    store
        .put_cached(session.id, "otmann", &ids, &matrix)
        .await
        .unwrap();
    store
        .put_cached(session.id, "otmann", &ids[..2], &matrix[..4])
        .await
        .unwrap();
    let cached = store.cached(session.id, "otmann").await.unwrap().unwrap();
    assert_eq!(cached.model_ids, ids[..2]);
    assert_eq!(cached.data, matrix[..4]);
}

async fn queue_state(db: TestDb) {
    let store = &db.store;
    let (session, ids) = session_with_models(store, "q", 5, 1).await;
    let mut jobs = Vec::new();
    for id in &ids[..4] {
        jobs.push(store.enqueue(*id, None, None).await.unwrap().id);
    }
    // At index 1 among queued jobs: between the first and the second.
    let inserted = store.enqueue(ids[4], Some(1), None).await.unwrap().id;
    let queued = |jobs: Vec<remap_store::Job>| {
        jobs.into_iter()
            .filter(|j| j.status == JobStatus::Queued)
            .map(|j| j.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        queued(store.jobs(session.id).await.unwrap()),
        [jobs[0], inserted, jobs[1], jobs[2], jobs[3]]
    );
    store.move_job(jobs[3], 0).await.unwrap();
    store.move_job(jobs[0], 99).await.unwrap();
    assert_eq!(
        queued(store.jobs(session.id).await.unwrap()),
        [jobs[3], inserted, jobs[1], jobs[2], jobs[0]]
    );

    assert_eq!(
        store.cancel_job(inserted).await.unwrap(),
        JobStatus::Cancelled
    );
    assert!(matches!(
        store.move_job(inserted, 0).await,
        Err(StoreError::JobState { .. })
    ));
    assert!(matches!(
        store.cancel_job(inserted).await,
        Err(StoreError::JobState { .. })
    ));

    let claimed = store
        .claim_next("w1", &[session.id])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (claimed.id, claimed.status, claimed.attempts),
        (jobs[3], JobStatus::Running, 1)
    );
    assert_eq!(claimed.claimed_by.as_deref(), Some("w1"));
    assert!(matches!(
        store.retry_job(claimed.id).await,
        Err(StoreError::JobState { .. })
    ));
    // Cancelling a running job only asks its worker to stop.
    assert_eq!(
        store.cancel_job(claimed.id).await.unwrap(),
        JobStatus::Running
    );
    assert_eq!(
        store.heartbeat(&claimed, "w1").await.unwrap(),
        remap_store::Heartbeat::Held {
            cancel_requested: true
        }
    );
    assert_eq!(
        store.heartbeat(&claimed, "w2").await.unwrap(),
        remap_store::Heartbeat::Lost
    );

    // A retried job goes to the end of the queue.
    let retried = store.retry_job(inserted).await.unwrap();
    assert_eq!(retried.status, JobStatus::Queued);
    assert_eq!(
        queued(store.jobs(session.id).await.unwrap()),
        [jobs[1], jobs[2], jobs[0], inserted]
    );

    // A worker that died holding a job: its own restart takes it back at once; others
    // only once the heartbeat is stale.
    assert!(
        store
            .requeue_abandoned(Some("w2"), 0, &[])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .requeue_abandoned(None, 0, &[])
            .await
            .unwrap()
            .is_empty()
    );
    let back = store.requeue_abandoned(Some("w1"), 0, &[]).await.unwrap();
    assert_eq!(back.iter().map(|j| j.id).collect::<Vec<_>>(), [claimed.id]);
    let again = store.claim_next("w3", &[]).await.unwrap().unwrap();
    assert_eq!(
        again.id, claimed.id,
        "a requeued job keeps its place at the front"
    );
    assert_eq!(again.attempts, 2);
    let stale = store
        .requeue_abandoned(None, remap_store::now_ms() + 1, &[])
        .await
        .unwrap();
    assert_eq!(stale.len(), 1);
}

async fn claims_are_exclusive(db: TestDb) {
    let (session, ids) = session_with_models(&db.store, "c", 12, 1).await;
    for id in &ids {
        db.store.enqueue(*id, None, None).await.unwrap();
    }
    // Several workers, each with its own connection pool like separate processes would have.
    let mut workers = Vec::new();
    for worker in 0..4 {
        let store = db.reopen().await;
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = store
                .claim_next(&format!("w{worker}"), &[session.id])
                .await
                .unwrap()
            {
                mine.push(job.model_id);
            }
            mine
        }));
    }
    let mut claimed = Vec::new();
    for worker in workers {
        claimed.extend(worker.await.unwrap());
    }
    claimed.sort_unstable();
    assert_eq!(claimed, ids, "every job claimed exactly once");
}

/// On PostgreSQL a claimer skips the row another worker holds locked mid-claim (`FOR UPDATE
/// SKIP LOCKED`) instead of waiting for its transaction, and takes it once released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_claims_skip_a_row_another_worker_is_claiming() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let Some(db) = common::postgres().await else {
        return;
    };
    let (session, ids) = session_with_models(&db.store, "skip", 2, 1).await;
    for id in &ids {
        db.store.enqueue(*id, None, None).await.unwrap();
    }
    let other = db.reopen().await;
    let txn = other.connection().begin().await.unwrap();
    txn.execute_unprepared(
        "SELECT id FROM queue_jobs WHERE status = 'queued' ORDER BY position, id LIMIT 1 FOR UPDATE",
    )
    .await
    .unwrap();
    let scope = [session.id];
    let claim = db.store.claim_next("w1", &scope);
    let job = tokio::time::timeout(std::time::Duration::from_secs(10), claim)
        .await
        .expect("the claim skips the locked row instead of waiting for it")
        .unwrap()
        .unwrap();
    assert_eq!(job.model_id, ids[1]);
    txn.rollback().await.unwrap();
    let first = db.store.claim_next("w2", &[session.id]).await.unwrap();
    assert_eq!(first.map(|j| j.model_id), Some(ids[0]));
}

async fn finishing_is_guarded(db: TestDb) {
    let store = &db.store;
    let (session, ids) = session_with_models(store, "f", 1, 2).await;
    store.enqueue(ids[0], None, None).await.unwrap();
    let first = store
        .claim_next("old", &[session.id])
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .record_epochs(&first, "old", &[common::metrics(ids[0], 1)])
            .await
            .unwrap()
    );
    // The worker looked dead; the job went to another worker.
    store
        .requeue_abandoned(None, remap_store::now_ms() + 1, &[])
        .await
        .unwrap();
    let second = store.claim_next("new", &[]).await.unwrap().unwrap();
    assert_eq!(second.epochs_done, 1, "progress survives the takeover");
    assert_eq!(second.progress, [common::metrics(ids[0], 1)]);

    let record = || RunRecord {
        status: Some(JobStatus::Done),
        epochs: vec![common::metrics(ids[0], 1), common::metrics(ids[0], 2)],
        // A class without held-out images has no accuracy.
        per_class_accuracy: Some(vec![Some(0.25), None]),
        confusion: Some(vec![vec![3, 1], vec![0, 4]]),
        predictions: Some(vec![0, 1, 1, 0, 255]),
        log_probs: Some(vec![7, 0, 255, 255]),
        weights: Some(b"w".to_vec()),
        device: "cpu".into(),
        started_at: 1,
        train_seconds: 2.5,
        error: None,
        host: Some("node-7".into()),
        engine_job: Some("41_1".into()),
    };
    assert!(!store.record_epochs(&first, "old", &[]).await.unwrap());
    assert_eq!(
        store.finish_job(&first, "old", record()).await.unwrap(),
        None,
        "a stale worker stores nothing"
    );
    let run = store
        .finish_job(&second, "new", record())
        .await
        .unwrap()
        .expect("the holder finishes");
    assert_eq!(
        store.finish_job(&second, "new", record()).await.unwrap(),
        None,
        "a result is stored once"
    );
    let runs = store.runs_of_model(ids[0]).await.unwrap();
    assert_eq!(runs, vec![run.clone()]);
    assert_eq!(run.predictions.as_deref(), Some(&[0, 1, 1, 0, 255][..]));
    assert_eq!(run.log_probs.as_deref(), Some(&[7, 0, 255, 255][..]));
    assert_eq!(run.confusion, Some(vec![vec![3, 1], vec![0, 4]]));
    assert_eq!(run.per_class_accuracy, Some(vec![Some(0.25), None]));
    assert_eq!(
        run.val_accuracy(),
        Some(common::metrics(ids[0], 2).val_accuracy)
    );
    assert_eq!(run.attempt, 2);
    assert_eq!(store.weights(&run).await.unwrap(), b"w");
    assert_eq!(run.host.as_deref(), Some("node-7"));
    assert_eq!(run.engine_job.as_deref(), Some("41_1"));
    assert_eq!(store.job(second.id).await.unwrap().status, JobStatus::Done);
    assert_eq!(store.runs(session.id).await.unwrap().len(), 1);
}

async fn everything_survives_reopening(db: TestDb) {
    let (session, ids) = session_with_models(&db.store, "r", 2, 3).await;
    db.store.add_to_drawer(ids[1]).await.unwrap();
    let job = db.store.enqueue(ids[0], None, None).await.unwrap();
    db.store
        .put_cached(session.id, "layout", &ids, b"xy")
        .await
        .unwrap();
    db.store.clone().close().await.unwrap();

    let store = db.reopen().await;
    assert_eq!(store.session_by_name("r").await.unwrap(), session);
    assert_eq!(store.models(session.id).await.unwrap().len(), 2);
    assert_eq!(store.drawer(session.id).await.unwrap(), [ids[1]]);
    assert_eq!(store.job(job.id).await.unwrap(), job);
    assert_eq!(
        store
            .cached(session.id, "layout")
            .await
            .unwrap()
            .unwrap()
            .data,
        b"xy"
    );
}
