//! The Workers panel's use cases on [`App`]: list the database's workers, start more on
//! Slurm or on this machine, stop them.

use std::path::PathBuf;

use remap_store::{ArtifactStore, Location};

use super::{
    DbSecret, Engine, Local, Slurm, WorkerLaunch, running_named, stop_through, with_engine_states,
    worker_rows,
};
use crate::app::App;
use crate::error::SessionError;
use crate::views::{DatabaseView, SubmitWorkersRequest, WorkersView};

/// Seconds an idle worker started from the window waits for a job before it exits.
pub const DEFAULT_IDLE_EXIT: u64 = 300;

impl App {
    /// The database this app works on.
    pub fn database(&self) -> DatabaseView {
        let store = self.store();
        let kind = match store.location() {
            Location::Sqlite(_) => "sqlite",
            Location::Postgres(_) => "postgres",
        };
        DatabaseView {
            kind: kind.into(),
            location: store.location().display(),
            artifacts: store.artifact_store().display(),
        }
    }

    /// Every worker of the database, with Slurm's and this machine's word on each.
    pub async fn workers(&self) -> Result<WorkersView, SessionError> {
        let rows = worker_rows(self.store()).await?;
        let rows = blocking(move || {
            let mut rows = rows;
            with_engine_states(&mut rows, &[&Slurm::default(), &Local]);
            Ok(rows)
        })
        .await?;
        Ok(WorkersView {
            database: self.database(),
            workers: rows,
            slurm_here: on_path("sbatch"),
        })
    }

    /// Starts workers on the database: a Slurm job array or processes on this machine.
    /// Returns their engine ids.
    pub async fn submit_workers(
        &self,
        request: &SubmitWorkersRequest,
    ) -> Result<Vec<String>, SessionError> {
        if request.count == 0 {
            return Err(SessionError::Invalid("start at least one worker".into()));
        }
        let store = self.store();
        let db = match store.location() {
            Location::Postgres(url) => url.clone(),
            Location::Sqlite(path) if request.engine == "local" => path.display().to_string(),
            Location::Sqlite(_) => {
                return Err(SessionError::Invalid(
                    "workers on Slurm need a PostgreSQL database every node reaches: open one \
                     with Database… first"
                        .into(),
                ));
            }
        };
        let artifacts = match store.artifact_store() {
            ArtifactStore::Database => None,
            ArtifactStore::Directory(dir) => Some(dir.display().to_string()),
        };
        let log_dir = store.files_dir().join("worker-logs");
        // The password, if any, goes to a 0600 file beside the logs, not on command lines.
        let (db, secret) = DbSecret::split(&db, None, &log_dir)?;
        let launch = WorkerLaunch {
            program: remap_program(),
            db,
            secret,
            sessions: Vec::new(),
            device: request.device.clone().filter(|d| !d.is_empty()),
            threads: request.cpus_per_task,
            idle_exit: request.idle_exit.unwrap_or(DEFAULT_IDLE_EXIT),
            artifacts,
            log_dir,
        };
        let engine: Box<dyn Engine + Send> = match request.engine.as_str() {
            "slurm" => Box::new(Slurm {
                partition: non_empty(&request.partition),
                gres: non_empty(&request.gres),
                time: non_empty(&request.time),
                cpus_per_task: request.cpus_per_task,
                ..Slurm::via(non_empty(&request.via).as_deref())
            }),
            "local" => Box::new(Local),
            other => {
                return Err(SessionError::Invalid(format!(
                    "unknown engine `{other}` (slurm or local)"
                )));
            }
        };
        let count = request.count;
        blocking(move || engine.submit(&launch, count)).await
    }

    /// Stops the named workers (worker names or engine ids), or every running one.
    pub async fn stop_workers(&self, ids: &[String]) -> Result<Vec<String>, SessionError> {
        let chosen = running_named(worker_rows(self.store()).await?, ids)?;
        let names = chosen.iter().map(|row| row.info.id.clone()).collect();
        blocking(move || stop_through(&chosen, &[&Slurm::default(), &Local])).await?;
        Ok(names)
    }
}

/// Runs engine commands (which block) on a blocking thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SessionError> + Send + 'static,
) -> Result<T, SessionError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SessionError::Invalid(format!("asking the engine crashed: {e}")))?
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The `remap` program beside this one (the app's package installs both), else `remap`
/// on the PATH.
pub fn remap_program() -> String {
    let sibling = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("remap")))
        .filter(|path| path.is_file());
    sibling.map_or_else(
        || "remap".into(),
        |path: PathBuf| path.display().to_string(),
    )
}

/// Whether `program` is on the PATH.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
