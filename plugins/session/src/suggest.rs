//! Suggestions inside a session (spec §10.1): the session's trained models teach the
//! surrogate (validation accuracy, or the focus accuracy under a focus of two classes or
//! more; screened-out models through the epochs they got), queued and running jobs count as
//! pending, and the candidates of the session's own generators are ranked by expected
//! improvement over the best model, one at a time, so that a batch spreads out.

mod candidates;
mod select;

use std::collections::{HashMap, HashSet};

use remap_architecture::{Architecture, Origin};
use remap_sampling::{SearchSpace, Skipped, over_budget, over_budget_reason};
use remap_store::{JobStatus, ModelId, NewModel, Session, SessionId, Store};
use remap_surrogate::{DistanceCache, FitOptions, Observation, Surrogate, expected_improvement};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app::App;
use crate::children::session_space;
use crate::error::SessionError;
use crate::focus::{Focus, FocusScore};
use crate::overview::latest_runs;
use crate::settings::TrainingSettings;
use crate::views::{Queued, QueuedModel};

use candidates::{Generators, Parent, candidates};
use select::{Chosen, select};

/// An untrained architecture the surrogate suggests training next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Suggestion {
    #[ts(type = "unknown")]
    pub architecture: Architecture,
    /// One-line summary of the architecture.
    pub summary: String,
    pub hash: String,
    pub params: u64,
    /// The model it was made from; `None` for a fresh sample.
    pub parent: Option<ModelId>,
    /// The generator that made it: `variation`, `ablation` or `sampled`.
    pub made_by: Origin,
    /// What changed from the parent, in edit-script order.
    pub changes: Vec<String>,
    /// Predicted accuracy (0–1) of the objective and its standard deviation.
    pub mean: f64,
    pub std: f64,
    /// Expected improvement over the best model, given the suggestions before it.
    pub acquisition: f64,
    /// E.g. "EI 0.012: +2.1 pp against the best (81.3 %), σ 3.4 pp".
    pub reason: String,
}

/// What the surrogate and the generators need of a session, read from the store.
struct SessionState {
    name: String,
    space: SearchSpace,
    budget: Option<u64>,
    seed: u64,
    /// Trained models (a result, to the end or to a screening rung) with their objective.
    trained: Vec<(ModelId, Observation)>,
    /// Architectures of queued and running jobs.
    pending: Vec<Architecture>,
    /// Hashes of every model of the session.
    existing: HashSet<String>,
}

impl SessionState {
    async fn read(
        store: &Store,
        session: &Session,
        focus: Option<&Focus>,
    ) -> Result<Self, SessionError> {
        let models = store.models(session.id).await?;
        let runs = latest_runs(store.runs(session.id).await?);
        let mut trained = Vec::new();
        for model in &models {
            let Some(run) = runs.get(&model.id).filter(|r| r.status.has_result()) else {
                continue;
            };
            let accuracy = match focus {
                Some(focus) => match focus.score(run) {
                    Some(FocusScore::Accuracy(accuracy)) => Some(accuracy),
                    _ => None,
                },
                None => run.val_accuracy(),
            };
            let done = run.epochs.len() as u32;
            let Some(accuracy) = accuracy.filter(|a| (0.0..=1.0).contains(a)) else {
                continue;
            };
            if done == 0 {
                continue;
            }
            let mut observation = Observation::new(model.architecture.clone(), accuracy);
            if done < model.epochs {
                observation = observation.with_epochs(done, model.epochs);
            }
            trained.push((model.id, observation));
        }
        let by_id: HashMap<ModelId, &Architecture> =
            models.iter().map(|m| (m.id, &m.architecture)).collect();
        let pending = store
            .jobs(session.id)
            .await?
            .into_iter()
            .filter(|job| matches!(job.status, JobStatus::Queued | JobStatus::Running))
            .filter_map(|job| by_id.get(&job.model_id).map(|a| (*a).clone()))
            .collect();
        Ok(SessionState {
            name: session.name.clone(),
            space: session_space(store, session.id).await?,
            budget: session.budget,
            // Deterministic for a given state; a new model gives new draws.
            seed: session.seed.wrapping_add(models.len() as u64),
            existing: models.into_iter().map(|m| m.hash).collect(),
            trained,
            pending,
        })
    }

    /// The best objective reached by a fully trained model within the budget (else by any
    /// trained model): what expected improvement is measured from.
    fn best(&self) -> f64 {
        let max = |full_only: bool| {
            self.trained
                .iter()
                .map(|(_, o)| o)
                .filter(|o| {
                    !full_only
                        || (o.fidelity.is_none()
                            && o.architecture
                                .params()
                                .is_ok_and(|p| over_budget(p, self.budget).is_none()))
                })
                .map(|o| o.accuracy)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let full = max(true);
        if full.is_finite() { full } else { max(false) }
    }
}

/// The suggestions for a session's state: pure computation, run off the async threads.
fn plan(state: &SessionState, count: usize) -> Result<Vec<Suggestion>, SessionError> {
    let failed = |e: remap_surrogate::SurrogateError| {
        SessionError::Invalid(format!("surrogate of session `{}`: {e}", state.name))
    };
    if state.trained.is_empty() {
        return Err(SessionError::Invalid(format!(
            "session `{}` has no trained model yet: suggestions need at least one result",
            state.name
        )));
    }
    let observations: Vec<Observation> = state.trained.iter().map(|(_, o)| o.clone()).collect();
    let options = FitOptions {
        seed: state.seed,
        ..FitOptions::default()
    };
    let surrogate = Surrogate::fit(&observations, DistanceCache::new(), options)
        .map_err(failed)?
        .with_pending(&state.pending)
        .map_err(failed)?;
    let best = state.best();
    let parents_arch: Vec<Architecture> = observations
        .iter()
        .map(|o| o.architecture.clone())
        .collect();
    let parents = surrogate
        .predict_many(&parents_arch)
        .map_err(failed)?
        .into_iter()
        .zip(&state.trained)
        .map(|(prediction, (id, o))| Parent {
            id: *id,
            architecture: o.architecture.clone(),
            acquisition: expected_improvement(prediction, best),
        })
        .collect::<Vec<_>>();
    let generators = Generators {
        space: &state.space,
        budget: state.budget,
        existing: &state.existing,
        seed: state.seed,
    };
    let (found, errors) = candidates(&parents, &generators);
    for error in &errors {
        tracing::warn!(session = %state.name, "suggestion candidates: {error}");
    }
    if found.is_empty() {
        return Err(SessionError::Invalid(format!(
            "session `{}`: no candidate left to suggest (every variation, ablation and sample \
             made is already in the session or over its budget){}",
            state.name,
            if errors.is_empty() {
                String::new()
            } else {
                format!("; {}", errors.join("; "))
            }
        )));
    }
    let chosen = select(surrogate, found, state.pending.clone(), best, count).map_err(failed)?;
    Ok(chosen.into_iter().map(|c| suggestion(c, best)).collect())
}

fn suggestion(chosen: Chosen, best: f64) -> Suggestion {
    let Chosen {
        candidate,
        prediction,
        acquisition,
    } = chosen;
    Suggestion {
        summary: candidate.architecture.summary(),
        architecture: candidate.architecture,
        hash: candidate.hash,
        params: candidate.params,
        parent: candidate.parent,
        made_by: candidate.made_by,
        changes: candidate.changes,
        mean: prediction.mean,
        std: prediction.std,
        acquisition,
        reason: reason(acquisition, prediction.mean, prediction.std, best),
    }
}

/// "EI 0.012: +2.1 pp against the best (81.3 %), σ 3.4 pp".
fn reason(acquisition: f64, mean: f64, std: f64, best: f64) -> String {
    format!(
        "EI {acquisition:.3}: {:+.1} pp against the best ({:.1} %), σ {:.1} pp",
        (mean - best) * 100.0,
        best * 100.0,
        std * 100.0
    )
}

impl App {
    /// Up to `count` suggestions of what to train next in the session, best first; none
    /// repeats a model of the session or exceeds its budget.
    pub async fn suggest(
        &self,
        session_id: SessionId,
        count: usize,
    ) -> Result<Vec<Suggestion>, SessionError> {
        let session = self.store().session(session_id).await?;
        let focus = if session.focus.len() >= 2 {
            Some(self.focus(&session, &session.focus).await?)
        } else {
            None
        };
        let state = SessionState::read(self.store(), &session, focus.as_ref()).await?;
        tokio::task::spawn_blocking(move || plan(&state, count))
            .await
            .map_err(|e| SessionError::Invalid(format!("suggesting crashed: {e}")))?
    }

    /// Stores `suggestions` as models of origin `suggested` with their parents and queues
    /// them (children for their parent's epochs, fresh samples for the session's). One the
    /// session already has, or over its budget, is skipped with the reason.
    pub async fn queue_suggestions(
        &self,
        session_id: SessionId,
        suggestions: &[Suggestion],
    ) -> Result<Queued, SessionError> {
        let store = self.store();
        let session = store.session(session_id).await?;
        let settings = TrainingSettings::from_value(&session.training, &session.name)?;
        let mut out = Queued {
            models: Vec::new(),
            skipped: Vec::new(),
            dropped_over_budget: 0,
        };
        for suggestion in suggestions {
            let architecture = &suggestion.architecture;
            let params = architecture.params().map_err(|e| {
                SessionError::Invalid(format!("suggestion {}: {e}", suggestion.hash))
            })?;
            if let Some(reason) = over_budget_reason(params, session.budget) {
                out.dropped_over_budget += 1;
                out.skipped.push(Skipped {
                    layer: None,
                    reason: format!("suggestion {}: {reason}", suggestion.hash),
                });
                continue;
            }
            let epochs = match suggestion.parent {
                Some(id) => {
                    let parent = store.model(id).await?;
                    if parent.session_id != session_id {
                        return Err(SessionError::ModelNotInSession {
                            model: id,
                            session: session.name.clone(),
                        });
                    }
                    parent.epochs
                }
                None => settings.epochs,
            };
            let new = NewModel {
                architecture: architecture.clone(),
                origin: Origin::Suggested,
                parent_id: suggestion.parent,
                changes: suggestion.changes.clone(),
                epochs,
            };
            let (model, created) = store.add_model(session_id, &new).await?;
            if !created {
                out.skipped.push(Skipped {
                    layer: None,
                    reason: format!(
                        "model {} of the session already has hash {}",
                        model.id, model.hash
                    ),
                });
                continue;
            }
            let rung = settings.first_rung(model.epochs);
            let job = self.scheduler().enqueue(model.id, None, rung).await?;
            out.models.push(QueuedModel {
                id: model.id,
                job: job.id,
                hash: model.hash,
                origin: model.origin,
                parent: model.parent_id,
                params: model.params,
                changes: model.changes,
                architecture: model.architecture,
            });
        }
        Ok(out)
    }

    /// [`App::suggest`] `count`, then [`App::queue_suggestions`] of them.
    pub async fn queue_top_suggestions(
        &self,
        session_id: SessionId,
        count: usize,
    ) -> Result<Queued, SessionError> {
        let suggestions = self.suggest(session_id, count).await?;
        self.queue_suggestions(session_id, &suggestions).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reason_says_gain_best_and_spread() {
        assert_eq!(
            reason(0.0123, 0.834, 0.034, 0.813),
            "EI 0.012: +2.1 pp against the best (81.3 %), σ 3.4 pp"
        );
        assert_eq!(
            reason(0.001, 0.70, 0.05, 0.80),
            "EI 0.001: -10.0 pp against the best (80.0 %), σ 5.0 pp"
        );
    }
}
