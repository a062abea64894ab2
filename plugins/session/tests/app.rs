//! The application layer's use cases, as the window and the CLI call them, on SQLite and on
//! PostgreSQL, training with the real burn trainer on tiny sketch sessions.

use std::time::Duration;

use remap_sampling::{AblationRequest, VariationRequest};
use remap_session::App;
use remap_session::views::{ArchitectureCheck, NewSessionRequest, OverviewView};
use remap_store::testing::{TestDb, postgres, sqlite};
use remap_store::{JobStatus, QueueEvent, RunUntil, SchedulerConfig};
use tokio::sync::broadcast::Receiver;

/// Runs `$name(TestDb)` once on SQLite and once on PostgreSQL, as two tests.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = super::postgres().await {
                    super::$name(db).await;
                }
            }
        }
    )*};
}

on_both_databases!(
    a_session_is_created_trained_and_shown_on_the_overview,
    generated_children_are_announced_the_moment_they_are_queued,
    deleting_a_session_stops_its_running_job_first,
    the_queue_lists_waiting_jobs_in_order_and_finished_ones_newest_first,
);

fn app(db: &TestDb) -> App {
    let mut config = SchedulerConfig::new("test");
    config.poll_every = Duration::from_millis(50);
    App::new(db.store.clone(), config)
}

/// A small sketch session: 10 classes × 20 images, small nets, batch 64, CPU.
fn request(name: &str, models: usize, epochs: u32) -> NewSessionRequest {
    NewSessionRequest {
        name: name.into(),
        dataset: "sketches".into(),
        models: Some(models),
        epochs: Some(epochs),
        seed: Some(3),
        batch: Some(64),
        device: Some("cpu".into()),
        per_class: Some(20),
        max_params: Some(30_000),
        ..NewSessionRequest::default()
    }
}

/// Waits for the first event that `wanted` accepts (failing after a minute).
async fn until(events: &mut Receiver<QueueEvent>, wanted: impl Fn(&QueueEvent) -> bool) {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(event) if wanted(&event) => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("queue events ended: {e}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), wait)
        .await
        .expect("the awaited queue event within a minute");
}

async fn a_session_is_created_trained_and_shown_on_the_overview(db: TestDb) {
    let app = app(&db);
    let info = app.create_session(&request("demo", 3, 1)).await.unwrap();
    assert_eq!((info.models, info.pending, info.trained), (3, 3, 0));
    assert_eq!(
        info.classes.len(),
        10,
        "the sketches' classes without loading them"
    );
    let before = app.overview(info.id, &[]).await.unwrap();
    assert_eq!(before.models.len(), 3);
    assert!(before.prediction.ids.is_empty() && before.pareto.is_empty());

    app.train(RunUntil::Empty).await.unwrap();
    let ov = app.overview(info.id, &[]).await.unwrap();
    assert_eq!(ov.session.trained, 3);
    let best = ov.session.best.expect("a best model");
    let accuracies: Vec<f64> = ov
        .models
        .iter()
        .filter_map(|m| m.final_accuracy())
        .collect();
    assert_eq!(accuracies.len(), 3);
    assert_eq!(
        best.val_accuracy,
        accuracies.iter().copied().fold(0.0, f64::max)
    );
    for layout in [&ov.prediction, &ov.structure, &ov.size] {
        let mut ids = layout.ids.clone();
        ids.sort_unstable();
        assert_eq!(ids, ov.models.iter().map(|m| m.id).collect::<Vec<_>>());
        assert_eq!(layout.coords.len(), 3);
    }
    assert_eq!(ov.size.view, OverviewView::Size);
    assert!(!ov.pareto.is_empty() && ov.pareto.iter().all(|id| ov.size.ids.contains(id)));

    // The Inspector and the comparison of two models.
    let (a, b) = (ov.models[0].id, ov.models[1].id);
    let detail = app.model_detail(a).await.unwrap();
    assert_eq!(detail.epochs.len(), 1);
    assert_eq!(detail.classes.len(), 10);
    assert_eq!(detail.confusion.as_ref().map(Vec::len), Some(10));
    let comparison = app.compare(a, b).await.unwrap();
    assert_eq!(
        comparison.delta_params,
        ov.models[1].params as i64 - ov.models[0].params as i64
    );
    assert_eq!(comparison.delta_per_class.len(), 10);
    assert!(comparison.delta_per_class.iter().all(Option::is_some));

    // Status as the CLI prints it agrees with the session list.
    let status = app.session_status("demo").await.unwrap();
    assert_eq!(status.counts, vec![(JobStatus::Done, 3)]);
    assert_eq!(app.sessions().await.unwrap(), vec![status.session]);
}

async fn generated_children_are_announced_the_moment_they_are_queued(db: TestDb) {
    let app = app(&db);
    let info = app.create_session(&request("kids", 1, 1)).await.unwrap();
    let parent = app.overview(info.id, &[]).await.unwrap().models[0].clone();
    let mut events = app.scheduler().subscribe();
    let ablations = app
        .queue_ablations(parent.id, &AblationRequest::default())
        .await
        .unwrap();
    assert!(!ablations.models.is_empty());
    let variations = app
        .queue_variations(
            parent.id,
            &VariationRequest {
                count: 2,
                seed: 5,
                ..VariationRequest::default()
            },
        )
        .await
        .unwrap();
    let handcrafted = app
        .queue_handcrafted(
            info.id,
            &serde_json::to_value(&parent.architecture).unwrap(),
            None,
            Some(1),
        )
        .await;
    assert!(
        handcrafted.unwrap_err().to_string().contains("already has"),
        "the parent itself is a duplicate"
    );
    // Every queued child was announced, in the order it was queued, without a poll.
    let queued: Vec<i64> = ablations
        .models
        .iter()
        .chain(&variations.models)
        .map(|m| m.id)
        .collect();
    let mut announced = Vec::new();
    while let Ok(QueueEvent::Job {
        model_id, status, ..
    }) = events.try_recv()
    {
        assert_eq!(status, JobStatus::Queued);
        announced.push(model_id);
    }
    assert_eq!(announced, queued);
    assert!(
        variations
            .models
            .iter()
            .all(|m| m.parent == Some(parent.id))
    );
}

async fn deleting_a_session_stops_its_running_job_first(db: TestDb) {
    let app = app(&db);
    let info = app.create_session(&request("gone", 2, 40)).await.unwrap();
    let mut events = app.scheduler().subscribe();
    let trainer = app.clone();
    let queue = tokio::spawn(async move { trainer.train(RunUntil::Stopped).await });
    until(&mut events, |e| matches!(e, QueueEvent::Batch { .. })).await;
    assert_eq!(app.queue_state().running.len(), 1);
    app.delete_session(info.id).await.unwrap();
    assert!(
        app.queue_state().running.is_empty(),
        "stopped before deleting"
    );
    assert!(app.sessions().await.unwrap().is_empty());
    app.stop();
    queue.await.unwrap().unwrap();
}

async fn the_queue_lists_waiting_jobs_in_order_and_finished_ones_newest_first(db: TestDb) {
    let app = app(&db);
    let info = app.create_session(&request("order", 4, 1)).await.unwrap();
    let jobs = app.queue(info.id).await.unwrap();
    let (first, last) = (jobs[0].id, jobs[3].id);
    app.move_job(last, 0).await.unwrap();
    assert_eq!(app.cancel_job(first).await.unwrap(), JobStatus::Cancelled);
    let jobs = app.queue(info.id).await.unwrap();
    assert_eq!(jobs[0].id, last, "moved to the front");
    assert_eq!(
        jobs[3].id, first,
        "the cancelled job after the waiting ones"
    );
    assert_eq!(jobs[3].status, JobStatus::Cancelled);
    app.retry_job(first).await.unwrap();
    let jobs = app.queue(info.id).await.unwrap();
    assert!(jobs.iter().all(|j| j.status == JobStatus::Queued));
    assert_eq!(jobs[3].id, first, "a retried job queues at the end");
}

#[tokio::test]
async fn pausing_is_remembered_for_the_next_start_and_written_only_on_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite().await;
    let path = dir.path().join("ui.json");
    let first = app(&db).with_ui_state(path.clone());
    assert!(!first.queue_state().paused);
    assert!(first.set_paused(true).paused);
    let again = app(&db).with_ui_state(path.clone());
    assert!(again.queue_state().paused, "still paused after a restart");
    assert!(!again.set_paused(false).paused);
    assert!(!app(&db).with_ui_state(path).queue_state().paused);
}

#[test]
fn an_architecture_check_names_the_layer_that_does_not_fit() {
    let good = r#"{"input":{"height":8,"width":8,"channels":1},"classes":2,
        "layers":[{"type":"conv2d","filters":4,"kernel":3}]}"#;
    match ArchitectureCheck::of_json(good, Some(300)) {
        ArchitectureCheck::Valid {
            params,
            layers,
            over_budget,
            budget_note,
            ..
        } => {
            assert_eq!(layers[0].output, [6, 6, 4]);
            assert_eq!(params, 40 + (6 * 6 * 4 + 1) * 2);
            assert_eq!(over_budget, Some(30));
            assert_eq!(
                budget_note.as_deref(),
                Some("330 parameters: over the budget of 300 by 30")
            );
        }
        other => panic!("{other:?}"),
    }
    match ArchitectureCheck::of_json(good, Some(10_000)) {
        ArchitectureCheck::Valid { over_budget, .. } => assert_eq!(over_budget, None),
        other => panic!("{other:?}"),
    }
    let bad = good.replace("\"kernel\":3", "\"kernel\":9");
    match ArchitectureCheck::of_json(&bad, None) {
        ArchitectureCheck::Invalid { layer, error, .. } => {
            assert_eq!(layer, Some(0));
            assert!(error.contains('9'), "{error}");
        }
        other => panic!("{other:?}"),
    }
}
