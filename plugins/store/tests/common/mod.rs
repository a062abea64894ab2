//! Shared test fixtures: a fresh database per test on SQLite and PostgreSQL, sample models,
//! and a runner that records what it trained.
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use remap_architecture::{Architecture, Input, Layer};
use remap_store::{
    CancelFlag, EpochMetrics, JobRunner, JobSpec, ModelId, NewModel, NewSession, Origin, Progress,
    RunError, RunOutcome, Session, Store, write_atomic,
};
use serde_json::json;

pub use remap_store::testing::{TestDb, postgres, sqlite};

/// Runs `$body(TestDb)` once on SQLite and once on PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::sqlite().await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = $crate::common::postgres().await {
                    super::$name(db).await;
                }
            }
        }
    )*};
}

pub fn new_session(name: &str) -> NewSession {
    NewSession {
        name: name.into(),
        dataset: "sketches".into(),
        dataset_options: json!({"images": 1000}),
        search_space: json!({"max_layers": 8}),
        seed: u64::MAX - 7,
        training: json!({"batch_size": 256, "epochs": 2}),
        budget: Some(100_000),
    }
}

/// A valid, distinct architecture for every `index`.
pub fn architecture(index: u32) -> Architecture {
    Architecture::new(
        Input {
            height: 28,
            width: 28,
            channels: 1,
        },
        10,
        vec![
            Layer::conv(4 + index, 3),
            Layer::maxpool(2),
            Layer::Dense { units: 16 },
        ],
    )
}

pub fn sampled(index: u32, epochs: u32) -> NewModel {
    NewModel {
        architecture: architecture(index),
        origin: Origin::Sampled,
        parent_id: None,
        changes: vec![],
        epochs,
    }
}

/// A session with `count` sampled models, each to train for `epochs`.
pub async fn session_with_models(
    store: &Store,
    name: &str,
    count: u32,
    epochs: u32,
) -> (Session, Vec<ModelId>) {
    let session = store.create_session(&new_session(name)).await.unwrap();
    let mut ids = Vec::new();
    for index in 0..count {
        ids.push(
            store
                .add_model(session.id, &sampled(index, epochs))
                .await
                .unwrap()
                .0
                .id,
        );
    }
    (session, ids)
}

/// What a checkpoint of [`RecordingRunner`] holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Checkpoint {
    epochs: Vec<EpochMetrics>,
}

/// Trains nothing: sleeps per batch, checks the cancel flag between batches, writes a
/// checkpoint per epoch, resumes from it, and records which models it started and which
/// epochs it trained.
pub struct RecordingRunner {
    pub batches: u32,
    pub batch_delay: Duration,
    /// Models whose first attempt fails.
    pub fail_once: Mutex<HashSet<ModelId>>,
    pub started: Mutex<Vec<ModelId>>,
    pub epochs_trained: Mutex<Vec<(ModelId, u32)>>,
    pub active: AtomicUsize,
    pub max_active: AtomicUsize,
    /// A file that gets a `model epoch` line after each checkpoint (survives a SIGKILL).
    pub log: Option<PathBuf>,
}

impl RecordingRunner {
    pub fn new(batches: u32, batch_delay: Duration) -> Self {
        RecordingRunner {
            batches,
            batch_delay,
            fail_once: Mutex::new(HashSet::new()),
            started: Mutex::new(Vec::new()),
            epochs_trained: Mutex::new(Vec::new()),
            active: AtomicUsize::new(0),
            max_active: AtomicUsize::new(0),
            log: None,
        }
    }

    pub fn started(&self) -> Vec<ModelId> {
        self.started.lock().unwrap().clone()
    }
}

pub fn metrics(model: ModelId, epoch: u32) -> EpochMetrics {
    let accuracy = 0.5 + 0.01 * epoch as f64 + 0.001 * model as f64;
    EpochMetrics {
        epoch,
        train_loss: 1.0 / epoch as f64,
        train_accuracy: accuracy,
        val_loss: 1.1 / epoch as f64,
        val_accuracy: accuracy - 0.02,
        seconds: 0.01,
    }
}

#[async_trait::async_trait]
impl JobRunner for RecordingRunner {
    async fn run(
        &self,
        spec: &JobSpec,
        progress: &(dyn Fn(Progress) + Send + Sync),
        cancel: &CancelFlag,
    ) -> Result<RunOutcome, RunError> {
        let model = spec.model.id;
        self.started.lock().unwrap().push(model);
        let active = self.active.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_active.fetch_max(active, Ordering::SeqCst);
        let result = self.train(spec, progress, cancel).await;
        self.active.fetch_sub(1, Ordering::SeqCst);
        result
    }
}

impl RecordingRunner {
    async fn train(
        &self,
        spec: &JobSpec,
        progress: &(dyn Fn(Progress) + Send + Sync),
        cancel: &CancelFlag,
    ) -> Result<RunOutcome, RunError> {
        let model = spec.model.id;
        if self.fail_once.lock().unwrap().remove(&model) {
            return Err(RunError::Failed(format!(
                "model {model}: out of memory (test)"
            )));
        }
        let mut epochs = match std::fs::read(&spec.checkpoint_path) {
            Ok(bytes) => serde_json::from_slice::<Checkpoint>(&bytes).unwrap().epochs,
            Err(_) => Vec::new(),
        };
        let last = spec
            .job
            .pause_after(spec.model.epochs)
            .unwrap_or(spec.model.epochs);
        for epoch in epochs.len() as u32 + 1..=last {
            for batch in 1..=self.batches {
                if cancel.is_cancelled() {
                    return Err(RunError::Stopped);
                }
                tokio::time::sleep(self.batch_delay).await;
                progress(Progress::Batch {
                    epoch,
                    batch,
                    batches: self.batches,
                });
            }
            epochs.push(metrics(model, epoch));
            let checkpoint = serde_json::to_vec(&Checkpoint {
                epochs: epochs.clone(),
            })
            .unwrap();
            write_atomic(&spec.checkpoint_path, &checkpoint).unwrap();
            self.epochs_trained.lock().unwrap().push((model, epoch));
            if let Some(log) = &self.log {
                use std::io::Write;
                let mut file = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(log)
                    .unwrap();
                file.write_all(format!("{model} {epoch}\n").as_bytes())
                    .unwrap();
                file.sync_data().unwrap();
            }
            progress(Progress::Epoch(metrics(model, epoch)));
        }
        Ok(RunOutcome {
            epochs,
            diverged: false,
            paused: last < spec.model.epochs,
            per_class_accuracy: vec![Some(0.5); 10],
            confusion: vec![vec![1; 10]; 10],
            predictions: (0..100).map(|i| ((i + model) % 10) as u8).collect(),
            log_probs: None,
            weights: Some(format!("weights of model {model}").into_bytes()),
            device: "test".into(),
        })
    }
}
