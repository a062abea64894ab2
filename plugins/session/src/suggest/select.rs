//! Greedy batch selection (spec §10.1): the candidate of highest expected improvement, then
//! again with it counted as pending, so that suggestions for parallel workers spread out.

use remap_architecture::Architecture;
use remap_surrogate::{Prediction, Surrogate, SurrogateError, expected_improvement};

use super::candidates::Candidate;

/// A chosen candidate with what the surrogate expected of it when chosen.
#[derive(Clone, Debug)]
pub struct Chosen {
    pub candidate: Candidate,
    pub prediction: Prediction,
    pub acquisition: f64,
}

/// Up to `count` candidates, best expected improvement over `best` first; each is added to
/// `pending` (the queued and running models) before the next is chosen. Ties go to the higher
/// mean, then to the earlier candidate.
pub fn select(
    mut surrogate: Surrogate,
    mut candidates: Vec<Candidate>,
    mut pending: Vec<Architecture>,
    best: f64,
    count: usize,
) -> Result<Vec<Chosen>, SurrogateError> {
    let mut chosen = Vec::with_capacity(count);
    while chosen.len() < count && !candidates.is_empty() {
        surrogate = surrogate.with_pending(&pending)?;
        let architectures: Vec<Architecture> =
            candidates.iter().map(|c| c.architecture.clone()).collect();
        let predictions = surrogate.predict_many(&architectures)?;
        let scored = predictions
            .iter()
            .map(|&p| (expected_improvement(p, best), p.mean));
        let top =
            scored
                .enumerate()
                .fold(None, |top: Option<(usize, (f64, f64))>, (i, s)| match top {
                    Some((_, t)) if t.0 > s.0 || (t.0 == s.0 && t.1 >= s.1) => top,
                    _ => Some((i, s)),
                });
        let Some((at, _)) = top else { break };
        let candidate = candidates.remove(at);
        pending.push(candidate.architecture.clone());
        chosen.push(Chosen {
            acquisition: expected_improvement(predictions[at], best),
            prediction: predictions[at],
            candidate,
        });
    }
    Ok(chosen)
}
