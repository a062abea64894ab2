//! A session's trained model as `remap-export` takes it: architecture, weights of its last
//! finished run, the data set's classes and normalisation, and what the model card tells.

use std::path::PathBuf;

use remap_export::{About, Format, Lineage, TrainedModel, export};
use remap_store::{ModelId, Store};
use remap_training::burn::tensor::Device;
use remap_training::{Protocol, load_weights};

use crate::data::load_session_data;
use crate::error::SessionError;
use crate::settings::TrainingSettings;
use crate::views::WrittenFile;

/// The model `id` with the weights of its last finished run.
pub async fn trained_model(store: &Store, id: ModelId) -> Result<TrainedModel, SessionError> {
    let model = store.model(id).await?;
    let session = store.session(model.session_id).await?;
    let name = session.name.clone();
    let runs = store.runs_of_model(id).await?;
    let Some(run) = runs
        .iter()
        .rev()
        .find(|run| run.status.has_result() && run.weights.is_some())
    else {
        return Err(SessionError::Invalid(format!(
            "model {id} of session `{name}` has no finished training run with weights"
        )));
    };
    let parent_summary = match model.parent_id {
        Some(parent) => Some(store.model(parent).await?.architecture.summary()),
        None => None,
    };
    let settings = TrainingSettings::from_value(&session.training, &session.name)?;
    let loaded = session.clone();
    let data = tokio::task::spawn_blocking(move || load_session_data(&loaded))
        .await
        .map_err(|e| SessionError::Invalid(format!("loading the data set crashed: {e}")))??;
    let arch = model.architecture.clone();
    // Weights in the database come through a private file: burn's recorder reads files.
    let bytes = store.weights(run).await?;
    let file = tempfile::NamedTempFile::new()
        .and_then(|mut file| std::io::Write::write_all(&mut file, &bytes).map(|()| file))
        .map_err(|e| {
            SessionError::Invalid(format!("cannot stage the weights of model {id}: {e}"))
        })?;
    let load = (arch.clone(), file);
    let net =
        tokio::task::spawn_blocking(move || load_weights(&load.0, load.1.path(), &Device::flex()))
            .await
            .map_err(|e| SessionError::Invalid(format!("loading the weights crashed: {e}")))?
            .map_err(|e| SessionError::Invalid(format!("weights of model {id}: {e}")))?;
    let mut protocol = Protocol::for_input(arch.input.height, arch.input.width);
    protocol.max_epochs = model.epochs as usize;
    if let Some(batch) = settings.batch {
        protocol.batch_size = batch;
    }
    let about = About {
        source: format!("session `{name}`, model {id}"),
        seed: Some(session.seed),
        settings: protocol_settings(&protocol),
        status: Some(run.status.name().to_string()),
        epochs: Some(run.epochs.len()),
        val_accuracy: run.val_accuracy(),
        device: Some(run.device.clone()),
        per_class_accuracy: run.per_class_accuracy.clone(),
        confusion: run.confusion.clone(),
        lineage: Some(Lineage {
            model: model.id,
            origin: model.origin.name().to_string(),
            parent: model.parent_id,
            parent_summary,
            changes: model.changes.clone(),
        }),
        dataset: session.dataset.clone(),
        train_images: Some(data.train.len()),
        held_out_images: Some(data.held_out.len()),
    };
    Ok(TrainedModel {
        arch,
        net,
        classes: data.classes.clone(),
        normalization: data.normalization.clone(),
        about,
    })
}

/// The training settings of `p`, as the model card lists them.
pub fn protocol_settings(p: &Protocol) -> Vec<(String, String)> {
    vec![
        ("optimizer".into(), "Adam".into()),
        ("learning rate".into(), p.learning_rate.to_string()),
        (
            "learning-rate decay per epoch".into(),
            p.lr_decay.to_string(),
        ),
        ("max epochs".into(), p.max_epochs.to_string()),
        ("batch size".into(), p.batch_size.to_string()),
        (
            "early stopping".into(),
            format!(
                "{} epochs without a validation-loss drop of {}",
                p.patience, p.min_improvement
            ),
        ),
    ]
}

impl crate::App {
    /// Writes `formats` (`json`, `safetensors`, `onnx`, `pytorch`, `card`) of the model's
    /// last finished run into `folder`; an existing non-empty folder needs `force` and is
    /// otherwise left untouched.
    pub async fn export_model(
        &self,
        model_id: ModelId,
        formats: &[String],
        folder: &str,
        force: bool,
    ) -> Result<Vec<WrittenFile>, SessionError> {
        let formats = formats
            .iter()
            .map(|f| f.parse::<Format>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| SessionError::Invalid(e.to_string()))?;
        let folder = folder.trim();
        if folder.is_empty() {
            return Err(SessionError::Invalid(
                "choose a folder to export into".into(),
            ));
        }
        let out = PathBuf::from(folder);
        let model = trained_model(self.store(), model_id).await?;
        let written = tokio::task::spawn_blocking(move || export(&model, &formats, &out, force))
            .await
            .map_err(|e| SessionError::Invalid(format!("the export crashed: {e}")))?
            .map_err(|e| SessionError::Invalid(e.to_string()))?;
        Ok(written
            .into_iter()
            .map(|w| WrittenFile {
                format: w.format.name().to_string(),
                path: w.path.display().to_string(),
                bytes: w.bytes,
            })
            .collect())
    }
}
