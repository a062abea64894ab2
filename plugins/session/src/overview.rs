//! The Model Overview of a session (spec §6.3, §7): every model with its latest result, the
//! prediction and structure maps of the trained ones, the accuracy–size view and the Pareto
//! front.

use std::collections::HashMap;

use remap_metrics::{ModelScore, accuracy_size_coords, pareto_front};
use remap_store::{ModelId, Session, SessionId, TrainingRun};

use crate::app::App;
use crate::error::SessionError;
use crate::focus::{Focus, FocusScore};
use crate::layout::{Map, MapKind, MapModel, session_map};
use crate::sessions::session_info;
use crate::status::{ModelRow, model_rows};
use crate::views::{ModelView, Overview, OverviewLayout, OverviewView};

impl App {
    /// Models, maps and Pareto front of a session; the window shows it next time it opens.
    /// With `focus` classes, each trained model also has its focus accuracy, and the size
    /// view and the Pareto front rank by it (spec §9.3).
    pub async fn overview(
        &self,
        session_id: SessionId,
        focus: &[String],
    ) -> Result<Overview, SessionError> {
        let store = self.store();
        let session = store.session(session_id).await?;
        let focus = self.focus_of(&session, focus).await?;
        self.update_ui_state(|ui| ui.last_session = Some(session_id));
        let scored = self.scored_models(&session, focus.as_ref()).await?;
        let trained: Vec<MapModel> = scored
            .models
            .iter()
            .filter_map(|view| {
                let run = scored
                    .runs
                    .get(&view.id)
                    .filter(|r| r.status.has_result())?;
                let predictions = run.predictions.as_ref()?;
                view.val_accuracy?;
                Some(MapModel {
                    id: view.id,
                    architecture: view.architecture.clone(),
                    predictions: predictions.clone(),
                })
            })
            .collect();
        let prediction = session_map(store, session_id, MapKind::Prediction, &trained).await?;
        let structure = session_map(store, session_id, MapKind::Structure, &trained).await?;
        let (size, pareto) = size_view(&scored.models, focus.is_some());
        Ok(Overview {
            session: session_info(&session, &scored.rows),
            focus: focus.map(|f| f.classes).unwrap_or_default(),
            models: scored.models,
            prediction: prediction.into(),
            structure: structure.into(),
            size,
            pareto,
        })
    }

    /// The session's best trained models with at most `max_params` parameters: by focus
    /// accuracy over `focus` (validation accuracy without), ties to the smaller model — the
    /// order the window's Drawer sorts in (`remap session best`).
    pub async fn best(
        &self,
        session_id: SessionId,
        focus: &[String],
        max_params: Option<u64>,
        top: usize,
    ) -> Result<Ranking, SessionError> {
        let session = self.store().session(session_id).await?;
        let focus = self.focus_of(&session, focus).await?;
        let focused = focus.is_some();
        let scored = self.scored_models(&session, focus.as_ref()).await?;
        let retrain_to_focus = scored.models.iter().filter(|m| m.retrain_to_focus).count();
        let mut models: Vec<ModelView> = scored
            .models
            .into_iter()
            .filter(|m| m.score(focused).is_some())
            .filter(|m| max_params.is_none_or(|cap| m.params <= cap))
            .collect();
        let score = |m: &ModelView| m.score(focused).unwrap_or(f64::NEG_INFINITY);
        models.sort_by(|a, b| {
            score(b)
                .total_cmp(&score(a))
                .then(a.params.cmp(&b.params))
                .then(a.id.cmp(&b.id))
        });
        models.truncate(top);
        Ok(Ranking {
            models,
            retrain_to_focus,
        })
    }

    async fn focus_of(
        &self,
        session: &Session,
        classes: &[String],
    ) -> Result<Option<Focus>, SessionError> {
        Ok(match classes {
            [] => None,
            classes => Some(self.focus(session, classes).await?),
        })
    }

    /// Every model of the session with its status and latest run, focus-scored under `focus`.
    async fn scored_models(
        &self,
        session: &Session,
        focus: Option<&Focus>,
    ) -> Result<ScoredModels, SessionError> {
        let store = self.store();
        let rows = model_rows(store, session.id).await?;
        let rows_by_id: HashMap<ModelId, _> = rows.iter().map(|r| (r.id, r)).collect();
        let runs = latest_runs(store.runs(session.id).await?);
        let scores = focus.map(|focus| focus.scores(&runs)).unwrap_or_default();
        let mut models = Vec::new();
        for model in store.models(session.id).await? {
            let mut view = ModelView::new(
                &model,
                rows_by_id.get(&model.id).copied(),
                runs.get(&model.id),
            )?;
            match scores.get(&model.id) {
                Some(FocusScore::Accuracy(accuracy)) => view.focus_accuracy = Some(*accuracy),
                Some(FocusScore::Retrain) => view.retrain_to_focus = true,
                None => {}
            }
            models.push(view);
        }
        Ok(ScoredModels { models, rows, runs })
    }
}

/// The best models of a session, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranking {
    pub models: Vec<ModelView>,
    /// Trained models left out because their runs kept no class probabilities.
    pub retrain_to_focus: usize,
}

/// A session's models as views, with the status rows and latest runs they came from.
struct ScoredModels {
    models: Vec<ModelView>,
    rows: Vec<ModelRow>,
    runs: HashMap<ModelId, TrainingRun>,
}

/// The accuracy–size view of the trained models and the ids on their Pareto front, by focus
/// accuracy when `focused`.
fn size_view(models: &[ModelView], focused: bool) -> (OverviewLayout, Vec<ModelId>) {
    let scored: Vec<(ModelId, ModelScore)> = models
        .iter()
        .filter_map(|m| {
            let accuracy = m.score(focused)?;
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
