//! The queue's runner backed by the burn trainer.
//!
//! Checkpoints: the trainer keeps a folder per run; the store owns a file per job
//! (`JobSpec::checkpoint_path`) that it deletes when the job finishes or is retried. That
//! file is used as the folder's marker: written when an attempt starts, so a folder whose
//! marker is gone belongs to an ended attempt and is discarded instead of resumed.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use remap_store::{
    CancelFlag, EpochMetrics, JobRunner, JobSpec, Progress, RunError, RunOutcome, checkpoint_folder,
};
use remap_training::checkpoint::weights_to_bytes;
use remap_training::report::{EpochRecord, Status};
use remap_training::{
    Checkpoint, DeviceChoice, Protocol, SelectedDevice, ThreadShare, TrainOptions, device,
};
use tokio::sync::mpsc;

use crate::data::DataCache;
use crate::settings::TrainingSettings;

/// What the machine's training settings change in a session's own (`None`: the session's).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrainOverrides {
    pub device: Option<DeviceChoice>,
    pub batch: Option<usize>,
}

/// Trains queue jobs with `remap-training` in this process, one data set load and one
/// device choice per process. Cheap to clone.
#[derive(Clone, Default)]
pub struct TrainerRunner {
    data: DataCache,
    devices: Arc<Mutex<Vec<(DeviceChoice, SelectedDevice)>>>,
    /// What every job of this runner trains with instead of its session's settings.
    overrides: TrainOverrides,
    /// The threads its jobs may use, changed while they train (a worker's share of the
    /// machine); `None`: the process's rayon pool.
    threads: Option<ThreadShare>,
}

impl TrainerRunner {
    pub fn new() -> Self {
        Self::default()
    }

    /// A runner whose jobs train with `overrides` (a cluster worker's `--device`).
    pub fn with_overrides(overrides: TrainOverrides) -> Self {
        TrainerRunner {
            overrides,
            ..Self::default()
        }
    }

    /// This runner, its jobs training with `share`'s threads (read before every batch).
    pub fn with_threads(self, share: ThreadShare) -> Self {
        TrainerRunner {
            threads: Some(share),
            ..self
        }
    }

    /// The device jobs of this runner train on, e.g. `cpu (flex, 2 threads)`: what a
    /// worker registers.
    pub fn device_description(&self) -> Result<String, String> {
        let choice = self.overrides.device.unwrap_or(DeviceChoice::Auto);
        self.device(choice)
            .map(|selected| selected.description)
            .map_err(|e| e.to_string())
    }

    /// The data sets this runner has loaded.
    pub fn data(&self) -> &DataCache {
        &self.data
    }

    fn device(&self, choice: DeviceChoice) -> Result<SelectedDevice, RunError> {
        let mut devices = self.devices.lock().expect("device cache");
        if let Some((_, selected)) = devices.iter().find(|(c, _)| *c == choice) {
            return Ok(selected.clone());
        }
        let selected = device::select(choice).map_err(|e| RunError::Failed(e.to_string()))?;
        devices.push((choice, selected.clone()));
        Ok(selected)
    }

    /// Trains one job on this (blocking) thread, `overrides` taking precedence over the
    /// session's device and batch size; `on_progress` hears every batch and epoch.
    pub fn train_job(
        &self,
        spec: &JobSpec,
        overrides: &TrainOverrides,
        cancel: &CancelFlag,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Result<RunOutcome, RunError> {
        let failed = |e: &dyn std::fmt::Display| RunError::Failed(e.to_string());
        let session = &spec.session;
        let settings = TrainingSettings::from_value(&session.training, &session.name)
            .map_err(|e| failed(&e))?;
        let data = self.data.get(session).map_err(|e| failed(&e))?;
        let selected = self.device(overrides.device.unwrap_or(settings.device))?;
        let arch = &spec.model.architecture;
        let mut protocol = Protocol::for_input(arch.input.height, arch.input.width);
        protocol.max_epochs = spec.model.epochs as usize;
        if let Some(batch) = overrides.batch.or(settings.batch) {
            protocol.batch_size = batch;
        }
        let options = TrainOptions {
            protocol,
            seed: session.seed,
            pause_after: spec
                .job
                .pause_after(spec.model.epochs)
                .map(|epochs| epochs as usize),
            threads: self.threads.clone(),
        };

        let folder = checkpoint_folder(&spec.checkpoint_path);
        prepare_checkpoint(&spec.checkpoint_path, &folder, &arch.hash()).map_err(|e| failed(&e))?;
        let checkpoint = Checkpoint::new(&folder);

        // The trainer checks its own flag before every batch; it is raised from the progress
        // callback, which runs after every batch and epoch.
        let stop = AtomicBool::new(cancel.is_cancelled());
        let mut on_progress = |report: &remap_training::Progress| {
            if cancel.is_cancelled() {
                stop.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            on_progress(match report {
                remap_training::Progress::Batch {
                    epoch,
                    batch,
                    batches,
                    ..
                } => Progress::Batch {
                    epoch: *epoch as u32,
                    batch: *batch as u32,
                    batches: *batches as u32,
                },
                remap_training::Progress::Epoch(record) => Progress::Epoch(metrics(record)),
            });
        };
        let trained = remap_training::train(
            arch,
            &data,
            &options,
            &selected.device,
            Some(&checkpoint),
            &stop,
            &mut on_progress,
        );
        let outcome = match trained {
            Ok(outcome) => outcome,
            Err(error) => {
                discard(&folder);
                return Err(failed(&error));
            }
        };
        if outcome.status == Status::Cancelled {
            return Err(RunError::Stopped);
        }
        let weights = weights_to_bytes(&outcome.net, &folder).map_err(|e| failed(&e))?;
        let predictions = outcome
            .held_out
            .predictions
            .iter()
            .map(|&p| u8::try_from(p))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| RunError::Failed("more than 256 classes cannot be stored".into()))?;
        let result = RunOutcome {
            epochs: outcome.epochs.iter().map(metrics).collect(),
            diverged: outcome.status == Status::Diverged,
            paused: outcome.status == Status::Paused,
            per_class_accuracy: outcome.classes.per_class_accuracy.clone(),
            confusion: outcome.classes.confusion.clone(),
            predictions,
            log_probs: Some(outcome.held_out.log_probs.to_bytes()),
            weights: Some(weights),
            device: selected.description.clone(),
        };
        // The result goes to the store next; should the process die before that, the job
        // simply trains again from the start. A screened job keeps its checkpoint for the
        // promotion that may continue it.
        if !result.paused {
            discard(&folder);
        }
        Ok(result)
    }
}

#[async_trait::async_trait]
impl JobRunner for TrainerRunner {
    async fn run(
        &self,
        spec: &JobSpec,
        progress: &(dyn Fn(Progress) + Send + Sync),
        cancel: &CancelFlag,
    ) -> Result<RunOutcome, RunError> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let runner = self.clone();
        let owned_spec = spec.clone();
        let owned_cancel = cancel.clone();
        let task = tokio::task::spawn_blocking(move || {
            let mut report = |progress| {
                let _ = tx.send(progress);
            };
            runner.train_job(&owned_spec, &runner.overrides, &owned_cancel, &mut report)
        });
        // Ends when the training thread drops its sender.
        while let Some(report) = rx.recv().await {
            progress(report);
        }
        task.await
            .unwrap_or_else(|panic| Err(RunError::Failed(format!("the trainer crashed: {panic}"))))
    }
}

fn metrics(record: &EpochRecord) -> EpochMetrics {
    EpochMetrics {
        epoch: record.epoch as u32,
        train_loss: record.train_loss,
        train_accuracy: record.train_accuracy,
        val_loss: record.val_loss,
        val_accuracy: record.val_accuracy,
        seconds: record.seconds,
    }
}

/// Keeps the folder of an interrupted attempt (its marker exists) and discards one of an
/// ended attempt, then marks the folder as this attempt's.
fn prepare_checkpoint(marker: &Path, folder: &Path, arch_hash: &str) -> Result<(), String> {
    if !marker.exists() {
        discard(folder);
        remap_store::write_atomic(marker, format!("{arch_hash}\n").as_bytes())
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn discard(folder: &Path) {
    if let Err(error) = std::fs::remove_dir_all(folder)
        && error.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(folder = %folder.display(), %error, "could not remove a checkpoint");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ended_attempts_folder_is_discarded_an_interrupted_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("checkpoints/job-3.ckpt");
        let folder = checkpoint_folder(&marker);
        assert_eq!(folder, dir.path().join("checkpoints/job-3.ckpt.d"));

        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("state.json"), "{}").unwrap();
        prepare_checkpoint(&marker, &folder, "abc").unwrap();
        assert!(!folder.exists(), "no marker: the folder is stale");
        assert!(marker.exists());

        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("state.json"), "{}").unwrap();
        prepare_checkpoint(&marker, &folder, "abc").unwrap();
        assert!(folder.join("state.json").exists(), "marker: resume from it");
    }
}
