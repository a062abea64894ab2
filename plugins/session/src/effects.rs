//! Edit effects (spec §9.3): over a session's children, what each kind of edit from the
//! parent ("remove dropout", "widen dense", …) did to accuracy and size, from the status
//! rows (the edits are the diff of each child's stored architecture from its parent's).

use std::collections::{BTreeMap, HashMap};

use remap_sampling::{diff, edit_kind};
use remap_store::ModelId;
use serde::Serialize;
use ts_rs::TS;

use crate::app::App;
use crate::error::SessionError;
use crate::status::{ModelRow, model_rows};

/// One child's share in an edit kind.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct EffectPoint {
    pub model: ModelId,
    pub parent: ModelId,
    /// Child − parent validation accuracy after the same number of epochs (the fewer both
    /// have trained), once both have trained one.
    pub delta_accuracy: Option<f64>,
    /// Child − parent parameters.
    pub delta_params: i64,
}

/// Minimum, quartiles and maximum of some values.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, TS)]
pub struct Spread {
    pub min: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (linear interpolation between ranks), `None` when empty.
    pub fn of(values: &[f64]) -> Option<Spread> {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let quantile = |q: f64| {
            let rank = q * (sorted.len() - 1) as f64;
            let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
            sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
        };
        (!sorted.is_empty()).then(|| Spread {
            min: sorted[0],
            q1: quantile(0.25),
            median: quantile(0.5),
            q3: quantile(0.75),
            max: sorted[sorted.len() - 1],
        })
    }
}

/// What one kind of edit did, over every child whose edit from its parent includes it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct EditEffect {
    /// "remove dropout", "insert conv", "widen dense", "enlarge kernel", …
    pub kind: String,
    /// Children with this kind of edit.
    pub count: usize,
    /// Of those, the ones compared with their parent (both trained at least one epoch).
    pub compared: usize,
    /// Δ accuracy of the compared children.
    pub delta_accuracy: Option<Spread>,
    /// Δ parameters of all of them.
    pub delta_params: Spread,
    /// Share of the compared children more accurate than their parent.
    pub improved: Option<f64>,
    /// Each child, in the order they were added.
    pub points: Vec<EffectPoint>,
}

/// A session's edit effects, most frequent kind first.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct Effects {
    /// Children (models with a parent) in the session.
    pub children: usize,
    pub kinds: Vec<EditEffect>,
}

impl App {
    /// The edit effects over a session's children (the Effects view, `remap session effects`).
    pub async fn effects(&self, session: remap_store::SessionId) -> Result<Effects, SessionError> {
        self.store().session(session).await?;
        Ok(effects(&model_rows(self.store(), session).await?))
    }
}

/// The edit effects of a session's models (`rows` in the order they were added). A child
/// with several kinds of edit counts under each; one with the same kind twice, once.
pub fn effects(rows: &[ModelRow]) -> Effects {
    let by_id: HashMap<ModelId, &ModelRow> = rows.iter().map(|r| (r.id, r)).collect();
    let mut kinds: BTreeMap<String, Vec<EffectPoint>> = BTreeMap::new();
    let mut children = 0;
    for child in rows {
        let Some(parent) = child.parent.and_then(|id| by_id.get(&id)) else {
            continue;
        };
        children += 1;
        let point = EffectPoint {
            model: child.id,
            parent: parent.id,
            delta_accuracy: delta_at_equal_epochs(&child.curve, &parent.curve),
            delta_params: child.params as i64 - parent.params as i64,
        };
        let mut edits: Vec<String> = diff(&parent.architecture, &child.architecture)
            .iter()
            .map(edit_kind)
            .collect();
        edits.sort();
        edits.dedup();
        for kind in edits {
            kinds.entry(kind).or_default().push(point.clone());
        }
    }
    let mut kinds: Vec<EditEffect> = kinds
        .into_iter()
        .map(|(kind, points)| {
            let deltas: Vec<f64> = points.iter().filter_map(|p| p.delta_accuracy).collect();
            let params: Vec<f64> = points.iter().map(|p| p.delta_params as f64).collect();
            EditEffect {
                kind,
                count: points.len(),
                compared: deltas.len(),
                delta_accuracy: Spread::of(&deltas),
                delta_params: Spread::of(&params).expect("every kind has a child"),
                improved: (!deltas.is_empty()).then(|| {
                    deltas.iter().filter(|&&d| d > 0.0).count() as f64 / deltas.len() as f64
                }),
                points,
            }
        })
        .collect();
    kinds.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    Effects { children, kinds }
}

/// Child − parent accuracy after the epochs both have trained (a screened child is compared
/// with its parent at the child's rung, not with the parent's final accuracy).
fn delta_at_equal_epochs(child: &[f64], parent: &[f64]) -> Option<f64> {
    let epochs = child.len().min(parent.len());
    (epochs > 0).then(|| child[epochs - 1] - parent[epochs - 1])
}

#[cfg(test)]
mod tests {
    use remap_architecture::{Architecture, Input, Layer};
    use remap_store::Origin;

    use super::*;

    fn row(id: ModelId, parent: Option<ModelId>, layers: Vec<Layer>, curve: &[f64]) -> ModelRow {
        let architecture = Architecture::new(
            Input {
                height: 12,
                width: 12,
                channels: 1,
            },
            3,
            layers,
        );
        ModelRow {
            id,
            hash: architecture.hash(),
            origin: if parent.is_some() {
                Origin::Ablation
            } else {
                Origin::Sampled
            },
            parent,
            params: architecture.params().unwrap(),
            summary: architecture.summary(),
            job: None,
            status: None,
            epochs: 10,
            epochs_done: curve.len() as u32,
            screened: false,
            val_accuracy: curve.last().copied(),
            curve: curve.to_vec(),
            device: None,
            architecture,
        }
    }

    #[test]
    fn children_are_grouped_by_edit_kind_and_compared_at_equal_epochs() {
        let conv = Layer::conv(8, 3);
        let drop = Layer::Dropout { rate: 0.5 };
        let parent = vec![conv.clone(), drop.clone(), Layer::Dense { units: 16 }];
        let rows = [
            row(1, None, parent.clone(), &[0.5, 0.6, 0.7]),
            // Dropout removed: better after 1 epoch (its rung) than the parent after 1.
            row(
                2,
                Some(1),
                vec![conv.clone(), Layer::Dense { units: 16 }],
                &[0.55],
            ),
            // Dropout removed and dense widened: worse at 3 epochs.
            row(
                3,
                Some(1),
                vec![conv.clone(), Layer::Dense { units: 32 }],
                &[0.4, 0.5, 0.6],
            ),
            // Not trained yet: counted, not compared.
            row(
                4,
                Some(1),
                vec![conv, drop, Layer::Dense { units: 32 }],
                &[],
            ),
        ];
        let out = effects(&rows);
        assert_eq!(out.children, 3);
        let kinds: Vec<(&str, usize, usize)> = out
            .kinds
            .iter()
            .map(|k| (k.kind.as_str(), k.count, k.compared))
            .collect();
        assert_eq!(kinds, [("remove dropout", 2, 2), ("widen dense", 2, 1)]);
        let dropout = &out.kinds[0];
        let spread = dropout.delta_accuracy.unwrap();
        assert!((spread.min - -0.1).abs() < 1e-12 && (spread.max - 0.05).abs() < 1e-12);
        assert!((spread.median - -0.025).abs() < 1e-12);
        assert_eq!(dropout.improved, Some(0.5));
        assert_eq!(
            dropout.points.iter().map(|p| p.model).collect::<Vec<_>>(),
            [2, 3]
        );
        let widen = &out.kinds[1];
        assert!(widen.delta_params.min > 0.0);
        assert_eq!(widen.points[1].delta_accuracy, None);
    }

    #[test]
    fn a_spread_interpolates_its_quartiles() {
        let s = Spread::of(&[4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
        assert_eq!(
            (s.min, s.q1, s.median, s.q3, s.max),
            (1.0, 2.0, 3.0, 4.0, 5.0)
        );
        assert_eq!(Spread::of(&[2.0, 1.0]).unwrap().median, 1.5);
        assert_eq!(Spread::of(&[]), None);
    }
}
