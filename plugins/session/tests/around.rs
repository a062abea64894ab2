//! A session around an imported net (issue 33): the net itself first, then distinct
//! ablations and variations of it, all under the budget, queued on SQLite.

use std::collections::HashSet;
use std::sync::Arc;

use remap_session::{
    Around, DataOptions, ImportFormat, ImportedNet, SessionSpec, TrainerRunner, TrainingSettings,
    create_session,
};
use remap_store::{Location, Scheduler, SchedulerConfig, Store};

fn fixture(file: &str) -> Vec<u8> {
    let path = format!(
        "{}/../onnx/tests/fixtures/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_around_an_onnx_net_starts_with_it_and_its_relatives_under_the_budget() {
    let net = ImportedNet::read(&fixture("conv_chain.torchscript.onnx")).unwrap();
    assert_eq!(net.format, ImportFormat::Onnx);
    assert!(net.notes[0].contains("weights are not imported"));
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&Location::Sqlite(dir.path().join("remap.db")))
        .await
        .unwrap();
    let scheduler = Scheduler::new(
        store.clone(),
        Arc::new(TrainerRunner::new()),
        SchedulerConfig::new("test"),
    );
    let budget = 20_000;
    let spec = SessionSpec {
        data: DataOptions {
            per_class: 10,
            ..DataOptions::default()
        },
        training: TrainingSettings {
            epochs: 1,
            ..TrainingSettings::default()
        },
        seed: 5,
        budget: Some(budget),
        around: Some(Around {
            architecture: net.architecture.clone(),
            count: 6,
        }),
        ..SessionSpec::new("around", "sketches")
    };
    let (session, queued) = create_session(&scheduler, &spec).await.unwrap();
    assert_eq!(queued.len(), 7);
    let models = store.models(session.id).await.unwrap();
    assert_eq!(models.len(), 7);
    // The net first, with the data set's input and classes.
    assert_eq!(models[0].architecture.layers, net.architecture.layers);
    assert_eq!(models[0].architecture.classes, 10);
    let hashes: HashSet<&str> = models.iter().map(|m| m.hash.as_str()).collect();
    assert_eq!(hashes.len(), 7);
    for m in &models {
        assert!(
            m.architecture.params().unwrap() <= budget,
            "{}",
            m.architecture.summary()
        );
    }
}

#[test]
fn a_refused_onnx_net_names_its_node_and_json_imports_too() {
    let err = ImportedNet::read(&fixture("batchnorm.torchscript.onnx")).unwrap_err();
    let refusal = err.refusal().unwrap();
    assert_eq!(refusal.op, "BatchNormalization");
    assert_eq!(refusal.node, "/norm/BatchNormalization");
    let json = br#" {"input":{"height":8,"width":8,"channels":1},"classes":2,"layers":[{"type":"dense","units":4}]}"#;
    let net = ImportedNet::read(json).unwrap();
    assert_eq!(
        (net.format, net.params),
        (ImportFormat::Json, (64 + 1) * 4 + 5 * 2)
    );
}
