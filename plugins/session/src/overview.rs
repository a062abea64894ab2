//! The Model Overview of a session (spec §6.3, §7): every model with its latest result, the
//! prediction and structure maps of the trained ones, the accuracy–size view and the Pareto
//! front.

use std::collections::HashMap;

use remap_metrics::{ModelScore, accuracy_size_coords, pareto_front};
use remap_store::{JobStatus, ModelId, SessionId, TrainingRun};

use crate::app::App;
use crate::error::SessionError;
use crate::layout::{Map, MapKind, MapModel, session_map};
use crate::sessions::session_info;
use crate::status::model_rows;
use crate::views::{ModelView, Overview, OverviewLayout, OverviewView};

impl App {
    /// Models, maps and Pareto front of a session; the window shows it next time it opens.
    pub async fn overview(&self, session_id: SessionId) -> Result<Overview, SessionError> {
        let store = self.store();
        let session = store.session(session_id).await?;
        self.update_ui_state(|ui| ui.last_session = Some(session_id));
        let rows = model_rows(store, session_id).await?;
        let rows_by_id: HashMap<ModelId, _> = rows.iter().map(|r| (r.id, r)).collect();
        let runs = latest_runs(store.runs(session_id).await?);
        let mut models = Vec::new();
        let mut trained = Vec::new();
        for model in store.models(session_id).await? {
            let run = runs.get(&model.id);
            let view = ModelView::new(&model, rows_by_id.get(&model.id).copied(), run)?;
            if let Some(run) = run.filter(|r| r.status == JobStatus::Done)
                && let Some(predictions) = &run.predictions
                && view.val_accuracy.is_some()
            {
                trained.push(MapModel {
                    id: model.id,
                    architecture: model.architecture.clone(),
                    predictions: predictions.clone(),
                });
            }
            models.push(view);
        }
        let prediction = session_map(store, session_id, MapKind::Prediction, &trained).await?;
        let structure = session_map(store, session_id, MapKind::Structure, &trained).await?;
        let (size, pareto) = size_view(&models);
        Ok(Overview {
            session: session_info(&session, &rows),
            models,
            prediction: prediction.into(),
            structure: structure.into(),
            size,
            pareto,
        })
    }
}

/// The accuracy–size view of the trained models and the ids on their Pareto front.
fn size_view(models: &[ModelView]) -> (OverviewLayout, Vec<ModelId>) {
    let scored: Vec<(ModelId, ModelScore)> = models
        .iter()
        .filter_map(|m| {
            let accuracy = m.final_accuracy()?;
            let params = m.params;
            Some((m.id, ModelScore { accuracy, params }))
        })
        .collect();
    let scores: Vec<ModelScore> = scored.iter().map(|(_, s)| *s).collect();
    let pareto = pareto_front(&scores)
        .into_iter()
        .map(|i| scored[i].0)
        .collect();
    let size = OverviewLayout {
        view: OverviewView::Size,
        ids: scored.iter().map(|(id, _)| *id).collect(),
        coords: accuracy_size_coords(&scores),
        stress: 0.0,
    };
    (size, pareto)
}

impl From<Map> for OverviewLayout {
    fn from(map: Map) -> Self {
        OverviewLayout {
            view: match map.view {
                MapKind::Prediction => OverviewView::Prediction,
                MapKind::Structure => OverviewView::Structure,
            },
            ids: map.ids,
            coords: map.coords,
            stress: map.stress,
        }
    }
}

/// The newest run of each model.
pub(crate) fn latest_runs(runs: Vec<TrainingRun>) -> HashMap<ModelId, TrainingRun> {
    let mut latest: HashMap<ModelId, TrainingRun> = HashMap::new();
    for run in runs {
        match latest.get(&run.model_id) {
            Some(known) if known.id > run.id => {}
            _ => {
                latest.insert(run.model_id, run);
            }
        }
    }
    latest
}
