//! A session "around" a net the user brought (spec §10.4): the net itself, then its
//! ablations and variations, all under the session's budget and each architecture once.

use std::collections::HashSet;

use remap_architecture::{Architecture, Input};
use remap_sampling::{
    AblationRequest, SearchSpace, VariationRequest, ablate, over_budget_reason, vary,
};

use crate::error::SessionError;

/// Changes per variation at most (each gets 1..=this many).
const MAX_CHANGES: usize = 2;

/// The net a session starts around and how many of its relatives join it.
#[derive(Clone, Debug, PartialEq)]
pub struct Around {
    /// The net (its input and classes are replaced by the data set's).
    pub architecture: Architecture,
    /// Ablations and variations added to it.
    pub count: usize,
}

/// The initial models of a session around `around.architecture` on images of `input` and
/// `classes` classes: the net first, then up to half the count as ablations (one layer
/// removed each) and the rest as variations (1–2 edits drawn from `space` with `seed`);
/// fewer only when no more distinct ones fit under `budget`.
pub fn around_models(
    around: &Around,
    input: Input,
    classes: u32,
    space: &SearchSpace,
    budget: Option<u64>,
    seed: u64,
) -> Result<Vec<Architecture>, SessionError> {
    let net = &around.architecture;
    let center =
        Architecture::new(input, classes, net.layers.clone()).with_inputs(net.inputs.clone());
    let params = center.params().map_err(|e| {
        SessionError::Invalid(format!(
            "`{}` does not fit this data set: {e}",
            net.summary()
        ))
    })?;
    if let Some(reason) = over_budget_reason(params, budget) {
        return Err(SessionError::Invalid(format!(
            "`{}` has {reason}",
            center.summary()
        )));
    }
    let ablations = ablate(
        &center,
        &AblationRequest {
            layers: None,
            max_params: budget,
            existing: Vec::new(),
        },
    )?;
    let variations = vary(
        &center,
        space,
        &VariationRequest {
            count: around.count,
            max_changes: MAX_CHANGES,
            seed,
            max_params: budget,
            ..VariationRequest::default()
        },
    )?;
    let ablated: Vec<Architecture> = ablations
        .children
        .into_iter()
        .map(|c| c.architecture)
        .collect();
    let varied: Vec<Architecture> = variations
        .children
        .into_iter()
        .map(|c| c.architecture)
        .collect();
    let half = around.count.div_ceil(2).min(ablated.len());
    let wanted = around.count + 1;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(wanted);
    let order = std::iter::once(center)
        .chain(ablated[..half].iter().cloned())
        .chain(varied)
        .chain(ablated[half..].iter().cloned());
    for arch in order {
        if out.len() == wanted {
            break;
        }
        let fits = arch
            .params()
            .is_ok_and(|p| over_budget_reason(p, budget).is_none());
        if fits && seen.insert(arch.hash()) {
            out.push(arch);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use remap_architecture::Layer;

    use super::*;

    fn net() -> Architecture {
        let layers = vec![
            Layer::conv(4, 3),
            Layer::Activation {
                function: remap_architecture::Activation::Relu,
            },
            Layer::maxpool(2),
            Layer::Dense { units: 16 },
        ];
        Architecture::new(Input::new(8, 8, 1), 2, layers)
    }

    #[test]
    fn the_net_comes_first_with_distinct_relatives_under_the_budget() {
        let input = Input::new(28, 28, 1);
        let around = Around {
            architecture: net(),
            count: 6,
        };
        let budget = Some(25_000);
        let models =
            around_models(&around, input, 10, &SearchSpace::remap_2019(), budget, 3).unwrap();
        assert_eq!(models.len(), 7);
        assert_eq!(models[0].layers, net().layers);
        assert_eq!((models[0].input, models[0].classes), (input, 10));
        let hashes: HashSet<String> = models.iter().map(Architecture::hash).collect();
        assert_eq!(hashes.len(), 7);
        for m in &models {
            assert!(m.params().unwrap() <= 25_000, "{}", m.summary());
        }
        // Half of them (rounded up) are the net less one layer.
        let shorter = models[1..].iter().filter(|m| m.layers.len() == 3).count();
        assert!(shorter >= 3, "{shorter}");
    }

    #[test]
    fn a_net_over_the_budget_is_refused_with_its_count() {
        let around = Around {
            architecture: net(),
            count: 2,
        };
        let input = Input::new(28, 28, 1);
        let err = around_models(
            &around,
            input,
            10,
            &SearchSpace::remap_2019(),
            Some(1_000),
            0,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("over the budget of 1,000"),
            "{err}"
        );
    }
}
