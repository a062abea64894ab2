//! What starts and stops workers: an engine. Slurm ([`super::slurm::Slurm`]) submits job
//! arrays through `sbatch`; [`Local`] starts processes on this machine. Ray's job API or
//! Kubernetes Jobs would be further implementations of [`Engine`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use remap_store::{PASSFILE_ENV, write_passfile};

use super::secret::DbSecret;
use crate::error::SessionError;

/// What every worker of one submission runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerLaunch {
    /// The `remap` program on the machines that run the workers.
    pub program: String,
    /// The database URL the workers open, without a password (it goes on command lines).
    pub db: String,
    /// The password file the workers read the password from (`PGPASSFILE`), written by
    /// the engine before they start; `None`: none is needed or the nodes have their own.
    pub secret: Option<DbSecret>,
    /// Only these sessions; empty: every session.
    pub sessions: Vec<String>,
    /// `auto`, `cpu` or `gpu`; `None`: each session's.
    pub device: Option<String>,
    /// Threads of each worker's pool; `None`: the engine's default.
    pub threads: Option<usize>,
    /// Seconds without a job before a worker exits.
    pub idle_exit: u64,
    /// `database` or a directory every worker mounts; `None`: the database's default.
    pub artifacts: Option<String>,
    /// Where each worker's log goes (a directory the engine's nodes can write).
    pub log_dir: PathBuf,
}

impl WorkerLaunch {
    /// The worker's command line (program first).
    pub fn command_line(&self) -> Vec<String> {
        let mut args = vec![
            self.program.clone(),
            "worker".into(),
            "--db".into(),
            self.db.clone(),
            "--idle-exit".into(),
            self.idle_exit.to_string(),
        ];
        if !self.sessions.is_empty() {
            args.extend(["--sessions".into(), self.sessions.join(",")]);
        }
        if let Some(device) = &self.device {
            args.extend(["--device".into(), device.clone()]);
        }
        if let Some(threads) = self.threads {
            args.extend(["--threads".into(), threads.to_string()]);
        }
        if let Some(artifacts) = &self.artifacts {
            args.extend(["--artifacts".into(), artifacts.clone()]);
        }
        args
    }

    /// The environment the workers need beside their command line: the password file.
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        self.secret
            .iter()
            .map(|secret| (PASSFILE_ENV, secret.file.display().to_string()))
            .collect()
    }
}

/// An engine's view of one of its workers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineState {
    /// E.g. `RUNNING`, `PENDING`, `COMPLETED`, `CANCELLED` (Slurm's words), `running` or
    /// `exited` for local processes.
    pub state: String,
}

/// Starts, inspects and stops workers.
pub trait Engine {
    /// `slurm` or `local`, as workers register.
    fn name(&self) -> &'static str;
    /// Starts `count` workers; returns their engine ids (e.g. `123_0`, `123_1`).
    fn submit(&self, launch: &WorkerLaunch, count: usize) -> Result<Vec<String>, SessionError>;
    /// The engine's state of these workers, where it still knows them.
    fn states(&self, ids: &[String]) -> Result<HashMap<String, EngineState>, SessionError>;
    /// Asks these workers to stop (SIGTERM: each checkpoints and releases its job).
    fn stop(&self, ids: &[String]) -> Result<(), SessionError>;
}

/// Workers as processes on this machine, detached from the caller.
#[derive(Clone, Debug, Default)]
pub struct Local;

impl Engine for Local {
    fn name(&self) -> &'static str {
        "local"
    }

    fn submit(&self, launch: &WorkerLaunch, count: usize) -> Result<Vec<String>, SessionError> {
        std::fs::create_dir_all(&launch.log_dir).map_err(|e| {
            SessionError::Invalid(format!("log directory {}: {e}", launch.log_dir.display()))
        })?;
        if let Some(secret) = &launch.secret {
            write_passfile(&secret.file, secret.line())?;
        }
        let line = launch.command_line();
        let mut ids = Vec::with_capacity(count);
        for index in 0..count {
            let log_path = launch
                .log_dir
                .join(format!("remap-worker-local-{index}.log"));
            let log = std::fs::File::create(&log_path).map_err(|e| {
                SessionError::Invalid(format!("worker log {}: {e}", log_path.display()))
            })?;
            let err = log
                .try_clone()
                .map_err(|e| SessionError::Invalid(e.to_string()))?;
            let mut command = Command::new(&line[0]);
            command
                .args(&line[1..])
                .envs(launch.environment())
                // The password reaches the worker through its file only.
                .env_remove("PGPASSWORD")
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(err);
            #[cfg(unix)]
            {
                use std::os::unix::process::CommandExt;
                // Its own process group: the caller's Ctrl-C does not reach it.
                command.process_group(0);
            }
            let child = command
                .spawn()
                .map_err(|e| SessionError::Invalid(format!("cannot start `{}`: {e}", line[0])))?;
            ids.push(child.id().to_string());
        }
        Ok(ids)
    }

    fn states(&self, ids: &[String]) -> Result<HashMap<String, EngineState>, SessionError> {
        Ok(ids
            .iter()
            .map(|id| {
                let alive = std::path::Path::new("/proc").join(id).exists();
                let state = if alive { "running" } else { "exited" };
                (
                    id.clone(),
                    EngineState {
                        state: state.into(),
                    },
                )
            })
            .collect())
    }

    fn stop(&self, ids: &[String]) -> Result<(), SessionError> {
        if ids.is_empty() {
            return Ok(());
        }
        run(Command::new("kill").arg("-TERM").args(ids), "kill").map(drop)
    }
}

/// Runs a command to its end; its stdout, or an error with its stderr.
pub(crate) fn run(command: &mut Command, what: &str) -> Result<String, SessionError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| SessionError::Invalid(format!("cannot run {what}: {e}")))?;
    if !output.status.success() {
        return Err(SessionError::Invalid(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_command_line_carries_every_choice() {
        let launch = WorkerLaunch {
            program: "remap".into(),
            db: "postgres://u@h/db".into(),
            secret: None,
            sessions: vec!["a".into(), "b".into()],
            device: Some("gpu".into()),
            threads: Some(4),
            idle_exit: 60,
            artifacts: Some("database".into()),
            log_dir: "/tmp".into(),
        };
        assert_eq!(
            launch.command_line().join(" "),
            "remap worker --db postgres://u@h/db --idle-exit 60 --sessions a,b --device gpu \
             --threads 4 --artifacts database"
        );
    }

    #[test]
    fn the_password_reaches_a_worker_through_its_file_only() {
        let (db, secret) = DbSecret::split(
            "postgres://u:hunter2@h/db",
            None,
            std::path::Path::new("/logs"),
        )
        .unwrap();
        let file = secret.as_ref().unwrap().file.display().to_string();
        let launch = WorkerLaunch {
            program: "remap".into(),
            db,
            secret,
            sessions: vec![],
            device: None,
            threads: None,
            idle_exit: 60,
            artifacts: None,
            log_dir: "/logs".into(),
        };
        assert!(!launch.command_line().join(" ").contains("hunter2"));
        assert_eq!(launch.environment(), [("PGPASSFILE", file)]);
        assert!(!format!("{launch:?}").contains("hunter2"));
    }
}
