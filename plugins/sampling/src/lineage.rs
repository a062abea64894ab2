//! Lineage: where a child came from and exactly how it differs from its parent.
//!
//! A child's changes form an edit script: each index refers to the net *after the changes
//! listed before it*, so applying the changes in order to the parent gives the child
//! ([`apply`]). Layer changes are listed left to right, so the index of an inserted,
//! replaced or reparametrized layer is also its position in the final child; changes of
//! wiring (spec §9.4) follow them.

use std::fmt;

pub use remap_architecture::Origin;
use remap_architecture::{Architecture, Layer, LayerKind, Source};
use serde::Serialize;

use crate::hyper::{self, HValue, Hyperparameter};

/// One edit of a hidden layer or of the wiring. [`Display`](fmt::Display) gives the change
/// text, e.g. `removed conv2d(k3,f32) at 2`, `inserted dropout(0.25) at 4`,
/// `replaced activation(relu) at 3 with dense(64)`, `conv2d at 0: filters 16 → 64`,
/// `added skip from layer 1 into add at 4`, `layer 4 reads layer 3, the input`.
///
/// Removing a layer rewires as [`Architecture::without_layer`] does; an inserted layer
/// reads the layer before it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Change {
    Removed {
        at: usize,
        layer: Layer,
    },
    Inserted {
        at: usize,
        layer: Layer,
    },
    Replaced {
        at: usize,
        old: Layer,
        new: Layer,
    },
    Reparametrized {
        at: usize,
        kind: LayerKind,
        param: Hyperparameter,
        from: HValue,
        to: HValue,
    },
    /// An `add` inserted at `at` that sums the layer before it and `from`: a skip.
    #[serde(rename = "skip")]
    SkipAdded {
        at: usize,
        #[serde(serialize_with = "source")]
        from: Source,
    },
    /// Layer `at` reads `to` instead of `from`.
    Rewired {
        at: usize,
        from: Vec<Source>,
        to: Vec<Source>,
    },
}

fn source<S: serde::Serializer>(s: &Source, ser: S) -> Result<S::Ok, S::Error> {
    s.serialize(ser)
}

impl Change {
    /// The index the change applies at.
    pub fn at(&self) -> usize {
        match *self {
            Change::Removed { at, .. }
            | Change::Inserted { at, .. }
            | Change::Replaced { at, .. }
            | Change::Reparametrized { at, .. }
            | Change::SkipAdded { at, .. }
            | Change::Rewired { at, .. } => at,
        }
    }

    /// Whether the change adds, removes or moves a skip: a merge inserted or removed, or a
    /// layer's sources changed.
    pub fn is_wiring(&self) -> bool {
        match self {
            Change::SkipAdded { .. } | Change::Rewired { .. } => true,
            Change::Removed { layer, .. } | Change::Inserted { layer, .. } => layer.is_merge(),
            Change::Replaced { .. } | Change::Reparametrized { .. } => false,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Removed { at, layer } => write!(f, "removed {layer} at {at}"),
            Change::Inserted { at, layer } => write!(f, "inserted {layer} at {at}"),
            Change::Replaced { at, old, new } => write!(f, "replaced {old} at {at} with {new}"),
            Change::Reparametrized {
                at,
                kind,
                param,
                from,
                to,
            } => write!(f, "{kind} at {at}: {param} {from} → {to}"),
            Change::SkipAdded { at, from } => write!(f, "added skip from {from} into add at {at}"),
            Change::Rewired { at, to, .. } => {
                let list: Vec<String> = to.iter().map(ToString::to_string).collect();
                write!(f, "layer {at} reads {}", list.join(", "))
            }
        }
    }
}

/// Applies an edit script to `net`, checking that every change matches what it says it
/// replaces or removes. Returns the reason if one does not.
pub fn apply(net: &Architecture, changes: &[Change]) -> Result<Architecture, String> {
    let mut out = net.clone();
    for change in changes {
        let at = change.at();
        let expect = |out: &Architecture, want: &Layer| match out.layers.get(at) {
            Some(have) if have == want => Ok(()),
            Some(have) => Err(format!("`{change}`: layer {at} is {have}")),
            None => Err(format!("`{change}`: there is no layer {at}")),
        };
        let insertable = |out: &Architecture| {
            if at > out.layers.len() {
                Err(format!(
                    "`{change}`: the net has only {} layers",
                    out.layers.len()
                ))
            } else {
                Ok(())
            }
        };
        match change {
            Change::Removed { layer, .. } => {
                expect(&out, layer)?;
                out = out.without_layer(at);
            }
            Change::Inserted { layer, .. } => {
                insertable(&out)?;
                out = out.with_layer_inserted(at, layer.clone());
            }
            Change::Replaced { old, new, .. } => {
                expect(&out, old)?;
                out.layers[at] = new.clone();
            }
            Change::Reparametrized {
                kind,
                param,
                from,
                to,
                ..
            } => {
                let layer = out
                    .layers
                    .get(at)
                    .ok_or_else(|| format!("`{change}`: there is no layer {at}"))?;
                if layer.kind() != *kind || hyper::get(layer, *param) != Some(*from) {
                    return Err(format!("`{change}`: layer {at} is {layer}"));
                }
                out.layers[at] = hyper::set(layer, *param, *to)
                    .ok_or_else(|| format!("`{change}`: cannot set {param}"))?;
            }
            Change::SkipAdded { from, .. } => {
                insertable(&out)?;
                if from.layer().is_some_and(|i| i + 1 >= at) {
                    return Err(format!(
                        "`{change}`: a skip comes from before layer {}",
                        at.saturating_sub(1)
                    ));
                }
                out = out.with_layer_inserted(at, Layer::Add);
                out = rewired(out, at, vec![Source::previous(at), *from]);
            }
            Change::Rewired { from, to, .. } => {
                if at >= out.layers.len() || out.sources(at) != *from {
                    return Err(format!("`{change}`: layer {at} does not read {from:?}"));
                }
                out = rewired(out, at, to.clone());
            }
        }
    }
    Ok(out)
}

/// `net` with layer `at` reading `sources`.
fn rewired(net: Architecture, at: usize, sources: Vec<Source>) -> Architecture {
    let mut inputs = net.inputs.clone();
    inputs.insert(at, sources);
    net.with_inputs(inputs)
}

/// A generated or handcrafted model with its lineage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Child {
    /// The child's architecture (serialised inline: `input`, `classes`, `layers`).
    #[serde(flatten)]
    pub architecture: Architecture,
    /// Its parameters, head included.
    pub params: u64,
    /// Its content hash.
    pub hash: String,
    /// How it was made.
    pub origin: Origin,
    /// The parent's content hash.
    pub parent: String,
    /// Change texts, in edit-script order (see the module documentation).
    pub changes: Vec<String>,
    /// The same changes as data.
    #[serde(skip)]
    pub edits: Vec<Change>,
}

impl Child {
    /// A child of `parent` made by `edits`. The caller has checked that it is valid.
    pub fn new(
        parent: &Architecture,
        architecture: Architecture,
        origin: Origin,
        edits: Vec<Change>,
    ) -> Child {
        Child {
            params: architecture.params().unwrap_or(0),
            hash: architecture.hash(),
            origin,
            parent: parent.hash(),
            changes: edits.iter().map(ToString::to_string).collect(),
            edits,
            architecture,
        }
    }

    /// A handcrafted child of `parent`, its changes a shortest edit script between the two.
    pub fn handcrafted(parent: &Architecture, architecture: Architecture) -> Child {
        let edits = diff(parent, &architecture);
        Child::new(parent, architecture, Origin::Handcrafted, edits)
    }
}

/// An edit script from `from` to `to`: the shortest script of layer edits
/// ([`diff_layers`]), an inserted `add` that reads the layer before it and one other as a
/// skip, then a [`Change::Rewired`] for each layer whose sources still differ, so that
/// [`apply`]`(from, diff(from, to)) == to`.
pub fn diff(from: &Architecture, to: &Architecture) -> Vec<Change> {
    let mut edits = diff_layers(&from.layers, &to.layers);
    for edit in &mut edits {
        if let Change::Inserted {
            at,
            layer: Layer::Add,
        } = *edit
            && let [first, other] = to.sources(at)[..]
            && first == Source::previous(at)
            && other.layer().is_none_or(|i| i + 1 < at)
        {
            *edit = Change::SkipAdded { at, from: other };
        }
    }
    let mut mid = match apply(from, &edits) {
        Ok(mid) => mid,
        // A skip whose source moves with later edits: insert the plain add and rewire.
        Err(_) => {
            edits = diff_layers(&from.layers, &to.layers);
            apply(from, &edits).expect("a layer diff applies")
        }
    };
    for at in 0..to.layers.len() {
        let (have, want) = (mid.sources(at), to.sources(at));
        if have != want {
            let change = Change::Rewired {
                at,
                from: have,
                to: want.clone(),
            };
            mid = rewired(mid, at, want);
            edits.push(change);
        }
    }
    edits
}

/// A shortest edit script of layers from `from` to `to`: each insert, removal and change of
/// a layer into another of its type costs 1; a layer of another type is a removal and an
/// insert (so "remove dropout" is not mistaken for "replace dropout with dense" next door).
pub fn diff_layers(from: &[Layer], to: &[Layer]) -> Vec<Change> {
    // What aligning `a` with `b` costs: nothing, a change within the type, or never better
    // than removing one and inserting the other.
    let step = |a: &Layer, b: &Layer| match (a == b, a.kind() == b.kind()) {
        (true, _) => 0,
        (false, true) => 1,
        (false, false) => 2,
    };
    let (n, m) = (from.len(), to.len());
    // cost[i][j]: edits turning from[i..] into to[j..].
    let mut cost = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            cost[i][j] = if i == n {
                m - j
            } else if j == m {
                n - i
            } else {
                (cost[i + 1][j + 1] + step(&from[i], &to[j]))
                    .min(cost[i + 1][j] + 1)
                    .min(cost[i][j + 1] + 1)
            };
        }
    }
    let (mut i, mut j, mut at) = (0, 0, 0);
    let mut edits = Vec::new();
    while i < n || j < m {
        if i < n
            && j < m
            && from[i].kind() == to[j].kind()
            && cost[i][j] == cost[i + 1][j + 1] + step(&from[i], &to[j])
        {
            if from[i] != to[j] {
                edits.push(
                    single_param_change(at, &from[i], &to[j]).unwrap_or(Change::Replaced {
                        at,
                        old: from[i].clone(),
                        new: to[j].clone(),
                    }),
                );
            }
            i += 1;
            j += 1;
            at += 1;
        } else if i < n && cost[i][j] == cost[i + 1][j] + 1 {
            edits.push(Change::Removed {
                at,
                layer: from[i].clone(),
            });
            i += 1;
        } else {
            edits.push(Change::Inserted {
                at,
                layer: to[j].clone(),
            });
            j += 1;
            at += 1;
        }
    }
    edits
}

/// The change if `old` and `new` are the same type and differ in exactly one hyperparameter.
fn single_param_change(at: usize, old: &Layer, new: &Layer) -> Option<Change> {
    if old.kind() != new.kind() {
        return None;
    }
    let differing: Vec<_> = Hyperparameter::of(old.kind())
        .iter()
        .filter(|p| hyper::get(old, **p) != hyper::get(new, **p))
        .collect();
    // Padding is not a hyperparameter here; a padding change shows as a replacement.
    if differing.len() != 1
        || hyper::set(old, *differing[0], hyper::get(new, *differing[0])?)? != *new
    {
        return None;
    }
    let param = *differing[0];
    Some(Change::Reparametrized {
        at,
        kind: old.kind(),
        param,
        from: hyper::get(old, param)?,
        to: hyper::get(new, param)?,
    })
}
