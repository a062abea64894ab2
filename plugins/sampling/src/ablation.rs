//! Ablation (spec §4): one child per selected layer with exactly that layer removed.

use std::collections::HashSet;

use remap_architecture::Architecture;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::SamplingError;
use crate::budget::over_budget_reason;
use crate::lineage::{Change, Child, Origin};

/// What to ablate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct AblationRequest {
    /// Hidden-layer indices to remove one at a time; `None` means every hidden layer.
    #[ts(optional = nullable)]
    pub layers: Option<Vec<usize>>,
    /// Children with more parameters are not returned (listed in `skipped` with the reason,
    /// and counted in `dropped_over_budget`).
    #[ts(optional = nullable)]
    pub max_params: Option<u64>,
    /// Hashes of models the session already has; children equal to one are skipped.
    #[ts(as = "Option<Vec<String>>", optional)]
    pub existing: Vec<String>,
}

/// A child that was not produced, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Skipped {
    /// The parent's layer the child was about (for ablations), if any.
    pub layer: Option<usize>,
    /// Why it was not produced.
    pub reason: String,
}

/// Children of one generation request, and what became of the ones not returned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generated {
    /// The children, in order.
    pub children: Vec<Child>,
    /// Children that could not be made (invalid, duplicate, no valid variation found).
    pub skipped: Vec<Skipped>,
    /// Valid children not returned because they exceed the parameter budget.
    pub dropped_over_budget: usize,
}

/// One child per selected layer with that layer removed, rewired as spec §9.4 says (the
/// readers of a removed layer read its first input). Removals that leave an invalid net, or
/// a net equal to an earlier child or an existing model, are skipped with a reason.
pub fn ablate(
    parent: &Architecture,
    request: &AblationRequest,
) -> Result<Generated, SamplingError> {
    parent.analyze()?;
    let len = parent.layers.len();
    let mut selected: Vec<usize> = match &request.layers {
        Some(layers) => layers.clone(),
        None => (0..len).collect(),
    };
    selected.sort_unstable();
    selected.dedup();
    if let Some(&layer) = selected.iter().find(|&&l| l >= len) {
        return Err(SamplingError::NoSuchLayer {
            layer,
            len,
            allows_head_slot: false,
        });
    }
    let mut seen: HashSet<String> = request.existing.iter().cloned().collect();
    seen.insert(parent.hash());
    let mut out = Generated {
        children: Vec::new(),
        skipped: Vec::new(),
        dropped_over_budget: 0,
    };
    for at in selected {
        let removed = parent.layers[at].clone();
        let child = parent.without_layer(at);
        let skip = |reason: String| Skipped {
            layer: Some(at),
            reason: format!("removing {removed} at {at}: {reason}"),
        };
        let params = match child.params() {
            Ok(params) => params,
            Err(e) => {
                out.skipped
                    .push(skip(format!("the net becomes invalid ({e})")));
                continue;
            }
        };
        let hash = child.hash();
        if !seen.insert(hash.clone()) {
            let reason = match out.children.iter().find(|c| c.hash == hash) {
                Some(twin) => format!("gives the same net as `{}`", twin.changes[0]),
                None => format!("gives {hash}, a model the session already has"),
            };
            out.skipped.push(skip(reason));
            continue;
        }
        if let Some(reason) = over_budget_reason(params, request.max_params) {
            out.dropped_over_budget += 1;
            out.skipped.push(skip(reason));
            continue;
        }
        let edits = vec![Change::Removed {
            at,
            layer: removed.clone(),
        }];
        out.children
            .push(Child::new(parent, child, Origin::Ablation, edits));
    }
    Ok(out)
}
