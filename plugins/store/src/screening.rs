//! Screening by successive halving, asynchronous (ASHA; Li et al., MLSys 2020; spec §9.1):
//! which screened models go on to the next rung. Pure: the store feeds it the cohort.

use std::sync::Arc;

use crate::types::{Job, JobId, Session, TrainingRun};

/// Scores one run's result for screening (higher is better); `None` for a run it cannot
/// score, which is then ranked by its validation accuracy.
pub type RunScore = Box<dyn Fn(&TrainingRun) -> Option<f64> + Send + Sync>;

/// What screening ranks a session's rung results by, where that is not validation accuracy:
/// the session's focus accuracy (spec §9.3). The session layer implements it (it knows the
/// data sets); the scheduler asks it whenever it promotes.
#[async_trait::async_trait]
pub trait Objective: Send + Sync {
    /// The score of `session`'s runs; `None` to rank by validation accuracy.
    async fn scorer(&self, session: &Session) -> Result<Option<RunScore>, String>;
}

/// A shared [`Objective`].
pub type SharedObjective = Arc<dyn Objective>;

/// `job`'s score at `rung` epochs: by `score` on the run that stopped there (the screened
/// result of that rung), else the validation accuracy of its epoch; `None` before it got there.
pub fn rung_score(
    job: &Job,
    rung: u32,
    runs: &[TrainingRun],
    score: Option<&RunScore>,
) -> Option<f64> {
    let reached = job.progress.get(rung as usize - 1)?;
    score
        .and_then(|score| {
            runs.iter()
                .rev()
                .filter(|run| run.job_id == Some(job.id) && run.epochs.len() == rung as usize)
                .find_map(score)
        })
        .or(Some(reached.val_accuracy))
}

/// Epochs of the first rung (r).
pub const FIRST_RUNG: u32 = 1;
/// Reduction factor (η): a third of each rung is promoted.
pub const REDUCTION: u32 = 3;

/// Rungs, in epochs, for a model trained at most `max_epochs`: r·ηᵏ while the next one still
/// fits, then `max_epochs` (max 10: 1, 3, 10; max 27: 1, 3, 9, 27; max 1: 1).
pub fn rungs(max_epochs: u32) -> Vec<u32> {
    let mut rungs = Vec::new();
    let mut epochs = FIRST_RUNG;
    while epochs.saturating_mul(REDUCTION) <= max_epochs {
        rungs.push(epochs);
        epochs *= REDUCTION;
    }
    rungs.push(max_epochs.max(1));
    rungs
}

/// The rung after `rung` for a model of `max_epochs` (`None` at the top).
pub fn next_rung(rung: u32, max_epochs: u32) -> Option<u32> {
    rungs(max_epochs).into_iter().find(|&next| next > rung)
}

/// One member of a cohort, as far as one rung is concerned.
#[derive(Clone, Debug, PartialEq)]
pub struct Contender {
    pub job: JobId,
    /// Its objective after the rung's epochs (validation accuracy), if it got there.
    pub score: Option<f64>,
    /// Paused at exactly this rung, waiting: may be promoted.
    pub waiting: bool,
    /// Queued or running below this rung: it may still arrive.
    pub pending: bool,
}

/// The waiting contenders to promote from one rung: those ranked in the top 1/η of all
/// that completed it (rank · η ≤ completed), decided as results arrive. Once no one is
/// pending any more, the share is rounded up (the top ⌈n/η⌉), so a small cohort always
/// sends its best to the end and the top rung is not starved by rounding (30 models, η = 3:
/// 10 → 4 at the top, not 3).
pub fn promotions(contenders: &[Contender]) -> Vec<JobId> {
    let mut done: Vec<&Contender> = contenders.iter().filter(|c| c.score.is_some()).collect();
    done.sort_by(|a, b| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.job.cmp(&b.job))
    });
    let eta = REDUCTION as usize;
    let top = if contenders.iter().any(|c| c.pending) {
        done.len() / eta
    } else {
        done.len().div_ceil(eta)
    };
    done[..top]
        .iter()
        .filter(|c| c.waiting)
        .map(|c| c.job)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rungs_follow_r_eta_k_up_to_the_maximum() {
        assert_eq!(rungs(10), [1, 3, 10]);
        assert_eq!(rungs(27), [1, 3, 9, 27]);
        assert_eq!(rungs(30), [1, 3, 9, 30]);
        assert_eq!(rungs(3), [1, 3]);
        assert_eq!(rungs(2), [2]);
        assert_eq!(rungs(1), [1]);
        assert_eq!(next_rung(1, 10), Some(3));
        assert_eq!(next_rung(3, 10), Some(10));
        assert_eq!(next_rung(10, 10), None);
    }

    fn done(job: JobId, score: f64) -> Contender {
        Contender {
            job,
            score: Some(score),
            waiting: true,
            pending: false,
        }
    }

    fn pending(job: JobId) -> Contender {
        Contender {
            job,
            score: None,
            waiting: false,
            pending: true,
        }
    }

    #[test]
    fn the_top_third_of_those_done_so_far_is_promoted_without_waiting() {
        // Two of six done: too few to promote anyone yet.
        let mut cohort = vec![done(1, 0.5), done(2, 0.7)];
        cohort.extend((3..=6).map(pending));
        assert!(promotions(&cohort).is_empty());
        // Three done: the best of them goes on while the rest still train.
        cohort[2] = done(3, 0.6);
        assert_eq!(promotions(&cohort), [2]);
    }

    #[test]
    fn a_promoted_model_is_not_promoted_again_and_a_later_better_one_is() {
        let mut cohort: Vec<Contender> = (1..=6).map(|j| done(j, j as f64 / 10.0)).collect();
        cohort[5].waiting = false; // 6 (the best) already promoted
        // Top two of six: 6 and 5; only 5 still waits.
        assert_eq!(promotions(&cohort), [5]);
    }

    #[test]
    fn a_finished_small_cohort_still_sends_its_best_to_the_end() {
        let cohort = [done(1, 0.4), done(2, 0.8)];
        assert_eq!(promotions(&cohort), [2]);
        let still_training = [done(1, 0.4), done(2, 0.8), pending(3)];
        assert!(promotions(&still_training).is_empty());
    }

    #[test]
    fn a_complete_rung_rounds_its_share_up() {
        // Ten done, nothing pending: the top four (⌈10/3⌉), not three.
        let cohort: Vec<Contender> = (1..=10).map(|j| done(j, j as f64 / 10.0)).collect();
        assert_eq!(promotions(&cohort), [10, 9, 8, 7]);
        // While one is still training, only the top three (⌊9/3⌋) of the nine done go.
        let mut training = cohort.clone();
        training[0] = pending(1);
        assert_eq!(promotions(&training), [10, 9, 8]);
    }

    #[test]
    fn ties_go_to_the_older_job() {
        let cohort = [done(2, 0.5), done(1, 0.5), done(3, 0.5)];
        assert_eq!(promotions(&cohort), [1]);
    }
}
