//! Sessions as the session list and `remap session new|list|status` see them: create, list,
//! rename, delete, and the session the window showed last.

use std::time::Duration;

use remap_sampling::{DEFAULT_MAX_PARAMS, SearchSpace};
use remap_store::{JobStatus, Session, SessionId, StoreError};
use serde::Serialize;

use crate::app::App;
use crate::create::{SessionSpec, create_session};
use crate::error::SessionError;
use crate::settings::{DataOptions, Screening, TrainingSettings};
use crate::status::{ModelRow, model_rows};
use crate::views::{ModelScoreView, NewSessionRequest, SessionInfo};

/// How long deleting a session waits for its running jobs to stop (each stops within a batch).
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// A session's models with their jobs, and how many jobs are in each state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionStatus {
    pub session: SessionInfo,
    pub rows: Vec<ModelRow>,
    /// States with at least one model, by name.
    pub counts: Vec<(JobStatus, usize)>,
}

impl App {
    /// Every session, oldest first.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, SessionError> {
        let mut out = Vec::new();
        for session in self.store().sessions().await? {
            out.push(self.session_info(&session).await?);
        }
        Ok(out)
    }

    /// Creates a session: samples its initial models with the session seed and queues them
    /// (they start training if the queue runs); the window shows it next.
    pub async fn create_session(
        &self,
        request: &NewSessionRequest,
    ) -> Result<SessionInfo, SessionError> {
        let mut spec = spec_of(request)?;
        if request.new_name_if_taken == Some(true) {
            spec.name = self.free_name(&spec.name).await?;
        }
        let (session, queued) = create_session(self.scheduler(), &spec).await?;
        tracing::info!(session = %session.name, models = queued.len(), "session created");
        self.update_ui_state(|ui| ui.last_session = Some(session.id));
        self.session_info(&session).await
    }

    /// `name`, or the first of `name 2`, `name 3`, … that no session has.
    pub(crate) async fn free_name(&self, name: &str) -> Result<String, SessionError> {
        let taken: Vec<String> = self
            .store()
            .sessions()
            .await?
            .into_iter()
            .map(|s| s.name)
            .collect();
        Ok(std::iter::once(name.to_string())
            .chain((2..).map(|n| format!("{name} {n}")))
            .find(|candidate| !taken.contains(candidate))
            .expect("an unbounded sequence of names has a free one"))
    }

    /// Sets (or with `None` lifts) a session's parameter budget (spec §9.3): what its
    /// generators and the handcraft editor check children against from now on.
    pub async fn set_budget(
        &self,
        id: SessionId,
        budget: Option<u64>,
    ) -> Result<SessionInfo, SessionError> {
        if budget == Some(0) {
            return Err(SessionError::Invalid(
                "a parameter budget must be at least 1 (or none)".into(),
            ));
        }
        let mut session = self.store().session(id).await?;
        session.budget = budget;
        let session = self.store().update_session(&session).await?;
        self.session_info(&session).await
    }

    pub async fn rename_session(
        &self,
        id: SessionId,
        name: &str,
    ) -> Result<SessionInfo, SessionError> {
        let session = self.store().rename_session(id, name).await?;
        self.session_info(&session).await
    }

    /// Deletes a session with its models, runs and files, after stopping its jobs.
    pub async fn delete_session(&self, id: SessionId) -> Result<(), SessionError> {
        // Queued jobs first, so none of them can start while the running ones stop; again
        // until none is left, as a job may be claimed at that moment or a stopping screened
        // job may promote another.
        let deadline = tokio::time::Instant::now() + STOP_TIMEOUT;
        let too_slow = || {
            SessionError::Invalid(format!(
                "a job of the session did not stop within {} s; nothing was deleted",
                STOP_TIMEOUT.as_secs()
            ))
        };
        loop {
            let mut jobs = self.store().jobs(id).await?;
            jobs.retain(|j| !j.status.is_final());
            if jobs.is_empty() {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(too_slow());
            }
            jobs.sort_by_key(|j| j.status == JobStatus::Running);
            for job in &jobs {
                // A job that ended meanwhile cannot be cancelled any more; that is fine.
                let _ = self.scheduler().cancel(job.id).await;
            }
            let ids: Vec<_> = jobs.iter().map(|j| j.id).collect();
            tokio::time::timeout_at(deadline, self.scheduler().until_stopped(&ids))
                .await
                .map_err(|_| too_slow())?;
            // A job cancelled while being claimed is not in the running map yet.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.store().delete_session(id).await?;
        if self.ui_state().last_session == Some(id) {
            self.update_ui_state(|ui| ui.last_session = None);
        }
        Ok(())
    }

    /// Forgets the session shown last (another database's ids mean other sessions).
    pub fn forget_last_session(&self) {
        self.update_ui_state(|ui| ui.last_session = None);
    }

    /// The session the window showed last, if it still exists.
    pub async fn last_session(&self) -> Result<Option<SessionInfo>, SessionError> {
        let Some(id) = self.ui_state().last_session else {
            return Ok(None);
        };
        match self.store().session(id).await {
            Ok(session) => Ok(Some(self.session_info(&session).await?)),
            Err(StoreError::UnknownSession(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The session called `name`, with one row per model and the count of each job state.
    pub async fn session_status(&self, name: &str) -> Result<SessionStatus, SessionError> {
        let session = self.store().session_by_name(name).await?;
        let rows = model_rows(self.store(), session.id).await?;
        let counts = JobStatus::ALL
            .iter()
            .map(|&s| (s, rows.iter().filter(|r| r.status == Some(s)).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        Ok(SessionStatus {
            session: session_info(&session, &rows),
            rows,
            counts,
        })
    }

    /// The session list's row of `session`.
    pub async fn session_info(&self, session: &Session) -> Result<SessionInfo, SessionError> {
        let rows = model_rows(self.store(), session.id).await?;
        Ok(session_info(session, &rows))
    }
}

/// The session spec a request asks for, REMAP's defaults filling what it leaves out.
pub(crate) fn spec_of(request: &NewSessionRequest) -> Result<SessionSpec, SessionError> {
    let name = request.name.trim();
    if name.is_empty() {
        return Err(SessionError::Invalid("a session needs a name".into()));
    }
    if request.models == Some(0) {
        return Err(SessionError::Invalid(
            "a session needs at least 1 model".into(),
        ));
    }
    let dataset = request.dataset.trim();
    let mut spec = SessionSpec::new(
        name,
        if dataset.is_empty() {
            "sketches"
        } else {
            dataset
        },
    );
    let defaults = DataOptions::default();
    spec.data = DataOptions {
        classes: request.classes.clone().filter(|c| !c.is_empty()),
        limit: request.limit,
        seed: request.data_seed.unwrap_or(defaults.seed),
        per_class: request.per_class.unwrap_or(defaults.per_class),
        ..defaults
    };
    let training = TrainingSettings::default();
    spec.training = TrainingSettings {
        epochs: request.epochs.unwrap_or(training.epochs),
        batch: request.batch.or(training.batch),
        device: match &request.device {
            Some(device) => device
                .parse()
                .map_err(|e| SessionError::Invalid(format!("device `{device}`: {e}")))?,
            None => training.device,
        },
        screening: match &request.screening {
            Some(name) => Screening::from_name(name).ok_or_else(|| {
                SessionError::Invalid(format!("screening `{name}`: use `halving` or `off`"))
            })?,
            None => training.screening,
        },
    };
    spec.models = request.models.unwrap_or(spec.models);
    // No seed: a fresh one, kept with the session (so it can be repeated).
    spec.seed = request.seed.unwrap_or_else(fresh_seed);
    if let Some(space) = &request.space {
        spec.space = SearchSpace::from_name_or_file(space)?;
    }
    spec.max_params = request.max_params.unwrap_or(DEFAULT_MAX_PARAMS);
    spec.budget = request.max_params;
    Ok(spec)
}

/// A seed nobody chose: from the clock and the process, small enough to read and type.
fn fresh_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now()) % 1_000_000
}

/// The session list's row of `session`, from its model rows.
pub(crate) fn session_info(session: &Session, rows: &[ModelRow]) -> SessionInfo {
    let count = |wanted: fn(JobStatus) -> bool| {
        rows.iter().filter(|r| r.status.is_some_and(wanted)).count()
    };
    let best = rows
        .iter()
        .filter(|r| r.status.is_some_and(JobStatus::has_result))
        .filter_map(|r| r.val_accuracy.map(|val_accuracy| (r.id, val_accuracy)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(model, val_accuracy)| ModelScoreView {
            model,
            val_accuracy,
        });
    SessionInfo {
        id: session.id,
        name: session.name.clone(),
        dataset: session.dataset.clone(),
        classes: known_classes(session),
        models: rows.len(),
        trained: count(JobStatus::has_result),
        screened: count(|s| s == JobStatus::Screened),
        finished: count(JobStatus::is_final),
        pending: count(|s| !s.is_final()),
        best,
        seed: session.seed,
        budget: session.budget,
        focus: session.focus.clone(),
        created_at: session.created_at,
    }
}

/// Class names without loading the data set: the chosen subset, or the source's own fixed
/// classes (empty when only its files tell).
fn known_classes(session: &Session) -> Vec<String> {
    DataOptions::from_value(&session.dataset_options, &session.name)
        .ok()
        .and_then(|o| o.classes)
        .or_else(|| {
            let source: remap_datasets::DatasetSource = session.dataset.parse().ok()?;
            source.fixed_classes()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_fills_in_remaps_defaults_and_rejects_what_cannot_work() {
        let spec = spec_of(&NewSessionRequest {
            name: "  demo ".into(),
            ..NewSessionRequest::default()
        })
        .unwrap();
        assert_eq!(spec.name, "demo");
        assert_eq!(spec.dataset, "sketches");
        assert_eq!(spec.models, crate::DEFAULT_MODELS);
        assert_eq!(spec.training, TrainingSettings::default());
        let bad = |request: NewSessionRequest| spec_of(&request).unwrap_err().to_string();
        assert!(bad(NewSessionRequest::default()).contains("name"));
        let zero = NewSessionRequest {
            name: "x".into(),
            models: Some(0),
            ..NewSessionRequest::default()
        };
        assert!(bad(zero).contains("at least 1"));
        let device = NewSessionRequest {
            name: "x".into(),
            device: Some("tpu".into()),
            ..NewSessionRequest::default()
        };
        assert!(bad(device).contains("tpu"));
    }
}
