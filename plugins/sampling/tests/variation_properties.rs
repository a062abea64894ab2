//! Property tests: every variation child is valid, new, has 1..K changes at distinct
//! positions, honours the restrictions, and its change texts describe exactly how it
//! differs from its parent (checked by re-applying the texts independently).

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;
use remap_architecture::{Architecture, Input, Layer, LayerKind};
use remap_sampling::{
    Change, HValue, Hyperparameter, Operation, Phase, Restriction, Row, Sampler, SearchSpace, Step,
    VariationRequest, apply, hyper, vary,
};

fn input() -> Input {
    Input {
        height: 28,
        width: 28,
        channels: 1,
    }
}

/// Every layer the grids can produce, by its text.
fn layers_by_text(space: &SearchSpace) -> HashMap<String, Layer> {
    let mut out = HashMap::new();
    for kind in LayerKind::ALL {
        let mut partial = vec![blank(kind)];
        for &param in Hyperparameter::of(kind) {
            partial = partial
                .iter()
                .flat_map(|l| {
                    space
                        .grids()
                        .values(kind, param)
                        .iter()
                        .map(move |v| hyper::set(l, param, *v).unwrap())
                })
                .collect();
        }
        out.extend(partial.into_iter().map(|l| (l.to_string(), l)));
    }
    out
}

fn blank(kind: LayerKind) -> Layer {
    match kind {
        LayerKind::Conv2d => Layer::conv(1, 1),
        LayerKind::Maxpool2d => Layer::maxpool(1),
        LayerKind::Avgpool2d => Layer::avgpool(1),
        LayerKind::Dense => Layer::Dense { units: 1 },
        LayerKind::Activation => Layer::Activation {
            function: remap_architecture::Activation::Relu,
        },
        LayerKind::Dropout => Layer::Dropout { rate: 0.5 },
        LayerKind::Add => Layer::Add,
        LayerKind::Concat => Layer::Concat,
    }
}

/// Re-applies change texts to the parent's layers without the library's `apply`,
/// recording for each change the parent position it concerns.
fn replay(
    parent: &[Layer],
    texts: &[String],
    known: &HashMap<String, Layer>,
) -> (Vec<Layer>, Vec<(Operation, usize)>) {
    let mut layers = parent.to_vec();
    let mut origin: Vec<Option<usize>> = (0..parent.len()).map(Some).collect();
    let mut touched = Vec::new();
    let layer = |text: &str| {
        known
            .get(text)
            .cloned()
            .unwrap_or_else(|| panic!("unknown layer text {text}"))
    };
    for text in texts {
        let (head, at) = text.split_once(" at ").unwrap();
        if let Some(removed) = head.strip_prefix("removed ") {
            let at: usize = at.parse().unwrap();
            assert_eq!(layers[at].to_string(), removed, "{text}");
            touched.push((Operation::Remove, origin[at].unwrap()));
            layers.remove(at);
            origin.remove(at);
        } else if let Some(inserted) = head.strip_prefix("inserted ") {
            let at: usize = at.parse().unwrap();
            let position = if at == layers.len() {
                parent.len()
            } else {
                origin[at].unwrap()
            };
            touched.push((Operation::Insert, position));
            layers.insert(at, layer(inserted));
            origin.insert(at, None);
        } else if let Some(old) = head.strip_prefix("replaced ") {
            let (at, new) = at.split_once(" with ").unwrap();
            let at: usize = at.parse().unwrap();
            assert_eq!(layers[at].to_string(), old, "{text}");
            touched.push((Operation::Replace, origin[at].unwrap()));
            layers[at] = layer(new);
        } else {
            let (at, rest) = at.split_once(": ").unwrap();
            let at: usize = at.parse().unwrap();
            assert_eq!(layers[at].kind().name(), head, "{text}");
            let (param, values) = rest.split_once(' ').unwrap();
            let (from, to) = values.split_once(" → ").unwrap();
            let param = Hyperparameter::from_name(param).unwrap();
            let current = hyper::get(&layers[at], param).unwrap();
            assert_eq!(current.to_string(), from, "{text}");
            let value: HValue = serde_json::from_str(&if param == Hyperparameter::Function {
                format!("\"{to}\"")
            } else {
                to.to_string()
            })
            .unwrap();
            assert_ne!(value, current, "{text}");
            touched.push((Operation::Reparametrize, origin[at].unwrap()));
            layers[at] = hyper::set(&layers[at], param, value).unwrap();
        }
    }
    (layers, touched)
}

fn subset<T: Clone + std::fmt::Debug + 'static>(all: Vec<T>) -> impl Strategy<Value = Vec<T>> {
    let n = all.len();
    proptest::sample::subsequence(all, 1..=n)
}

fn restriction() -> impl Strategy<Value = Restriction> {
    (
        proptest::option::of(subset(Operation::ALL.to_vec())),
        proptest::option::of(subset(LayerKind::ALL.to_vec())),
        proptest::option::of(subset(vec![16u32, 32, 64, 128])),
        proptest::option::of(subset(vec![16u32, 64, 128, 256])),
    )
        .prop_map(|(ops, types, filters, units)| {
            let mut values = BTreeMap::new();
            if let Some(f) = filters {
                values.insert(
                    Hyperparameter::Filters,
                    f.into_iter().map(HValue::Int).collect(),
                );
            }
            if let Some(u) = units {
                values.insert(
                    Hyperparameter::Units,
                    u.into_iter().map(HValue::Int).collect(),
                );
            }
            Restriction { ops, types, values }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn children_are_valid_new_restricted_and_described_exactly(
        parent_seed in any::<u64>(),
        seed in any::<u64>(),
        k in 1usize..=5,
        count in 1usize..=8,
        default in restriction(),
        special in proptest::collection::btree_map(0usize..8, restriction(), 0..3),
    ) {
        let space = SearchSpace::remap_2019();
        let parent = Sampler::new(space.clone(), input(), 10, parent_seed).sample();
        let existing = Sampler::new(space.clone(), input(), 10, parent_seed ^ 1)
            .sample_many(3)
            .iter()
            .map(Architecture::hash)
            .collect::<Vec<_>>();
        let per_layer: BTreeMap<usize, Restriction> = special
            .into_iter()
            .filter(|(p, _)| *p <= parent.layers.len())
            .collect();
        let request = VariationRequest {
            count,
            max_changes: k,
            seed,
            restriction: default,
            per_layer,
            existing: existing.clone(),
            max_attempts: 50,
            ..VariationRequest::default()
        };
        let Ok(generated) = vary(&parent, &space, &request) else {
            // Only when no position allows any operation.
            return Ok(());
        };
        prop_assert_eq!(generated.children.len() + generated.skipped.len(), count);
        let known = {
            let mut known = layers_by_text(&space);
            known.extend(parent.layers.iter().map(|l| (l.to_string(), l.clone())));
            known
        };
        let mut hashes = HashSet::new();
        for child in &generated.children {
            let arch = &child.architecture;
            prop_assert!(arch.is_valid());
            prop_assert_eq!(child.params, arch.params().unwrap());
            prop_assert_eq!(&child.hash, &arch.hash());
            prop_assert_eq!(&child.parent, &parent.hash());
            prop_assert!(hashes.insert(child.hash.clone()), "duplicate child");
            prop_assert!(child.hash != parent.hash() && !existing.contains(&child.hash));
            prop_assert!((1..=k).contains(&child.changes.len()));
            let texts: Vec<String> = child.edits.iter().map(ToString::to_string).collect();
            prop_assert_eq!(&texts, &child.changes);
            prop_assert_eq!(&apply(&parent, &child.edits).unwrap(), arch);

            let (replayed, touched) = replay(&parent.layers, &child.changes, &known);
            prop_assert_eq!(&replayed, &arch.layers, "texts {:?}", child.changes);
            let positions: HashSet<usize> = touched.iter().map(|(_, p)| *p).collect();
            prop_assert_eq!(positions.len(), touched.len(), "a position changed twice");

            let mut current = parent.clone();
            for ((op, position), edit) in touched.iter().zip(&child.edits) {
                let r = request.per_layer.get(position).unwrap_or(&request.restriction);
                prop_assert!(r.ops.as_ref().is_none_or(|ops| ops.contains(op)), "{op:?} at {position} not allowed");
                let new = match edit {
                    Change::Inserted { layer, .. } | Change::Replaced { new: layer, .. } => Some(layer),
                    _ => None,
                };
                if let Some(new) = new {
                    let at = edit.at();
                    prop_assert!(r.types.as_ref().is_none_or(|t| t.contains(&new.kind())));
                    let before = &current.layers[..at];
                    let row = space
                        .row(Phase::after(before), Row::after(before.last().map(Layer::kind)))
                        .unwrap();
                    prop_assert!(row.contains(&Step::Layer(new.kind())), "{} not in the row", new);
                }
                let values_ok = |layer: &Layer| {
                    r.values.iter().all(|(param, allowed)| {
                        hyper::get(layer, *param).is_none_or(|v| allowed.contains(&v))
                    })
                };
                match edit {
                    Change::Inserted { layer, .. } | Change::Replaced { new: layer, .. } => {
                        prop_assert!(values_ok(layer), "{layer} breaks the value restriction")
                    }
                    Change::Reparametrized { param, to, .. } => {
                        prop_assert!(r.values.get(param).is_none_or(|a| a.contains(to)))
                    }
                    Change::Removed { .. } | Change::SkipAdded { .. } | Change::Rewired { .. } => {}
                }
                current = apply(&current, std::slice::from_ref(edit)).unwrap();
            }
        }
    }

    #[test]
    fn reparametrize_only_keeps_the_number_and_types_of_layers(
        parent_seed in any::<u64>(),
        seed in any::<u64>(),
        k in 1usize..=5,
    ) {
        let space = SearchSpace::remap_2019();
        let parent = Sampler::new(space.clone(), input(), 10, parent_seed).sample();
        let request = VariationRequest {
            count: 5,
            max_changes: k,
            seed,
            restriction: Restriction {
                ops: Some(vec![Operation::Reparametrize]),
                ..Restriction::default()
            },
            ..VariationRequest::default()
        };
        let Ok(generated) = vary(&parent, &space, &request) else {
            // A head-only parent has nothing to reparametrize.
            prop_assert!(parent.layers.is_empty());
            return Ok(());
        };
        prop_assert!(!generated.children.is_empty() || parent.layers.is_empty());
        let kinds = |a: &Architecture| a.layers.iter().map(Layer::kind).collect::<Vec<_>>();
        for child in &generated.children {
            prop_assert_eq!(kinds(&child.architecture), kinds(&parent));
        }
    }
}
