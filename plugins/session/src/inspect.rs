//! The Model Inspector, the Data Selector's samples and the Drawer's comparison: one model's
//! facts, a few images per class, two models aligned layer by layer.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use remap_architecture::align;
use remap_metrics::ModelScore;
use remap_store::{ModelId, SessionId, TrainingRun};

use crate::app::App;
use crate::error::SessionError;
use crate::overview::latest_runs;
use crate::status::model_rows;
use crate::views::{ClassSamples, Comparison, ModelDetail, ModelView};

impl App {
    /// The Model Inspector's facts about one model.
    pub async fn model_detail(&self, model_id: ModelId) -> Result<ModelDetail, SessionError> {
        let (model, run) = self.model_view(model_id).await?;
        let parent = match model.parent {
            Some(parent) => Some(self.model_view(parent).await?.0),
            None => None,
        };
        let classes = self.classes_of_model(model_id).await?;
        // A job still training shows the epochs it has finished so far.
        let epochs = match (&run, model.job) {
            (Some(run), _) => run.epochs.clone(),
            (None, Some(job)) => self.store().job(job).await?.progress,
            (None, None) => Vec::new(),
        };
        Ok(ModelDetail {
            parent,
            classes,
            epochs,
            confusion: run.as_ref().and_then(|r| r.confusion.clone()),
            accuracy_per_log_params: model.val_accuracy.and_then(|accuracy| {
                let params = model.params;
                ModelScore { accuracy, params }.accuracy_per_log_params()
            }),
            device: run.as_ref().map(|r| r.device.clone()),
            error: run.as_ref().and_then(|r| r.error.clone()),
            model,
        })
    }

    /// Two models aligned layer by layer, with the b − a differences.
    pub async fn compare(&self, a: ModelId, b: ModelId) -> Result<Comparison, SessionError> {
        let (left, _) = self.model_view(a).await?;
        let (right, _) = self.model_view(b).await?;
        let classes = self.classes_of_model(a).await?;
        let of = |m: &ModelView, class: usize| {
            m.per_class_accuracy
                .as_ref()
                .and_then(|p| p.get(class).copied().flatten())
        };
        let delta_per_class = (0..classes.len())
            .map(|c| of(&left, c).zip(of(&right, c)).map(|(x, y)| y - x))
            .collect();
        Ok(Comparison {
            delta_params: right.params as i64 - left.params as i64,
            delta_accuracy: left
                .val_accuracy
                .zip(right.val_accuracy)
                .map(|(x, y)| y - x),
            delta_per_class,
            classes,
            rows: align(&left.architecture.layers, &right.architecture.layers),
            wiring: remap_sampling::diff(&left.architecture, &right.architecture)
                .iter()
                .filter(|c| c.is_wiring())
                .map(ToString::to_string)
                .collect(),
            a: left,
            b: right,
        })
    }

    /// The first `per_class` held-out images of every class, as PNG data URLs.
    pub async fn class_samples(
        &self,
        session_id: SessionId,
        per_class: usize,
    ) -> Result<Vec<ClassSamples>, SessionError> {
        let session = self.store().session(session_id).await?;
        let data = self.dataset(&session).await?;
        tokio::task::spawn_blocking(move || {
            (0..data.classes.len())
                .map(|class| {
                    let images = remap_datasets::sample_images(&data, class as u32, per_class)
                        .into_iter()
                        .map(|image| {
                            remap_datasets::encode_png(
                                image,
                                data.height,
                                data.width,
                                data.channels,
                            )
                            .map(|png| format!("data:image/png;base64,{}", BASE64.encode(png)))
                        })
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| SessionError::Invalid(format!("sample images: {e}")))?;
                    let name = data.classes[class].clone();
                    Ok(ClassSamples { name, images })
                })
                .collect()
        })
        .await
        .map_err(|e| SessionError::Invalid(format!("rendering samples crashed: {e}")))?
    }

    /// A model's view and its newest run.
    async fn model_view(
        &self,
        id: ModelId,
    ) -> Result<(ModelView, Option<TrainingRun>), SessionError> {
        let store = self.store();
        let model = store.model(id).await?;
        let rows = model_rows(store, model.session_id).await?;
        let row = rows.iter().find(|r| r.id == id);
        let run = latest_runs(store.runs_of_model(id).await?).remove(&id);
        Ok((ModelView::new(&model, row, run.as_ref())?, run))
    }

    /// The class names of a model's data set.
    async fn classes_of_model(&self, id: ModelId) -> Result<Vec<String>, SessionError> {
        let store = self.store();
        let session = store.session(store.model(id).await?.session_id).await?;
        Ok(self.dataset(&session).await?.classes.clone())
    }
}
