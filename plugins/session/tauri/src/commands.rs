//! Thin commands: read the request, delegate to the session layer and the store, return
//! view types. Slow work (data sets, maps) runs off the async runtime's threads.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use remap_architecture::align;
use remap_datasets::Dataset;
use remap_metrics::{ModelScore, accuracy_size_coords, pareto_front};
use remap_session::{
    DataOptions, MapKind, MapModel, SessionSpec, TrainingSettings, create_session as create,
    model_rows, session_map,
};
use remap_store::{JobStatus, ModelId, Session, SessionId};
use tauri::State;

use crate::Error;
use crate::state::RemapState;
use crate::views::{
    ClassSamples, Comparison, ModelDetail, ModelView, NewSessionRequest, Overview, OverviewLayout,
    QueueJob, SessionInfo, latest_runs, session_info,
};

/// The session's data set, loaded once per process (it is shared with the trainer).
async fn dataset(state: &RemapState, session: &Session) -> Result<Arc<Dataset>, Error> {
    let (state, session) = (Arc::clone(state), session.clone());
    tauri::async_runtime::spawn_blocking(move || state.runner.data().get(&session))
        .await
        .map_err(|e| Error::Invalid(format!("loading the data set crashed: {e}")))?
        .map_err(Error::from)
}

/// Class names without loading the data set: the chosen subset, or the sketches' classes.
fn known_classes(session: &Session) -> Vec<String> {
    let subset = DataOptions::from_value(&session.dataset_options, &session.name)
        .ok()
        .and_then(|o| o.classes);
    match subset {
        Some(classes) => classes,
        None if session.dataset == "sketches" => remap_datasets::sketches::CLASSES
            .iter()
            .map(|c| c.to_string())
            .collect(),
        None => Vec::new(),
    }
}

async fn info(state: &RemapState, session: &Session) -> Result<SessionInfo, Error> {
    let rows = model_rows(&state.store, session.id).await?;
    Ok(session_info(session, known_classes(session), &rows))
}

/// Every session, oldest first.
#[tauri::command]
pub async fn sessions(state: State<'_, RemapState>) -> Result<Vec<SessionInfo>, Error> {
    let mut out = Vec::new();
    for session in state.store.sessions().await? {
        out.push(info(&state, &session).await?);
    }
    Ok(out)
}

/// Creates a session (sampling and queueing its models, which then start training).
#[tauri::command]
pub async fn create_session(
    state: State<'_, RemapState>,
    request: NewSessionRequest,
) -> Result<SessionInfo, Error> {
    let mut spec = SessionSpec::new(request.name.trim(), request.dataset.trim());
    if let Some(models) = request.models {
        spec.models = models;
    }
    if let Some(seed) = request.seed {
        spec.seed = seed;
    }
    spec.training = TrainingSettings {
        epochs: request.epochs.unwrap_or(spec.training.epochs),
        ..spec.training
    };
    spec.data.classes = request.classes.filter(|c| !c.is_empty());
    spec.data.limit = request.limit;
    if let Some(per_class) = request.per_class {
        spec.data.per_class = per_class;
    }
    let (session, queued) = create(&state.store, &spec).await?;
    tracing::info!(session = %session.name, models = queued.len(), "session created");
    state.set_last_session(Some(session.id));
    info(&state, &session).await
}

#[tauri::command]
pub async fn rename_session(
    state: State<'_, RemapState>,
    id: SessionId,
    name: String,
) -> Result<SessionInfo, Error> {
    let session = state.store.rename_session(id, &name).await?;
    info(&state, &session).await
}

/// Deletes a session after stopping its jobs (a running one stops within one batch).
#[tauri::command]
pub async fn delete_session(state: State<'_, RemapState>, id: SessionId) -> Result<(), Error> {
    let jobs = state.store.jobs(id).await?;
    for job in jobs.iter().filter(|j| !j.status.is_final()) {
        state.scheduler.cancel(job.id).await?;
    }
    let ids: Vec<_> = jobs.iter().map(|j| j.id).collect();
    for _ in 0..600 {
        if !state
            .scheduler
            .running_jobs()
            .iter()
            .any(|j| ids.contains(j))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    state.store.delete_session(id).await?;
    if state.last_session() == Some(id) {
        state.set_last_session(None);
    }
    Ok(())
}

/// The session shown last, if it still exists.
#[tauri::command]
pub async fn last_session(state: State<'_, RemapState>) -> Result<Option<SessionInfo>, Error> {
    let Some(id) = state.last_session() else {
        return Ok(None);
    };
    match state.store.session(id).await {
        Ok(session) => Ok(Some(info(&state, &session).await?)),
        Err(remap_store::StoreError::UnknownSession(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Models, both maps and the Pareto front of a session; remembers it as the one shown.
#[tauri::command]
pub async fn overview(
    state: State<'_, RemapState>,
    session_id: SessionId,
) -> Result<Overview, Error> {
    let store = &state.store;
    let session = store.session(session_id).await?;
    state.set_last_session(Some(session_id));
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
    let scored: Vec<(&ModelView, ModelScore)> = models
        .iter()
        .filter_map(|m| {
            let accuracy = m
                .val_accuracy
                .filter(|_| m.status == Some(JobStatus::Done))?;
            Some((
                m,
                ModelScore {
                    accuracy,
                    params: m.params,
                },
            ))
        })
        .collect();
    let scores: Vec<ModelScore> = scored.iter().map(|(_, s)| *s).collect();
    let pareto = pareto_front(&scores)
        .into_iter()
        .map(|i| scored[i].0.id)
        .collect();
    let size = OverviewLayout {
        view: "size",
        ids: scored.iter().map(|(m, _)| m.id).collect(),
        coords: accuracy_size_coords(&scores),
        stress: 0.0,
    };
    Ok(Overview {
        session: session_info(&session, known_classes(&session), &rows),
        models,
        prediction: prediction.into(),
        structure: structure.into(),
        size,
        pareto,
    })
}

async fn model_view(
    state: &RemapState,
    id: ModelId,
) -> Result<(ModelView, Option<remap_store::TrainingRun>), Error> {
    let store = &state.store;
    let model = store.model(id).await?;
    let rows = model_rows(store, model.session_id).await?;
    let row = rows.iter().find(|r| r.id == id);
    let run = latest_runs(store.runs_of_model(id).await?).remove(&id);
    Ok((ModelView::new(&model, row, run.as_ref())?, run))
}

/// The Model Inspector's facts about one model.
#[tauri::command]
pub async fn model_detail(
    state: State<'_, RemapState>,
    model_id: ModelId,
) -> Result<ModelDetail, Error> {
    let (model, run) = model_view(&state, model_id).await?;
    let parent = match model.parent {
        Some(parent) => Some(model_view(&state, parent).await?.0),
        None => None,
    };
    let session = state
        .store
        .session(state.store.model(model_id).await?.session_id)
        .await?;
    let classes = dataset(&state, &session).await?.classes.clone();
    // A job still training shows the epochs it has finished so far.
    let epochs = match &run {
        Some(run) => run.epochs.clone(),
        None => match model.job {
            Some(job) => state.store.job(job).await?.progress,
            None => Vec::new(),
        },
    };
    Ok(ModelDetail {
        parent,
        classes,
        epochs,
        confusion: run.as_ref().and_then(|r| r.confusion.clone()),
        accuracy_per_log_params: model.val_accuracy.and_then(|accuracy| {
            ModelScore {
                accuracy,
                params: model.params,
            }
            .accuracy_per_log_params()
        }),
        device: run.as_ref().map(|r| r.device.clone()),
        error: run.as_ref().and_then(|r| r.error.clone()),
        model,
    })
}

/// The first `per_class` held-out images of every class, as PNG data URLs.
#[tauri::command]
pub async fn class_samples(
    state: State<'_, RemapState>,
    session_id: SessionId,
    per_class: usize,
) -> Result<Vec<ClassSamples>, Error> {
    let session = state.store.session(session_id).await?;
    let data = dataset(&state, &session).await?;
    tauri::async_runtime::spawn_blocking(move || {
        (0..data.classes.len())
            .map(|class| {
                let images = remap_datasets::sample_images(&data, class as u32, per_class)
                    .into_iter()
                    .map(|image| {
                        remap_datasets::encode_png(image, data.height, data.width, data.channels)
                            .map(|png| {
                                format!(
                                    "data:image/png;base64,{}",
                                    base64::engine::general_purpose::STANDARD.encode(png)
                                )
                            })
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| Error::Invalid(format!("sample images: {e}")))?;
                Ok(ClassSamples {
                    name: data.classes[class].clone(),
                    images,
                })
            })
            .collect()
    })
    .await
    .map_err(|e| Error::Invalid(format!("rendering samples crashed: {e}")))?
}

#[tauri::command]
pub async fn drawer(
    state: State<'_, RemapState>,
    session_id: SessionId,
) -> Result<Vec<ModelId>, Error> {
    Ok(state.store.drawer(session_id).await?)
}

#[tauri::command]
pub async fn add_to_drawer(
    state: State<'_, RemapState>,
    model_ids: Vec<ModelId>,
) -> Result<(), Error> {
    for id in model_ids {
        state.store.add_to_drawer(id).await?;
    }
    Ok(())
}

#[tauri::command]
pub async fn remove_from_drawer(
    state: State<'_, RemapState>,
    model_id: ModelId,
) -> Result<(), Error> {
    Ok(state.store.remove_from_drawer(model_id).await?)
}

/// Two models aligned layer by layer, with b − a differences.
#[tauri::command]
pub async fn compare(
    state: State<'_, RemapState>,
    a: ModelId,
    b: ModelId,
) -> Result<Comparison, Error> {
    let (left, _) = model_view(&state, a).await?;
    let (right, _) = model_view(&state, b).await?;
    let store = &state.store;
    let (model_a, model_b) = (store.model(a).await?, store.model(b).await?);
    let session = store.session(model_a.session_id).await?;
    let classes = dataset(&state, &session).await?.classes.clone();
    let rows = align(&model_a.architecture.layers, &model_b.architecture.layers);
    let delta_accuracy = left
        .val_accuracy
        .zip(right.val_accuracy)
        .map(|(x, y)| y - x);
    let delta_per_class = (0..classes.len())
        .map(|c| {
            let of = |m: &ModelView| {
                m.per_class_accuracy
                    .as_ref()
                    .and_then(|p| p.get(c).copied())
            };
            of(&left).zip(of(&right)).map(|(x, y)| y - x)
        })
        .collect();
    Ok(Comparison {
        delta_params: model_b.params as i64 - model_a.params as i64,
        delta_accuracy,
        delta_per_class,
        classes,
        rows,
        a: left,
        b: right,
    })
}

/// The session's jobs in queue order (finished ones after, newest first).
#[tauri::command]
pub async fn queue(
    state: State<'_, RemapState>,
    session_id: SessionId,
) -> Result<Vec<QueueJob>, Error> {
    let store = &state.store;
    let epochs: HashMap<ModelId, u32> = store
        .models(session_id)
        .await?
        .into_iter()
        .map(|m| (m.id, m.epochs))
        .collect();
    let errors: HashMap<_, _> = store
        .runs(session_id)
        .await?
        .into_iter()
        .filter_map(|r| Some((r.job_id?, r.error?)))
        .collect();
    let mut jobs = store.jobs(session_id).await?;
    jobs.sort_by_key(|j| {
        (
            j.status.is_final(),
            if j.status.is_final() {
                -j.updated_at
            } else {
                j.position
            },
        )
    });
    Ok(jobs
        .iter()
        .map(|j| {
            QueueJob::new(
                j,
                epochs.get(&j.model_id).copied().unwrap_or(0),
                errors.get(&j.id).cloned(),
            )
        })
        .collect())
}
