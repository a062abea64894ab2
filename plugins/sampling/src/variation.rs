//! Variation (spec §4, with REMAP's ignored restrictions honoured): N children with
//! 1..K random edits each, drawn from the search space's transition rows and grids; on
//! graphs (spec §9.4) a variation may also add a skip.

use std::collections::{BTreeMap, HashSet};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use remap_architecture::{Architecture, Layer, LayerKind, Source};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::SamplingError;
use crate::ablation::{Generated, Skipped};
use crate::budget::over_budget_reason;
use crate::hyper::{self, HValue, Hyperparameter};
use crate::lineage::{Change, Child, Origin};
use crate::space::{Grids, Phase, Row, SearchSpace, Step, pick};

/// An edit a variation may make at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// Insert a new layer before the position (the position after the last hidden layer
    /// is "before the head").
    Insert,
    /// Remove the layer.
    Remove,
    /// Replace the layer by a new one.
    Replace,
    /// Set one hyperparameter to a different grid value.
    Reparametrize,
    /// Insert an `add` before the position that sums the layer before it and an earlier
    /// layer (or the image) of the same shape. Offered only where the parent has skips or
    /// the space samples residual blocks, so chains of `remap-2019` vary as they always
    /// have; removing a skip is removing its merge.
    Skip,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Operation; 5] = [
        Operation::Insert,
        Operation::Remove,
        Operation::Replace,
        Operation::Reparametrize,
        Operation::Skip,
    ];

    /// The name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Operation::Insert => "insert",
            Operation::Remove => "remove",
            Operation::Replace => "replace",
            Operation::Reparametrize => "reparametrize",
            Operation::Skip => "skip",
        }
    }

    /// Parses a name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// What may be done at one position. Empty or absent fields allow everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Restriction {
    /// Allowed operations; `None` allows all of them.
    #[ts(optional = nullable)]
    pub ops: Option<Vec<Operation>>,
    /// Layer types an insert or replace may create; `None` allows every type.
    #[ts(optional = nullable)]
    pub types: Option<Vec<LayerKind>>,
    /// Allowed values per hyperparameter, for new layers and reparametrizing; a
    /// hyperparameter not named may take any value of its grid.
    #[ts(as = "Option<BTreeMap<Hyperparameter, Vec<HValue>>>", optional)]
    pub values: BTreeMap<Hyperparameter, Vec<HValue>>,
}

impl Restriction {
    fn allows(&self, op: Operation) -> bool {
        self.ops.as_ref().is_none_or(|ops| ops.contains(&op))
    }

    fn allows_type(&self, kind: LayerKind) -> bool {
        self.types.as_ref().is_none_or(|t| t.contains(&kind))
    }
}

/// Default number of re-draws of one child before it is reported as not made.
pub const DEFAULT_MAX_ATTEMPTS: usize = 200;

/// What variations to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct VariationRequest {
    /// Number of children (REMAP's slider: 1–20).
    #[ts(as = "Option<usize>", optional)]
    pub count: usize,
    /// K: each child gets Uniform{1..K} changes (REMAP's slider: 1–5).
    #[ts(as = "Option<usize>", optional)]
    pub max_changes: usize,
    /// Seed of the random draws.
    #[ts(as = "Option<u64>", optional)]
    pub seed: u64,
    /// Positions that may change: hidden-layer indices, and the parent's layer count for
    /// the slot before the head (insert only). `None` means all of them.
    #[ts(optional = nullable)]
    pub layers: Option<Vec<usize>>,
    /// The restriction of every position not in `per_layer`.
    #[ts(as = "Option<Restriction>", optional)]
    pub restriction: Restriction,
    /// Restrictions of single positions (parent indices), replacing `restriction` there.
    #[ts(as = "Option<BTreeMap<usize, Restriction>>", optional)]
    pub per_layer: BTreeMap<usize, Restriction>,
    /// Children with more parameters are not returned (counted in `dropped_over_budget`).
    #[ts(optional = nullable)]
    pub max_params: Option<u64>,
    /// Hashes of models the session already has; no child equals one of them.
    #[ts(as = "Option<Vec<String>>", optional)]
    pub existing: Vec<String>,
    /// Re-draws of one child before it is reported as not made.
    #[ts(as = "Option<usize>", optional)]
    pub max_attempts: usize,
}

impl Default for VariationRequest {
    fn default() -> Self {
        VariationRequest {
            count: 5,
            max_changes: 3,
            seed: 0,
            layers: None,
            restriction: Restriction::default(),
            per_layer: BTreeMap::new(),
            max_params: None,
            existing: Vec::new(),
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// One position of the parent that may change, with what may be done there.
struct Target {
    position: usize,
    ops: Vec<Operation>,
    restriction: Restriction,
    grids: Grids,
}

/// `count` children of `parent`, each with 1..K changes at distinct positions, honouring
/// every restriction. Children are valid, distinct from each other, the parent and
/// `existing`; a child not found in `max_attempts` draws is reported in `skipped`.
pub fn vary(
    parent: &Architecture,
    space: &SearchSpace,
    request: &VariationRequest,
) -> Result<Generated, SamplingError> {
    parent.analyze()?;
    if request.max_changes == 0 {
        return Err(SamplingError::Request {
            field: "max_changes",
            reason: "must be at least 1".into(),
        });
    }
    let targets = targets(parent, space, request)?;
    let mut rng = ChaCha8Rng::seed_from_u64(request.seed);
    let mut seen: HashSet<String> = request.existing.iter().cloned().collect();
    seen.insert(parent.hash());
    let mut out = Generated {
        children: Vec::new(),
        skipped: Vec::new(),
        dropped_over_budget: 0,
    };
    for index in 0..request.count {
        let k = rng.random_range(1..=request.max_changes as u32) as usize;
        let k = k.min(targets.len());
        let mut made = false;
        let mut last_reason = String::from("no attempt");
        for _ in 0..request.max_attempts.max(1) {
            let edited = match edit(parent, space, &targets, k, &mut rng) {
                Ok(edited) => edited,
                Err(reason) => {
                    last_reason = reason;
                    continue;
                }
            };
            let (child, edits) = edited;
            let params = match child.params() {
                Ok(params) => params,
                Err(e) => {
                    last_reason = format!("invalid: {e}");
                    continue;
                }
            };
            let hash = child.hash();
            if seen.contains(&hash) {
                last_reason = format!("duplicate of {hash}");
                continue;
            }
            seen.insert(hash);
            made = true;
            if let Some(reason) = over_budget_reason(params, request.max_params) {
                out.dropped_over_budget += 1;
                out.skipped.push(Skipped {
                    layer: None,
                    reason: format!("variation {index}: {reason}"),
                });
            } else {
                out.children
                    .push(Child::new(parent, child, Origin::Variation, edits));
            }
            break;
        }
        if !made {
            out.skipped.push(Skipped {
                layer: None,
                reason: format!(
                    "variation {index}: no valid new child with {k} change(s) in {} attempts (last: {last_reason})",
                    request.max_attempts.max(1)
                ),
            });
        }
    }
    Ok(out)
}

/// The positions that may change and what may be done at each.
fn targets(
    parent: &Architecture,
    space: &SearchSpace,
    request: &VariationRequest,
) -> Result<Vec<Target>, SamplingError> {
    let len = parent.layers.len();
    let skips = !parent.is_chain() || space.residual().is_some();
    let mut positions: Vec<usize> = match &request.layers {
        Some(layers) => layers.clone(),
        None => (0..=len).collect(),
    };
    positions.sort_unstable();
    positions.dedup();
    if let Some(&layer) = positions
        .iter()
        .chain(request.per_layer.keys())
        .find(|&&p| p > len)
    {
        return Err(SamplingError::NoSuchLayer {
            layer,
            len,
            allows_head_slot: true,
        });
    }
    let targets: Vec<Target> = positions
        .into_iter()
        .filter_map(|position| {
            let restriction = request
                .per_layer
                .get(&position)
                .unwrap_or(&request.restriction)
                .clone();
            let ops: Vec<Operation> = Operation::ALL
                .into_iter()
                .filter(|op| {
                    let slot = matches!(op, Operation::Insert | Operation::Skip);
                    restriction.allows(*op)
                        && (position < len || slot)
                        && (skips || *op != Operation::Skip)
                })
                .collect();
            let grids = space.grids().restricted(&restriction.values);
            (!ops.is_empty()).then_some(Target {
                position,
                ops,
                restriction,
                grids,
            })
        })
        .collect();
    if targets.is_empty() {
        return Err(SamplingError::Request {
            field: "layers",
            reason: "no selected position allows any operation".into(),
        });
    }
    Ok(targets)
}

/// Applies `k` changes at distinct, randomly chosen targets, left to right, so each change
/// sees the actual layers before it. Returns the net and the edit script, or why no
/// operation was possible at some target.
fn edit(
    parent: &Architecture,
    space: &SearchSpace,
    targets: &[Target],
    k: usize,
    rng: &mut ChaCha8Rng,
) -> Result<(Architecture, Vec<Change>), String> {
    let mut chosen: Vec<usize> = (0..targets.len()).collect();
    for i in 0..k {
        let j = i + rng.random_range(0..(chosen.len() - i) as u32) as usize;
        chosen.swap(i, j);
    }
    chosen.truncate(k);
    chosen.sort_unstable();
    let mut net = parent.clone();
    let mut edits = Vec::with_capacity(k);
    // Current index of parent position p is p + shift.
    let mut shift: isize = 0;
    for &t in &chosen {
        let target = &targets[t];
        let at = (target.position as isize + shift) as usize;
        let mut ops = target.ops.clone();
        let change = loop {
            if ops.is_empty() {
                return Err(format!(
                    "no allowed operation is possible at layer {}",
                    target.position
                ));
            }
            let op = ops.remove(rng.random_range(0..ops.len() as u32) as usize);
            if let Some(change) = try_op(op, &net, at, target, space, rng) {
                break change;
            }
        };
        shift += match change {
            Change::Inserted { .. } | Change::SkipAdded { .. } => 1,
            Change::Removed { .. } => -1,
            _ => 0,
        };
        net = crate::lineage::apply(&net, std::slice::from_ref(&change))
            .expect("a drawn change applies");
        edits.push(change);
    }
    Ok((net, edits))
}

/// Re-draws of a replacement that came out equal to the layer it replaces.
const REPLACE_REDRAWS: usize = 32;

fn try_op(
    op: Operation,
    net: &Architecture,
    at: usize,
    target: &Target,
    space: &SearchSpace,
    rng: &mut ChaCha8Rng,
) -> Option<Change> {
    let layers = &net.layers;
    match op {
        Operation::Skip => {
            let from = skip_sources(net, at);
            (!from.is_empty()).then(|| Change::SkipAdded {
                at,
                from: *pick(rng, &from),
            })
        }
        Operation::Remove => Some(Change::Removed {
            at,
            layer: layers[at].clone(),
        }),
        Operation::Insert => {
            let layer = new_layer(layers, at, target, space, rng)?;
            Some(Change::Inserted { at, layer })
        }
        Operation::Replace => {
            let old = &layers[at];
            (0..REPLACE_REDRAWS)
                .filter_map(|_| new_layer(layers, at, target, space, rng))
                .find(|new| new != old)
                .map(|new| Change::Replaced {
                    at,
                    old: old.clone(),
                    new,
                })
        }
        Operation::Reparametrize => {
            let layer = &layers[at];
            let kind = layer.kind();
            let options: Vec<(Hyperparameter, Vec<HValue>)> = Hyperparameter::of(kind)
                .iter()
                .filter_map(|&param| {
                    let current = hyper::get(layer, param)?;
                    let others: Vec<HValue> = target
                        .grids
                        .values(kind, param)
                        .iter()
                        .copied()
                        .filter(|v| *v != current)
                        .collect();
                    (!others.is_empty()).then_some((param, others))
                })
                .collect();
            if options.is_empty() {
                return None;
            }
            let (param, values) = pick(rng, &options);
            let to = *pick(rng, values);
            Some(Change::Reparametrized {
                at,
                kind,
                param: *param,
                from: hyper::get(layer, *param)?,
                to,
            })
        }
    }
}

/// The sources a skip into a new `add` at `at` may come from: the image or a layer before
/// `at - 1` whose output has the shape of layer `at - 1`'s.
fn skip_sources(net: &Architecture, at: usize) -> Vec<Source> {
    let Ok(analysis) = net.analyze() else {
        return Vec::new();
    };
    let Some(before) = at.checked_sub(1) else {
        return Vec::new();
    };
    let shape = analysis.layers[before].output;
    let image = (net.input.shape() == shape).then_some(Source::Input);
    image
        .into_iter()
        .chain(
            (0..before)
                .filter(|&i| analysis.layers[i].output == shape)
                .map(Source::Layer),
        )
        .collect()
}

/// A layer to put at `at`, its type drawn from the transition row of the layer actually
/// before it (in the pre- or post-dense table as the layers before it say), restricted to
/// the allowed types that have allowed values.
fn new_layer(
    layers: &[Layer],
    at: usize,
    target: &Target,
    space: &SearchSpace,
    rng: &mut ChaCha8Rng,
) -> Option<Layer> {
    let before = &layers[..at];
    let phase = Phase::after(before);
    let row = Row::after(before.last().map(Layer::kind));
    let kinds: Vec<LayerKind> = space
        .row(phase, row)?
        .iter()
        .filter_map(|step| match *step {
            Step::Layer(kind)
                if target.restriction.allows_type(kind) && target.grids.can_draw(kind) =>
            {
                Some(kind)
            }
            _ => None,
        })
        .collect();
    if kinds.is_empty() {
        return None;
    }
    let kind = *pick(rng, &kinds);
    Some(target.grids.draw(kind, rng))
}
