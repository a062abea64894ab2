//! Scale-out (spec §9.2): long-running workers on any machine that reaches the session
//! database ([`serve_database`]), started by an [`Engine`] (Slurm or local processes), and
//! the Workers list that `remap workers list` and the window show.

mod app;
mod engine;
mod secret;
mod serve;
mod slurm;

use std::collections::HashMap;

use remap_store::{Store, WorkerInfo, now_ms};
use serde::Serialize;
use ts_rs::TS;

pub use app::{DEFAULT_IDLE_EXIT, remap_program};
pub use engine::{Engine, EngineState, Local, WorkerLaunch};
pub use secret::DbSecret;
pub use serve::{WorkerOptions, bound_threads, serve_database};
pub use slurm::{JOB_NAME, Slurm, quote};

use crate::error::SessionError;

/// A worker whose heartbeat is older than this is taken for dead.
pub const WORKER_STALE_MS: i64 = 15_000;

/// A worker as the Workers list (`remap workers list`, the Workers tab) shows it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[ts(rename = "WorkerView")]
pub struct WorkerRow {
    #[serde(flatten)]
    pub info: WorkerInfo,
    /// `running`, `stopped` (exited cleanly) or `lost` (no heartbeat for a while).
    #[ts(type = "string")]
    pub status: &'static str,
    /// The engine's own word, where it was reachable (e.g. Slurm's `RUNNING`, `PENDING`).
    pub engine_state: Option<String>,
}

impl WorkerRow {
    fn new(info: WorkerInfo, now: i64) -> Self {
        let status = match info.stopped_at {
            Some(_) => "stopped",
            None if now - info.heartbeat > WORKER_STALE_MS => "lost",
            None => "running",
        };
        WorkerRow {
            info,
            status,
            engine_state: None,
        }
    }
}

/// Every registered worker, with its engine's state where `engines` reach it (the engine
/// commands block: the CLI calls this directly, the window on a blocking thread).
pub async fn workers(
    store: &Store,
    engines: &[&dyn Engine],
) -> Result<Vec<WorkerRow>, SessionError> {
    let mut rows = worker_rows(store).await?;
    with_engine_states(&mut rows, engines);
    Ok(rows)
}

/// Every registered worker, as the database knows it.
pub async fn worker_rows(store: &Store) -> Result<Vec<WorkerRow>, SessionError> {
    let now = now_ms();
    Ok(store
        .workers()
        .await?
        .into_iter()
        .map(|info| WorkerRow::new(info, now))
        .collect())
}

/// Adds each engine's word on its workers (an engine out of reach says nothing).
pub fn with_engine_states(rows: &mut [WorkerRow], engines: &[&dyn Engine]) {
    for engine in engines {
        let ids: Vec<String> = rows
            .iter()
            .filter(|row| row.info.engine == engine.name())
            .filter_map(|row| row.info.engine_job.clone())
            .collect();
        let states: HashMap<String, EngineState> = match engine.states(&ids) {
            Ok(states) => states,
            Err(error) => {
                tracing::warn!(%error, engine = engine.name(), "engine state unavailable");
                continue;
            }
        };
        for row in rows
            .iter_mut()
            .filter(|row| row.info.engine == engine.name())
        {
            if let Some(state) = row.info.engine_job.as_ref().and_then(|id| states.get(id)) {
                row.engine_state = Some(state.state.clone());
            }
        }
    }
}

/// Stops running workers through their engines: those named in `ids` (worker names or
/// engine ids), or every running one when `ids` is empty. Returns the workers asked to stop.
pub async fn stop_workers(
    store: &Store,
    engines: &[&dyn Engine],
    ids: &[String],
) -> Result<Vec<WorkerRow>, SessionError> {
    let chosen = running_named(worker_rows(store).await?, ids)?;
    stop_through(&chosen, engines)?;
    Ok(chosen)
}

/// The running workers among `rows` named in `ids` (all running ones when empty); a name
/// that matches none is an error.
pub fn running_named(rows: Vec<WorkerRow>, ids: &[String]) -> Result<Vec<WorkerRow>, SessionError> {
    let named = |row: &WorkerRow, id: &String| {
        *id == row.info.id || Some(id) == row.info.engine_job.as_ref()
    };
    let chosen: Vec<WorkerRow> = rows
        .into_iter()
        .filter(|row| row.status == "running")
        .filter(|row| ids.is_empty() || ids.iter().any(|id| named(row, id)))
        .collect();
    if let Some(unknown) = ids
        .iter()
        .find(|id| !chosen.iter().any(|row| named(row, id)))
    {
        return Err(SessionError::Invalid(format!(
            "no running worker `{unknown}` (see `remap workers list`)"
        )));
    }
    Ok(chosen)
}

/// Asks each worker's engine to stop it.
pub fn stop_through(rows: &[WorkerRow], engines: &[&dyn Engine]) -> Result<(), SessionError> {
    for engine in engines {
        let of_engine: Vec<String> = rows
            .iter()
            .filter(|row| row.info.engine == engine.name())
            .filter_map(|row| row.info.engine_job.clone())
            .collect();
        engine.stop(&of_engine)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(heartbeat: i64, stopped_at: Option<i64>) -> WorkerInfo {
        WorkerInfo {
            id: "slurm-3_0@n1".into(),
            host: "n1".into(),
            device: "cpu".into(),
            engine: "slurm".into(),
            engine_job: Some("3_0".into()),
            sessions: None,
            current_job: None,
            started_at: 0,
            heartbeat,
            stopped_at,
        }
    }

    #[test]
    fn a_worker_is_running_stopped_or_lost() {
        assert_eq!(
            WorkerRow::new(info(100_000, None), 101_000).status,
            "running"
        );
        assert_eq!(
            WorkerRow::new(info(100_000, Some(100_000)), 101_000).status,
            "stopped"
        );
        assert_eq!(WorkerRow::new(info(100_000, None), 200_000).status, "lost");
    }
}
