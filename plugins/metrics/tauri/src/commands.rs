//! Thin commands: parse, delegate to `remap_metrics` on a blocking thread, return.

use remap_architecture::Architecture;
use remap_metrics::{
    DistanceMatrix, ModelScore, OtmannNetwork, SmacofOptions,
    otmann::{OtmannVariant, distance},
    prediction::check_predictions,
    prediction_distance, project_incremental,
};

use crate::{Error, ProjectRequest, Projection};

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| Error::Join(e.to_string()))?
}

/// OTMANN distances between architectures (normalised to [0, 1] when `normalized`).
#[tauri::command]
pub async fn otmann_matrix(
    architectures: Vec<serde_json::Value>,
    normalized: bool,
) -> Result<Vec<Vec<f64>>, Error> {
    blocking(move || {
        let nets = architectures
            .iter()
            .enumerate()
            .map(|(index, v)| {
                let arch = Architecture::from_value(v)
                    .and_then(|a| a.analyze().map(|_| a))
                    .map_err(|source| Error::Architecture { index, source })?;
                Ok(OtmannNetwork::new(&arch))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let variant = if normalized {
            OtmannVariant::Normalized
        } else {
            OtmannVariant::Plain
        };
        Ok(DistanceMatrix::build(&nets, |a, b| distance(variant, a, b)).to_rows())
    })
    .await
}

/// Prediction distances (share of held-out images labelled differently) between models.
#[tauri::command]
pub async fn prediction_matrix(predictions: Vec<Vec<u32>>) -> Result<Vec<Vec<f64>>, Error> {
    blocking(move || {
        check_predictions(&predictions)?;
        let m = DistanceMatrix::build(&predictions, |a, b| {
            prediction_distance(a, b).unwrap_or(f64::NAN)
        });
        Ok(m.to_rows())
    })
    .await
}

/// A 2-D SMACOF layout, warm-started and aligned to `previous` when given.
#[tauri::command]
pub async fn project(request: ProjectRequest) -> Result<Projection, Error> {
    blocking(move || {
        let d = DistanceMatrix::from_rows(&request.matrix)?;
        let options = SmacofOptions::default();
        Ok(match request.previous {
            Some(previous) if !previous.is_empty() => {
                let grown = project_incremental(&d, &previous, options)?;
                Projection {
                    coords: grown.layout.coords,
                    stress: grown.layout.stress,
                    moved: Some(grown.moved),
                }
            }
            _ => {
                let layout = remap_metrics::project(&d, options)?;
                Projection {
                    coords: layout.coords,
                    stress: layout.stress,
                    moved: None,
                }
            }
        })
    })
    .await
}

/// Indices of the models on the accuracy-vs-parameters Pareto front.
#[tauri::command]
pub fn pareto_front(models: Vec<ModelScore>) -> Vec<usize> {
    remap_metrics::pareto_front(&models)
}
