//! The worker protocol: one JSON object per line, requests on the worker's stdin, replies on
//! its stdout (its stderr carries logs).

use remap_store::{EpochMetrics, JobSpec, RunOutcome};
use serde::{Deserialize, Serialize};

use crate::runner::TrainOverrides;

/// What the parent asks.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Request {
    /// Train this job (one at a time).
    Train {
        spec: Box<JobSpec>,
        overrides: TrainOverrides,
    },
    /// Stop the job in progress within one batch (its checkpoint keeps the last epoch).
    Stop,
    /// Train with this many threads from the next batch on (this job's share of the
    /// machine as other jobs start and end).
    Threads(usize),
}

/// What the worker reports about the job in progress.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply {
    Batch {
        epoch: u32,
        batch: u32,
        batches: u32,
    },
    Epoch(EpochMetrics),
    Done(RunOutcome),
    Stopped,
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outcome_crosses_the_wire_unchanged() {
        let outcome = RunOutcome {
            epochs: vec![],
            diverged: false,
            paused: true,
            per_class_accuracy: vec![Some(0.5), None],
            confusion: vec![vec![1, 0], vec![0, 1]],
            predictions: vec![0, 1],
            log_probs: Some(vec![1, 2, 3, 4]),
            weights: Some(vec![0, 255, 7, 1]),
            device: "cpu".into(),
        };
        let line = serde_json::to_string(&Reply::Done(outcome.clone())).unwrap();
        assert!(line.contains(r#""weights":"AP8HAQ==""#), "{line}");
        let Reply::Done(back) = serde_json::from_str(&line).unwrap() else {
            panic!("{line}");
        };
        assert_eq!(back, outcome);
        assert_eq!(serde_json::to_string(&Request::Stop).unwrap(), r#""stop""#);
        assert_eq!(
            serde_json::to_string(&Request::Threads(2)).unwrap(),
            r#"{"threads":2}"#
        );
    }
}
