//! Suggestions inside a session (spec §10.1) on SQLite: results are recorded through the
//! store's own worker path (claim, then finish with the epochs' metrics), so no model is
//! trained; the surrogate, the generators and the queue are the real ones.

use std::collections::HashSet;

use remap_architecture::{Architecture, Input, Origin};
use remap_sampling::{Sampler, SearchSpace, VariationRequest};
use remap_session::{App, DataOptions, Screening, Suggestion, TrainingSettings};
use remap_store::{
    EpochMetrics, JobStatus, Location, ModelId, NewModel, NewSession, RunRecord, SchedulerConfig,
    SessionId, Store,
};

const WORKER: &str = "recorder";
const BUDGET: u64 = 40_000;
const EPOCHS: u32 = 4;

/// The accuracy recorded for an architecture: a fixed function of its size (best near
/// 5,000 parameters) and depth, so the surrogate has structure to learn and the best model
/// has room under the budget.
fn accuracy(architecture: &Architecture) -> f64 {
    let params = architecture.params().unwrap() as f64;
    let depth = architecture.layers.len() as f64;
    (0.85 - 0.12 * (params / 5_000.0).ln().abs() + 0.005 * depth).clamp(0.05, 0.95)
}

fn epochs(accuracy: f64, n: u32) -> Vec<EpochMetrics> {
    (1..=n)
        .map(|epoch| EpochMetrics {
            epoch,
            train_loss: 1.0 / f64::from(epoch),
            train_accuracy: accuracy,
            val_loss: 1.0 / f64::from(epoch),
            val_accuracy: accuracy * f64::from(epoch) / f64::from(n),
            seconds: 1.0,
        })
        .collect()
}

/// Claims the next queued job of `session` and records a result after `done` of its
/// model's epochs (screened when fewer); returns the model.
async fn record_next(store: &Store, session: SessionId, done: u32) -> ModelId {
    let job = store.claim_next(WORKER, &[session]).await.unwrap().unwrap();
    let model = store.model(job.model_id).await.unwrap();
    let status = if done < model.epochs {
        JobStatus::Screened
    } else {
        JobStatus::Done
    };
    let record = RunRecord {
        status: Some(status),
        epochs: epochs(accuracy(&model.architecture), done),
        device: "cpu".into(),
        ..RunRecord::default()
    };
    store
        .finish_job(&job, WORKER, record)
        .await
        .unwrap()
        .unwrap();
    model.id
}

/// A session of 12 sampled models under the budget: 10 trained to the end, one screened
/// out after one epoch, one still queued.
async fn session(dir: &std::path::Path) -> (App, SessionId) {
    let store = Store::open(&Location::Sqlite(dir.join("remap.db")))
        .await
        .unwrap();
    let app = App::new(store.clone(), SchedulerConfig::new("test"));
    let space = SearchSpace::remap_2019();
    let training = TrainingSettings {
        epochs: EPOCHS,
        screening: Screening::Off,
        ..TrainingSettings::default()
    };
    let session = store
        .create_session(&NewSession {
            name: "suggest".into(),
            dataset: "sketches".into(),
            dataset_options: DataOptions::default().to_value(),
            search_space: serde_json::to_value(&space).unwrap(),
            seed: 11,
            training: training.to_value(),
            budget: Some(BUDGET),
        })
        .await
        .unwrap();
    let input = Input {
        height: 28,
        width: 28,
        channels: 1,
    };
    let mut sampler = Sampler::new(space, input, 5, 11).with_max_params(BUDGET);
    let mut added = 0;
    while added < 12 {
        let (model, created) = store
            .add_model(
                session.id,
                &NewModel {
                    architecture: sampler.sample(),
                    origin: Origin::Sampled,
                    parent_id: None,
                    changes: Vec::new(),
                    epochs: EPOCHS,
                },
            )
            .await
            .unwrap();
        if created {
            app.scheduler().enqueue(model.id, None, None).await.unwrap();
            added += 1;
        }
    }
    for _ in 0..10 {
        record_next(&store, session.id, EPOCHS).await;
    }
    record_next(&store, session.id, 1).await;
    (app, session.id)
}

fn hashes(suggestions: &[Suggestion]) -> Vec<String> {
    suggestions.iter().map(|s| s.hash.clone()).collect()
}

async fn session_hashes(app: &App, session: SessionId) -> HashSet<String> {
    let models = app.store().models(session).await.unwrap();
    models.into_iter().map(|m| m.hash).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggestions_are_new_within_budget_distinct_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (app, session) = session(dir.path()).await;
    let suggestions = app.suggest(session, 4).await.unwrap();
    assert_eq!(suggestions.len(), 4);
    let existing = session_hashes(&app, session).await;
    let distinct: HashSet<String> = hashes(&suggestions).into_iter().collect();
    assert_eq!(distinct.len(), 4, "suggestions differ from each other");
    for s in &suggestions {
        assert!(
            !existing.contains(&s.hash),
            "{} is already trained or queued",
            s.hash
        );
        assert_eq!(s.hash, s.architecture.hash());
        assert_eq!(s.params, s.architecture.params().unwrap());
        assert!(
            s.params <= BUDGET,
            "{} parameters over the budget",
            s.params
        );
        assert!((0.0..=1.0).contains(&s.mean) && s.std > 0.0, "{s:?}");
        assert!(s.acquisition >= 0.0 && s.reason.starts_with("EI "), "{s:?}");
        match s.parent {
            Some(_) => assert!(matches!(s.made_by, Origin::Variation | Origin::Ablation)),
            None => assert_eq!(s.made_by, Origin::Sampled),
        }
        if s.made_by == Origin::Variation {
            assert!(!s.changes.is_empty(), "{s:?}");
        }
    }
    // Greedy: each pick is the best left given those before it, whose pending penalty only
    // lowers what is left.
    assert!(
        suggestions
            .windows(2)
            .all(|w| w[0].acquisition + 1e-12 >= w[1].acquisition),
        "{:?}",
        suggestions
            .iter()
            .map(|s| s.acquisition)
            .collect::<Vec<_>>()
    );
    let again = app.suggest(session, 4).await.unwrap();
    assert_eq!(
        hashes(&again),
        hashes(&suggestions),
        "same state, same suggestions"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_jobs_near_the_best_lower_the_suggestions_acquisition() {
    let dir = tempfile::tempdir().unwrap();
    let (app, session) = session(dir.path()).await;
    let store = app.store();
    // The best model and two variations of it, queued: two workers' pending jobs.
    let runs = store.runs(session).await.unwrap();
    let best = runs
        .iter()
        .filter(|r| r.status == JobStatus::Done)
        .max_by(|a, b| a.val_accuracy().partial_cmp(&b.val_accuracy()).unwrap())
        .unwrap()
        .model_id;
    let near = app
        .queue_variations(
            best,
            &VariationRequest {
                count: 6,
                max_changes: 1,
                seed: 3,
                ..VariationRequest::default()
            },
        )
        .await
        .unwrap();
    assert!(near.models.len() >= 2, "{near:?}");
    // Two stay pending; the others are cancelled (their models stay in both states below).
    for extra in &near.models[2..] {
        app.scheduler().cancel(extra.job).await.unwrap();
    }
    let near = &near.models[..2];
    let with_pending = app.suggest(session, 3).await.unwrap();
    for s in &with_pending {
        assert!(
            near.iter().all(|m| m.hash != s.hash),
            "a suggestion repeats a pending job"
        );
    }

    // The same state without the pending jobs: cancelled, their models stay (the same
    // candidates are made), but nothing is pending any more.
    for m in near {
        app.scheduler().cancel(m.job).await.unwrap();
    }
    let without = app.suggest(session, 3).await.unwrap();
    for s in &with_pending {
        if let Some(free) = without.iter().find(|f| f.hash == s.hash) {
            assert!((free.mean - s.mean).abs() < 1e-9, "pending keeps the means");
        }
    }
    let total = |v: &[Suggestion]| v.iter().map(|s| s.acquisition).sum::<f64>();
    assert!(
        total(&with_pending) < total(&without),
        "pending jobs near the best lower the acquisition: {} vs {}",
        total(&with_pending),
        total(&without)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_suggestions_have_origin_suggested_and_their_parent() {
    let dir = tempfile::tempdir().unwrap();
    let (app, session) = session(dir.path()).await;
    let suggestions = app.suggest(session, 3).await.unwrap();
    let queued = app.queue_suggestions(session, &suggestions).await.unwrap();
    assert_eq!(queued.models.len(), 3);
    for (model, s) in queued.models.iter().zip(&suggestions) {
        assert_eq!(model.origin, Origin::Suggested);
        assert_eq!(model.parent, s.parent);
        assert_eq!(model.hash, s.hash);
        assert_eq!(model.changes, s.changes);
        let stored = app.store().model(model.id).await.unwrap();
        assert_eq!(stored.origin, Origin::Suggested);
        assert_eq!(stored.parent_id, s.parent);
        let job = app.store().job(model.job).await.unwrap();
        assert_eq!(job.status, JobStatus::Queued);
    }
    // Queued once: again, they are skipped; and new suggestions avoid them.
    let twice = app.queue_suggestions(session, &suggestions).await.unwrap();
    assert!(twice.models.is_empty());
    assert_eq!(twice.skipped.len(), 3);
    let next = app.suggest(session, 3).await.unwrap();
    let queued_hashes: HashSet<&str> = queued.models.iter().map(|m| m.hash.as_str()).collect();
    assert!(
        next.iter()
            .all(|s| !queued_hashes.contains(s.hash.as_str()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_without_results_gets_no_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::Sqlite(dir.path().join("remap.db")))
        .await
        .unwrap();
    let app = App::new(store.clone(), SchedulerConfig::new("test"));
    let session = store
        .create_session(&NewSession {
            name: "empty".into(),
            dataset: "sketches".into(),
            dataset_options: DataOptions::default().to_value(),
            search_space: serde_json::to_value(SearchSpace::remap_2019()).unwrap(),
            seed: 1,
            training: TrainingSettings::default().to_value(),
            budget: None,
        })
        .await
        .unwrap();
    let error = app.suggest(session.id, 2).await.unwrap_err().to_string();
    assert!(
        error.contains("session `empty` has no trained model yet"),
        "{error}"
    );
}
