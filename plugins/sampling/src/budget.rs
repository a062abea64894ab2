//! A parameter budget (spec §9.3): the cap a session's models must fit under.

use remap_architecture::thousands;

/// How far `params` is over `budget`, or `None` when it fits (or there is no budget).
pub fn over_budget(params: u64, budget: Option<u64>) -> Option<u64> {
    budget
        .and_then(|cap| params.checked_sub(cap))
        .filter(|&over| over > 0)
}

/// Why a model of `params` parameters is not made under `budget`, when it is over it:
/// "120,000 parameters: over the budget of 100,000 by 20,000".
pub fn over_budget_reason(params: u64, budget: Option<u64>) -> Option<String> {
    let over = over_budget(params, budget)?;
    let cap = budget?;
    Some(format!(
        "{} parameters: over the budget of {} by {}",
        thousands(params),
        thousands(cap),
        thousands(over)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_over_the_budget_says_by_how_much() {
        assert_eq!(over_budget(120_000, Some(100_000)), Some(20_000));
        assert_eq!(over_budget(100_000, Some(100_000)), None);
        assert_eq!(over_budget(99, None), None);
        assert_eq!(
            over_budget_reason(1_234_567, Some(100_000)).unwrap(),
            "1,234,567 parameters: over the budget of 100,000 by 1,134,567"
        );
        assert_eq!(over_budget_reason(5, Some(10)), None);
    }
}
