//! Spec §9.3 through the application layer: focus classes, the parameter budget, edit
//! effects and "new session on these classes", on tiny sketch sessions trained for real.

use std::time::Duration;

use remap_sampling::{AblationRequest, VariationRequest};
use remap_session::views::{ArchitectureCheck, NewSessionRequest};
use remap_session::{App, FocusObjective, FocusScore};
use remap_store::screening::Objective;
use remap_store::testing::sqlite;
use remap_store::{RunUntil, SchedulerConfig};

fn app(store: &remap_store::Store) -> App {
    let mut config = SchedulerConfig::new("test");
    config.poll_every = Duration::from_millis(50);
    App::new(store.clone(), config)
}

/// 10 sketch classes × 20 images, small nets, unscreened, one epoch.
fn request(name: &str, models: usize) -> NewSessionRequest {
    NewSessionRequest {
        name: name.into(),
        dataset: "sketches".into(),
        models: Some(models),
        epochs: Some(1),
        seed: Some(5),
        batch: Some(64),
        device: Some("cpu".into()),
        per_class: Some(20),
        max_params: Some(30_000),
        screening: Some("off".into()),
        ..NewSessionRequest::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn focus_accuracy_ranks_the_overview_and_best_alike() {
    let db = sqlite().await;
    let app = app(&db.store);
    let info = app.create_session(&request("focus", 3)).await.unwrap();
    app.train(RunUntil::Empty).await.unwrap();
    let classes = info.classes[..2].to_vec();

    let plain = app.overview(info.id, &[]).await.unwrap();
    assert!(plain.focus.is_empty());
    assert!(plain.models.iter().all(|m| m.focus_accuracy.is_none()));

    let focused = app.overview(info.id, &classes).await.unwrap();
    assert_eq!(focused.focus, classes);
    for model in &focused.models {
        let focus = model.focus_accuracy.expect("every trained model has one");
        assert!((0.0..=1.0).contains(&focus));
        assert!(!model.retrain_to_focus);
    }
    // Read as a 2-class classifier, a model is at least as accurate on those classes'
    // images as its 10-class arg-max is (per-class accuracies of the two, averaged).
    for model in &focused.models {
        let per_class = model.per_class_accuracy.as_ref().unwrap();
        let plain_on_focus = (per_class[0].unwrap() + per_class[1].unwrap()) / 2.0;
        assert!(model.focus_accuracy.unwrap() + 1e-9 >= plain_on_focus);
    }

    let best = app.best(info.id, &classes, None, 10).await.unwrap();
    let scores: Vec<f64> = best
        .models
        .iter()
        .map(|m| m.focus_accuracy.unwrap())
        .collect();
    assert_eq!(best.models.len(), 3);
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let smallest = focused.models.iter().map(|m| m.params).min().unwrap();
    let capped = app
        .best(info.id, &classes, Some(smallest), 10)
        .await
        .unwrap();
    assert!(capped.models.iter().all(|m| m.params <= smallest));
    assert_eq!(capped.models.len(), 1);

    let unknown = app.overview(info.id, &["zebra".into()]).await.unwrap_err();
    assert!(
        unknown.to_string().contains("unknown class `zebra`"),
        "{unknown}"
    );

    // A session on the two classes, from the best model: head resized to 2 classes.
    let from = best.models[0].id;
    let on = app
        .session_on_classes(info.id, &classes, &[from])
        .await
        .unwrap();
    assert_eq!(on.classes, classes);
    assert_eq!(on.models, 1);
    assert!(on.name.starts_with("focus · "), "{}", on.name);
    let model = &app.overview(on.id, &[]).await.unwrap().models[0];
    assert_eq!(model.snac.head.classes, 2);
    assert_eq!(
        model.architecture.layers,
        best.models[0].architecture.layers
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_keeps_its_focus_and_screening_ranks_by_it() {
    let db = sqlite().await;
    let app = app(&db.store);
    let info = app
        .create_session(&NewSessionRequest {
            epochs: Some(3),
            screening: Some("halving".into()),
            ..request("screened focus", 6)
        })
        .await
        .unwrap();
    let classes = info.classes[..2].to_vec();
    assert!(info.focus.is_empty());

    let unknown = app.set_focus(info.id, &["zebra".into()]).await.unwrap_err();
    assert!(
        unknown.to_string().contains("unknown class `zebra`"),
        "{unknown}"
    );
    assert!(
        db.store.session(info.id).await.unwrap().focus.is_empty(),
        "nothing kept"
    );
    let kept = app.set_focus(info.id, &classes).await.unwrap();
    assert_eq!(kept.focus, classes);
    let session = db.store.session(info.id).await.unwrap();
    assert_eq!(session.focus, classes);
    app.train(RunUntil::Empty).await.unwrap();

    // The objective scores each run by its focus accuracy, as the overview computes it.
    let objective = FocusObjective::new(app.data().clone());
    let score = objective
        .scorer(&session)
        .await
        .unwrap()
        .expect("a two-class focus scores");
    let focus = app.focus(&session, &classes).await.unwrap();
    let runs = db.store.runs(info.id).await.unwrap();
    let rung_one: Vec<_> = runs.iter().filter(|run| run.epochs.len() == 1).collect();
    assert_eq!(
        rung_one.len(),
        6,
        "every model's first-rung result is a run"
    );
    for run in &rung_one {
        let Some(FocusScore::Accuracy(expected)) = focus.score(run) else {
            panic!("run {} has class probabilities", run.id);
        };
        assert_eq!(score(run), Some(expected));
    }
    // The best first rung by focus accuracy went on to the next rung.
    let best = rung_one
        .iter()
        .max_by(|a, b| {
            score(a)
                .partial_cmp(&score(b))
                .unwrap()
                .then(b.model_id.cmp(&a.model_id))
        })
        .unwrap();
    let jobs = db.store.jobs(info.id).await.unwrap();
    let job = jobs
        .iter()
        .find(|job| job.model_id == best.model_id)
        .unwrap();
    assert_eq!(
        job.epochs_done, 3,
        "the focus-best model was promoted: {job:?}"
    );

    // One class shades, it does not rank: no objective; clearing keeps nothing.
    let one = app.set_focus(info.id, &classes[..1]).await.unwrap();
    let session = db.store.session(info.id).await.unwrap();
    assert_eq!(one.focus, classes[..1]);
    assert!(objective.scorer(&session).await.unwrap().is_none());
    assert!(app.set_focus(info.id, &[]).await.unwrap().focus.is_empty());
    assert!(db.store.session(info.id).await.unwrap().focus.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_holds_for_sampling_ablations_variations_and_handcrafting() {
    let db = sqlite().await;
    let app = app(&db.store);
    let info = app.create_session(&request("budget", 2)).await.unwrap();
    assert_eq!(info.budget, Some(30_000));
    assert_eq!(info.seed, 5);
    let overview = app.overview(info.id, &[]).await.unwrap();
    assert!(overview.models.iter().all(|m| m.params <= 30_000));

    // A budget just under the parent's size: every ablation that grows the net is listed
    // as over it, with the reason; the request without a budget takes the session's.
    let parent = overview.models.iter().max_by_key(|m| m.params).unwrap();
    let tight = app.set_budget(info.id, Some(parent.params)).await.unwrap();
    assert_eq!(tight.budget, Some(parent.params));
    let preview = app
        .preview_ablations(parent.id, &AblationRequest::default())
        .await
        .unwrap();
    assert!(preview.children.iter().all(|c| c.params <= parent.params));
    let over: Vec<_> = preview
        .skipped
        .iter()
        .filter(|s| s.reason.contains("over the budget of"))
        .collect();
    assert_eq!(over.len(), preview.dropped_over_budget);
    let variations = app
        .preview_variations(
            parent.id,
            &VariationRequest {
                count: 6,
                seed: 1,
                ..VariationRequest::default()
            },
        )
        .await
        .unwrap();
    assert!(
        variations
            .children
            .iter()
            .all(|c| c.params <= parent.params)
    );

    // Handcrafting: the live check says by how much.
    let json = serde_json::to_string(&parent.architecture).unwrap();
    match ArchitectureCheck::of_json(&json, Some(parent.params - 10)) {
        ArchitectureCheck::Valid { over_budget, .. } => assert_eq!(over_budget, Some(10)),
        other => panic!("{other:?}"),
    }
    assert!(app.set_budget(info.id, Some(0)).await.is_err());
    assert_eq!(app.set_budget(info.id, None).await.unwrap().budget, None);

    // A second session of the same name is numbered instead of failing, and a blank seed
    // draws one.
    let again = app
        .create_session(&NewSessionRequest {
            seed: None,
            new_name_if_taken: Some(true),
            ..request("budget", 1)
        })
        .await
        .unwrap();
    assert_eq!(again.name, "budget 2");
    assert!(app.create_session(&request("budget", 1)).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_effects_group_a_sessions_children_by_kind() {
    let db = sqlite().await;
    let app = app(&db.store);
    let info = app.create_session(&request("effects", 3)).await.unwrap();
    // Sampled small; its ablations may be larger (a removed pool feeds the head more).
    app.set_budget(info.id, None).await.unwrap();
    let overview = app.overview(info.id, &[]).await.unwrap();
    let parent = overview
        .models
        .iter()
        .max_by_key(|m| m.snac.layers.len())
        .unwrap()
        .clone();
    let queued = app
        .queue_ablations(parent.id, &AblationRequest::default())
        .await
        .unwrap();
    assert!(!queued.models.is_empty(), "{:?}", queued.skipped);
    app.train(RunUntil::Empty).await.unwrap();

    let effects = app.effects(info.id).await.unwrap();
    assert_eq!(effects.children, queued.models.len());
    assert!(
        effects
            .kinds
            .iter()
            .all(|k| k.points.iter().all(|p| p.parent == parent.id))
    );
    // Every ablation removes one layer: each kind is a removal, and the counts add up.
    assert!(effects.kinds.iter().all(|k| k.kind.starts_with("remove ")));
    let total: usize = effects.kinds.iter().map(|k| k.count).sum();
    assert_eq!(total, queued.models.len());
    for kind in &effects.kinds {
        assert_eq!(kind.compared, kind.count, "all trained for one epoch");
        let spread = kind.delta_accuracy.unwrap();
        assert!(spread.min <= spread.median && spread.median <= spread.max);
        assert_eq!(kind.points.len(), kind.count);
    }
}
