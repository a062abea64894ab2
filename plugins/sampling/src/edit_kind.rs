//! What kind of edit a [`Change`] is, for the Effects view (spec §9.3): "remove dropout",
//! "insert conv", "widen dense", "enlarge kernel", …

use remap_architecture::LayerKind;

use crate::hyper::{HValue, Hyperparameter};
use crate::lineage::Change;

/// The kind of `change`, independent of where in the net it happened.
pub fn edit_kind(change: &Change) -> String {
    match change {
        Change::Removed { layer, .. } if layer.is_merge() => "remove skip".into(),
        Change::Removed { layer, .. } => format!("remove {}", noun(layer.kind())),
        Change::SkipAdded { .. } => "add skip".into(),
        Change::Inserted { layer, .. } if layer.is_merge() => "add skip".into(),
        Change::Rewired { .. } => "rewire skip".into(),
        Change::Inserted { layer, .. } => format!("insert {}", noun(layer.kind())),
        Change::Replaced { old, new, .. } if old.kind() == new.kind() => {
            format!("change {}", noun(old.kind()))
        }
        Change::Replaced { old, new, .. } => {
            format!("replace {} with {}", noun(old.kind()), noun(new.kind()))
        }
        Change::Reparametrized {
            kind,
            param,
            from,
            to,
            ..
        } => {
            let up = match (from, to) {
                (HValue::Int(a), HValue::Int(b)) => Some(b > a),
                (HValue::Rate(a), HValue::Rate(b)) => Some(b > a),
                _ => None,
            };
            match (param, up) {
                (Hyperparameter::Filters | Hyperparameter::Units, Some(true)) => {
                    format!("widen {}", noun(*kind))
                }
                (Hyperparameter::Filters | Hyperparameter::Units, Some(false)) => {
                    format!("narrow {}", noun(*kind))
                }
                (Hyperparameter::Kernel, Some(true)) => "enlarge kernel".into(),
                (Hyperparameter::Kernel, Some(false)) => "shrink kernel".into(),
                (Hyperparameter::Size, Some(true)) => format!("enlarge {}", noun(*kind)),
                (Hyperparameter::Size, Some(false)) => format!("shrink {}", noun(*kind)),
                (Hyperparameter::Rate, Some(true)) => "raise dropout".into(),
                (Hyperparameter::Rate, Some(false)) => "lower dropout".into(),
                (Hyperparameter::Function, _) => "change activation".into(),
                (param, _) => format!("change {} {param}", noun(*kind)),
            }
        }
    }
}

/// How the Effects view names a layer type.
fn noun(kind: LayerKind) -> &'static str {
    match kind {
        LayerKind::Conv2d => "conv",
        LayerKind::Maxpool2d => "max pool",
        LayerKind::Avgpool2d => "avg pool",
        LayerKind::Dense => "dense",
        LayerKind::Activation => "activation",
        LayerKind::Dropout => "dropout",
        LayerKind::Add => "add merge",
        LayerKind::Concat => "concat merge",
    }
}

#[cfg(test)]
mod tests {
    use remap_architecture::{Activation, Layer};

    use super::*;
    use crate::lineage::diff_layers;

    fn kinds(from: &[Layer], to: &[Layer]) -> Vec<String> {
        diff_layers(from, to).iter().map(edit_kind).collect()
    }

    #[test]
    fn known_pairs_are_named_by_what_changed() {
        let conv = Layer::conv(16, 3);
        let relu = Layer::Activation {
            function: Activation::Relu,
        };
        let drop = Layer::Dropout { rate: 0.25 };
        let dense = Layer::Dense { units: 64 };
        let base = [conv.clone(), relu.clone(), drop.clone(), dense.clone()];
        assert_eq!(
            kinds(&base, &[conv.clone(), relu.clone(), dense.clone()]),
            ["remove dropout"]
        );
        assert_eq!(
            kinds(
                &base,
                &[
                    conv.clone(),
                    relu.clone(),
                    conv.clone(),
                    drop.clone(),
                    dense.clone()
                ]
            ),
            ["insert conv"]
        );
        assert_eq!(
            kinds(
                &base,
                &[
                    conv.clone(),
                    relu.clone(),
                    drop.clone(),
                    Layer::Dense { units: 128 }
                ]
            ),
            ["widen dense"]
        );
        assert_eq!(
            kinds(
                &base,
                &[Layer::conv(8, 3), relu.clone(), drop.clone(), dense.clone()]
            ),
            ["narrow conv"]
        );
        assert_eq!(
            kinds(
                &base,
                &[
                    Layer::conv(16, 5),
                    relu.clone(),
                    drop.clone(),
                    dense.clone()
                ]
            ),
            ["enlarge kernel"]
        );
        assert_eq!(
            kinds(
                &base,
                &[
                    conv.clone(),
                    relu.clone(),
                    Layer::Dropout { rate: 0.1 },
                    dense.clone()
                ]
            ),
            ["lower dropout"]
        );
        let tanh = Layer::Activation {
            function: Activation::Tanh,
        };
        assert_eq!(
            kinds(&base, &[conv.clone(), tanh, drop.clone(), dense.clone()]),
            ["change activation"]
        );
        // The diff aligns only layers of one type; a generator's replacement names both.
        assert_eq!(
            kinds(&base, &[conv, relu, Layer::maxpool(2), dense]),
            ["remove dropout", "insert max pool"]
        );
        let replaced = Change::Replaced {
            at: 2,
            old: drop,
            new: Layer::maxpool(2),
        };
        assert_eq!(edit_kind(&replaced), "replace dropout with max pool");
    }
}
