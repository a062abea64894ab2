//! The Model Overview's two maps of a session's trained models (spec §6.3): prediction
//! similarity and structural similarity, each a 2-D SMACOF layout of a distance matrix.
//!
//! Matrices and layouts are cached in the store by model ids. When models are added, only
//! the new rows of each matrix are computed, and the layout grows from the cached one
//! (warm start + Procrustes), so existing points stay where the user saw them.

use remap_architecture::Architecture;
use remap_metrics::{
    DistanceMatrix, OtmannNetwork, SmacofOptions, otmann_normalized, prediction_distance, project,
    project_incremental,
};
use remap_store::{ModelId, SessionId, Store};
use serde::Serialize;

use crate::error::SessionError;

/// A trained model as the maps need it.
#[derive(Clone, Debug)]
pub struct MapModel {
    pub id: ModelId,
    pub architecture: Architecture,
    /// Predicted labels of the held-out images, in the data set's order.
    pub predictions: Vec<u8>,
}

/// Which distance a map shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MapKind {
    /// Share of held-out images two models label differently.
    Prediction,
    /// Normalised OTMANN distance between the architectures.
    Structure,
}

impl MapKind {
    /// `prediction` or `structure`.
    pub fn name(self) -> &'static str {
        match self {
            MapKind::Prediction => "prediction",
            MapKind::Structure => "structure",
        }
    }
}

/// One map: model ids and their 2-D coordinates in the same order, with the layout's
/// normalised stress.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Map {
    pub view: MapKind,
    pub ids: Vec<ModelId>,
    pub coords: Vec<[f64; 2]>,
    pub stress: f64,
}

/// The map of `kind` for `models` (the session's trained models, any order).
pub async fn session_map(
    store: &Store,
    session: SessionId,
    kind: MapKind,
    models: &[MapModel],
) -> Result<Map, SessionError> {
    let matrix_kind = format!("distance:{}", kind.name());
    let layout_kind = format!("layout:{}", kind.name());
    let cached_layout = store.cached(session, &layout_kind).await?;
    let cached_matrix = store.cached(session, &matrix_kind).await?;

    // Models already on the cached map come first, in its order, then the new ones.
    let previous_ids: Vec<ModelId> = cached_layout
        .as_ref()
        .map(|c| c.model_ids.clone())
        .unwrap_or_default();
    let order = map_order(&previous_ids, models);
    let ids: Vec<ModelId> = order.iter().map(|&i| models[i].id).collect();
    if let Some(cached) = &cached_layout
        && cached.model_ids == ids
        && let Some((coords, stress)) = decode_layout(&cached.data, ids.len())
    {
        return Ok(Map {
            view: kind,
            ids,
            coords,
            stress,
        });
    }

    let ordered: Vec<MapModel> = order.iter().map(|&i| models[i].clone()).collect();
    let reusable = cached_matrix.and_then(|c| {
        let n = common_prefix(&c.model_ids, &ids);
        let full = DistanceMatrix::from_packed(c.model_ids.len(), decode_f64(&c.data)?)?;
        Some(full.leading(n))
    });
    let kept_coords: Vec<[f64; 2]> = cached_layout
        .as_ref()
        .and_then(|c| decode_layout(&c.data, c.model_ids.len()))
        .map(|(coords, _)| {
            let position = |id| position_of(&previous_ids, id);
            ids.iter()
                .map_while(|&id| position(id).map(|p| coords[p]))
                .collect()
        })
        .unwrap_or_default();

    let (matrix, coords, stress) = tokio::task::spawn_blocking(move || {
        let matrix = grow_matrix(kind, reusable, &ordered);
        let (coords, stress) = lay_out(&matrix, &kept_coords);
        (matrix, coords, stress)
    })
    .await
    .map_err(|e| {
        SessionError::Invalid(format!("computing the {} map crashed: {e}", kind.name()))
    })?;

    store
        .put_cached(session, &matrix_kind, &ids, &encode_f64(matrix.packed()))
        .await?;
    store
        .put_cached(session, &layout_kind, &ids, &encode_layout(&coords, stress))
        .await?;
    Ok(Map {
        view: kind,
        ids,
        coords,
        stress,
    })
}

fn position_of(ids: &[ModelId], id: ModelId) -> Option<usize> {
    ids.iter().position(|&x| x == id)
}

/// Indices into `models`: those on the previous map in its order, then the rest by id.
fn map_order(previous: &[ModelId], models: &[MapModel]) -> Vec<usize> {
    let mut order: Vec<usize> = previous
        .iter()
        .filter_map(|&id| models.iter().position(|m| m.id == id))
        .collect();
    let mut rest: Vec<usize> = (0..models.len()).filter(|i| !order.contains(i)).collect();
    rest.sort_by_key(|&i| models[i].id);
    order.extend(rest);
    order
}

fn common_prefix(a: &[ModelId], b: &[ModelId]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The matrix of `models`, reusing the rows of `known` (its models are the first ones).
fn grow_matrix(
    kind: MapKind,
    known: Option<DistanceMatrix>,
    models: &[MapModel],
) -> DistanceMatrix {
    let mut matrix = known.unwrap_or_default();
    match kind {
        MapKind::Prediction => {
            let labels: Vec<Vec<u32>> = models
                .iter()
                .map(|m| m.predictions.iter().map(|&p| u32::from(p)).collect())
                .collect();
            // Runs of one session predict the same held-out images; a mismatch (a data set
            // that changed) counts as completely different.
            matrix.extend(&labels, |a, b| prediction_distance(a, b).unwrap_or(1.0));
        }
        MapKind::Structure => {
            let nets: Vec<OtmannNetwork> = models
                .iter()
                .map(|m| OtmannNetwork::new(&m.architecture))
                .collect();
            matrix.extend(&nets, otmann_normalized);
        }
    }
    matrix
}

/// A layout of `matrix`, grown from `previous` (coordinates of its first models) if any.
fn lay_out(matrix: &DistanceMatrix, previous: &[[f64; 2]]) -> (Vec<[f64; 2]>, f64) {
    let n = matrix.len();
    if n == 0 {
        return (Vec::new(), 0.0);
    }
    if n == 1 {
        return (vec![[0.0, 0.0]], 0.0);
    }
    let options = SmacofOptions::default();
    let result = if previous.is_empty() {
        project(matrix, options).map(|l| (l.coords, l.stress))
    } else {
        project_incremental(matrix, previous, options).map(|g| (g.layout.coords, g.layout.stress))
    };
    result.unwrap_or_else(|error| {
        // Only degenerate matrices (all distances zero) fail; a line keeps every model visible.
        tracing::warn!(%error, "MDS failed; placing models on a line");
        ((0..n).map(|i| [i as f64, 0.0]).collect(), 0.0)
    })
}

fn encode_f64(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn decode_f64(bytes: &[u8]) -> Option<Vec<f64>> {
    bytes.len().is_multiple_of(8).then(|| {
        bytes
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect()
    })
}

/// Stress, then x and y of every model.
fn encode_layout(coords: &[[f64; 2]], stress: f64) -> Vec<u8> {
    let mut values = vec![stress];
    values.extend(coords.iter().flatten());
    encode_f64(&values)
}

fn decode_layout(bytes: &[u8], n: usize) -> Option<(Vec<[f64; 2]>, f64)> {
    let values = decode_f64(bytes)?;
    if values.len() != 1 + 2 * n {
        return None;
    }
    let coords = values[1..].chunks_exact(2).map(|c| [c[0], c[1]]).collect();
    Some((coords, values[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(id: ModelId) -> MapModel {
        MapModel {
            id,
            architecture: Architecture::new(
                remap_architecture::Input {
                    height: 8,
                    width: 8,
                    channels: 1,
                },
                2,
                vec![],
            ),
            predictions: vec![],
        }
    }

    #[test]
    fn models_on_the_previous_map_keep_their_order_and_new_ones_follow_by_id() {
        let models = [model(9), model(3), model(5), model(7)];
        let order = map_order(&[5, 4, 9], &models);
        let ids: Vec<ModelId> = order.iter().map(|&i| models[i].id).collect();
        assert_eq!(ids, [5, 9, 3, 7]);
    }

    #[test]
    fn a_map_grown_from_two_models_is_not_a_line() {
        // Eleven models whose distances need a plane; the map is first drawn with two of them
        // (always a line) and then grows by one model per refresh, as training finishes.
        let points: Vec<[f64; 2]> = (0..11)
            .map(|i| {
                let t = f64::from(i) * 2.4;
                let r = 1.0 + f64::from(i).sqrt();
                [r * t.cos(), r * t.sin()]
            })
            .collect();
        let full = DistanceMatrix::build(&points, |a, b| (a[0] - b[0]).hypot(a[1] - b[1]));
        let (mut coords, _) = lay_out(&full.leading(2), &[]);
        for n in 3..=11 {
            (coords, _) = lay_out(&full.leading(n), &coords);
        }
        let flatness = remap_metrics::incremental::flatness(&coords);
        assert!(flatness > 0.3, "flatness {flatness}: {coords:?}");
    }

    #[test]
    fn layouts_survive_encoding() {
        let coords = vec![[1.5, -2.0], [0.25, 3.0]];
        let bytes = encode_layout(&coords, 0.125);
        assert_eq!(decode_layout(&bytes, 2), Some((coords, 0.125)));
        assert_eq!(decode_layout(&bytes, 3), None);
    }
}
