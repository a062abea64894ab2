//! Focus classes (spec §9.3): each trained model's focus accuracy over a chosen set of
//! classes, from the class log-probabilities its run kept.

use std::collections::HashMap;

use remap_store::screening::{Objective, RunScore};
use remap_store::{ModelId, Session, SessionId, TrainingRun};
use remap_training::{Dataset, LogProbs, focus_accuracy};

use crate::app::App;
use crate::create::{SessionSpec, create_session};
use crate::data::DataCache;
use crate::error::SessionError;
use crate::settings::{DataOptions, TrainingSettings};
use crate::views::SessionInfo;

/// A focus on some of a session's classes.
#[derive(Clone, Debug, PartialEq)]
pub struct Focus {
    /// The class names, in the order given.
    pub classes: Vec<String>,
    /// Their label indices.
    pub indices: Vec<usize>,
    /// Labels of the held-out images, in the data set's fixed order.
    labels: Vec<u32>,
    /// Classes of the data set.
    all: usize,
}

/// A model's standing under a focus.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FocusScore {
    Accuracy(f64),
    /// Trained before runs kept class probabilities: retrain to focus.
    Retrain,
}

impl Focus {
    /// The focus accuracy of a run's result; `None` for a run without a result.
    pub fn score(&self, run: &TrainingRun) -> Option<FocusScore> {
        if !run.status.has_result() {
            return None;
        }
        let Some(bytes) = &run.log_probs else {
            return Some(FocusScore::Retrain);
        };
        let probs = LogProbs::from_bytes(bytes, self.all)?;
        focus_accuracy(&probs, &self.labels, &self.indices).map(FocusScore::Accuracy)
    }

    /// The focus score of each model with a result among `runs` (latest run per model).
    pub(crate) fn scores(
        &self,
        runs: &HashMap<ModelId, TrainingRun>,
    ) -> HashMap<ModelId, FocusScore> {
        runs.iter()
            .filter_map(|(&id, run)| Some((id, self.score(run)?)))
            .collect()
    }
}

/// Screening by the session's focus accuracy once it focuses on two classes or more (spec
/// §9.3): what the scheduler promotes by.
#[derive(Clone)]
pub struct FocusObjective {
    data: DataCache,
}

impl FocusObjective {
    /// Loads data sets through `data` (the one the trainer shares).
    pub fn new(data: DataCache) -> Self {
        FocusObjective { data }
    }
}

#[async_trait::async_trait]
impl Objective for FocusObjective {
    async fn scorer(&self, session: &Session) -> Result<Option<RunScore>, String> {
        if session.focus.len() < 2 {
            return Ok(None);
        }
        let (data, owned) = (self.data.clone(), session.clone());
        let dataset = tokio::task::spawn_blocking(move || data.get(&owned))
            .await
            .map_err(|e| format!("loading the data set crashed: {e}"))?
            .map_err(|e| e.to_string())?;
        let focus = Focus::new(session, &dataset, &session.focus).map_err(|e| e.to_string())?;
        Ok(Some(Box::new(move |run| match focus.score(run)? {
            FocusScore::Accuracy(accuracy) => Some(accuracy),
            FocusScore::Retrain => None,
        })))
    }
}

impl Focus {
    /// The focus on `classes` of `session`'s data set `data` (names as the Data Selector shows
    /// them); an unknown or repeated name is an error that lists the session's classes.
    pub fn new(
        session: &Session,
        data: &Dataset,
        classes: &[String],
    ) -> Result<Focus, SessionError> {
        let mut indices = Vec::with_capacity(classes.len());
        for name in classes {
            let index = data.classes.iter().position(|c| c == name).ok_or_else(|| {
                SessionError::Invalid(format!(
                    "unknown class `{name}` in session `{}` (its classes: {})",
                    session.name,
                    data.classes.join(", ")
                ))
            })?;
            if indices.contains(&index) {
                return Err(SessionError::Invalid(format!(
                    "class `{name}` is named twice in the focus"
                )));
            }
            indices.push(index);
        }
        if indices.is_empty() {
            return Err(SessionError::Invalid(
                "a focus needs at least one class".into(),
            ));
        }
        Ok(Focus {
            classes: classes.to_vec(),
            indices,
            labels: data.held_out.labels.clone(),
            all: data.classes.len(),
        })
    }
}

impl App {
    /// The focus on `classes` of a session ([`Focus::new`] on its data set).
    pub async fn focus(
        &self,
        session: &Session,
        classes: &[String],
    ) -> Result<Focus, SessionError> {
        let data = self.dataset(session).await?;
        Focus::new(session, &data, classes)
    }

    /// Keeps `classes` as the session's focus (empty: none), checked against its data set;
    /// screening ranks by it from now on, and screened models it now sends on are queued.
    pub async fn set_focus(
        &self,
        session_id: SessionId,
        classes: &[String],
    ) -> Result<SessionInfo, SessionError> {
        let session = self.store().session(session_id).await?;
        if !classes.is_empty() {
            self.focus(&session, classes).await?;
        }
        let session = self.store().set_focus(session_id, classes).await?;
        let promoted = self.scheduler().promote(session_id).await?;
        if !promoted.is_empty() {
            tracing::info!(session = %session.name, promoted = promoted.len(), "the new focus promotes screened models");
        }
        self.session_info(&session).await
    }

    /// "New session on these classes": a session of the same data set (options, training
    /// settings, budget) restricted to `classes`, starting from the architectures of
    /// `models` with their heads resized, queued to train. Named `NAME · a, b` (numbered when
    /// taken).
    pub async fn session_on_classes(
        &self,
        from: SessionId,
        classes: &[String],
        models: &[ModelId],
    ) -> Result<SessionInfo, SessionError> {
        let source = self.store().session(from).await?;
        // Checks the names against the source's classes.
        self.focus(&source, classes).await?;
        if models.is_empty() {
            return Err(SessionError::Invalid(
                "choose the models to start the new session from".into(),
            ));
        }
        let mut seeded = Vec::with_capacity(models.len());
        for &id in models {
            seeded.push(self.store().model(id).await?.architecture);
        }
        let mut spec = SessionSpec::new(
            format!("{} · {}", source.name, classes.join(", ")),
            source.dataset.clone(),
        );
        spec.data = DataOptions {
            classes: Some(classes.to_vec()),
            ..DataOptions::from_value(&source.dataset_options, &source.name)?
        };
        spec.training = TrainingSettings::from_value(&source.training, &source.name)?;
        spec.seed = source.seed;
        spec.budget = source.budget;
        spec.space = serde_json::from_value(source.search_space.clone()).map_err(|e| {
            SessionError::Settings {
                session: source.name.clone(),
                column: "search_space",
                detail: e.to_string(),
            }
        })?;
        spec.seeded = seeded;
        spec.name = self.free_name(&spec.name).await?;
        let (session, queued) = create_session(self.scheduler(), &spec).await?;
        tracing::info!(session = %session.name, models = queued.len(), "focus session created");
        self.update_ui_state(|ui| ui.last_session = Some(session.id));
        self.session_info(&session).await
    }
}
