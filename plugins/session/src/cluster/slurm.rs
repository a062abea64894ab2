//! Slurm as the engine: a job array of `remap worker --idle-exit …` through `sbatch`, its
//! state from `squeue` (and `sacct` once a job ended, where accounting is kept), `scancel`
//! to stop workers (Slurm sends SIGTERM first). Commands run here or behind a prefix such
//! as `ssh login-host` (`--via`).

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};

use super::engine::{Engine, EngineState, WorkerLaunch, run};
use super::secret::DbSecret;
use crate::error::SessionError;

/// Job name of every worker array, so `squeue` and `sacct` show what they are.
pub const JOB_NAME: &str = "remap-worker";

/// How workers are submitted to a Slurm cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slurm {
    /// A command prefix that reaches the cluster (e.g. `ssh login-host`); empty: here.
    pub via: Vec<String>,
    pub partition: Option<String>,
    /// E.g. `gpu:1`.
    pub gres: Option<String>,
    /// E.g. `2:00:00`.
    pub time: Option<String>,
    pub cpus_per_task: Option<usize>,
}

impl Slurm {
    /// A Slurm engine reached through `via` (split at whitespace; empty: this machine).
    pub fn via(via: Option<&str>) -> Self {
        Slurm {
            via: via
                .map(|text| text.split_whitespace().map(String::from).collect())
                .unwrap_or_default(),
            ..Slurm::default()
        }
    }

    /// `program args…`, run here or through the prefix (as one quoted command line, which
    /// is what `ssh host` and `sh -c` expect).
    fn command(&self, program: &str, args: &[String]) -> Command {
        match self.via.split_first() {
            None => {
                let mut command = Command::new(program);
                command.args(args);
                command
            }
            Some((first, rest)) => {
                let mut command = Command::new(first);
                let line = std::iter::once(program.to_string())
                    .chain(args.iter().cloned())
                    .map(|word| quote(&word))
                    .collect::<Vec<_>>()
                    .join(" ");
                command.args(rest).arg(line);
                command
            }
        }
    }

    /// `sbatch`'s options for an array of `count` workers.
    pub fn sbatch_args(&self, launch: &WorkerLaunch, count: usize) -> Vec<String> {
        let log = launch.log_dir.join(format!("{JOB_NAME}-%A_%a.log"));
        let mut args = vec![
            "--parsable".to_string(),
            format!("--array=0-{}", count.saturating_sub(1)),
            format!("--job-name={JOB_NAME}"),
            format!("--output={}", log.display()),
            // SIGTERM reaches the worker itself, not only the batch shell.
            "--signal=B:TERM@30".to_string(),
        ];
        let options = [
            ("--partition", self.partition.clone()),
            ("--gres", self.gres.clone()),
            ("--time", self.time.clone()),
            ("--cpus-per-task", self.cpus_per_task.map(|c| c.to_string())),
        ];
        for (flag, value) in options {
            if let Some(value) = value {
                args.push(format!("{flag}={value}"));
            }
        }
        args
    }

    /// The batch script: the worker replaces the shell, so Slurm's signals reach it. It
    /// names the password file, never the password (Slurm keeps the script).
    pub fn script(&self, launch: &WorkerLaunch) -> String {
        let mut launch = launch.clone();
        if launch.threads.is_none() {
            launch.threads = self.cpus_per_task;
        }
        let line: Vec<String> = launch.command_line().iter().map(|w| quote(w)).collect();
        let exports: String = launch
            .environment()
            .iter()
            .map(|(name, value)| format!("export {name}={}\n", quote(value)))
            .collect();
        format!(
            "#!/bin/sh\n# A REMAP worker, submitted by `remap workers submit --slurm`.\n{exports}exec {}\n",
            line.join(" ")
        )
    }

    /// Writes the password file where the workers run (here or through the prefix), mode
    /// 0600 before the secret goes in; the secret travels on stdin, not on a command line.
    fn write_secret(&self, secret: &DbSecret) -> Result<(), SessionError> {
        const WRITE: &str = "umask 077 && mkdir -p -- \"$(dirname -- \"$1\")\" && : > \"$1\" \
                             && chmod 600 -- \"$1\" && cat > \"$1\"";
        let args = [
            "-c".to_string(),
            WRITE.to_string(),
            "sh".to_string(),
            secret.file.display().to_string(),
        ];
        let what = format!("writing the password file {}", secret.file.display());
        let mut child = self
            .command("sh", &args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| SessionError::Invalid(format!("{what}: {e}")))?;
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(format!("{}\n", secret.line()).as_bytes())
            .map_err(|e| SessionError::Invalid(format!("{what}: {e}")))?;
        let output = child
            .wait_with_output()
            .map_err(|e| SessionError::Invalid(format!("{what}: {e}")))?;
        if !output.status.success() {
            return Err(SessionError::Invalid(format!(
                "{what} failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(())
    }
}

impl Engine for Slurm {
    fn name(&self) -> &'static str {
        "slurm"
    }

    fn submit(&self, launch: &WorkerLaunch, count: usize) -> Result<Vec<String>, SessionError> {
        if count == 0 {
            return Ok(Vec::new());
        }
        // Slurm fails a job whose log cannot be opened: make the folder where sbatch runs.
        let log_dir = launch.log_dir.display().to_string();
        run(
            &mut self.command("mkdir", &["-p".into(), log_dir]),
            "mkdir of the log directory",
        )?;
        if let Some(secret) = &launch.secret {
            self.write_secret(secret)?;
        }
        let mut command = self.command("sbatch", &self.sbatch_args(launch, count));
        let mut child = command
            // sbatch exports this environment to the job: the password reaches the workers
            // through their file only.
            .env_remove("PGPASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| SessionError::Invalid(format!("cannot run sbatch: {e}")))?;
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(self.script(launch).as_bytes())
            .map_err(|e| SessionError::Invalid(format!("sbatch: {e}")))?;
        let output = child
            .wait_with_output()
            .map_err(|e| SessionError::Invalid(format!("sbatch: {e}")))?;
        if !output.status.success() {
            return Err(SessionError::Invalid(format!(
                "sbatch failed ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        // `--parsable` prints `jobid` or `jobid;cluster`.
        let stdout = String::from_utf8_lossy(&output.stdout);
        let job = stdout
            .trim()
            .split(';')
            .next()
            .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| SessionError::Invalid(format!("sbatch printed `{}`", stdout.trim())))?;
        Ok((0..count).map(|task| format!("{job}_{task}")).collect())
    }

    fn states(&self, ids: &[String]) -> Result<HashMap<String, EngineState>, SessionError> {
        let mut states = HashMap::new();
        if ids.is_empty() {
            return Ok(states);
        }
        let args = ["--noheader", "--array", "--format=%i|%T"].map(String::from);
        let listed = run(&mut self.command("squeue", &args), "squeue")?;
        states.extend(parse_states(&listed, ids));
        let ended: Vec<String> = ids
            .iter()
            .filter(|id| !states.contains_key(*id))
            .cloned()
            .collect();
        if !ended.is_empty() {
            // Where accounting is kept; a cluster without it simply does not say.
            let args = vec![
                "--noheader".to_string(),
                "--parsable2".into(),
                "--allocations".into(),
                "--format=JobID,State".into(),
                format!("--jobs={}", ended.join(",")),
            ];
            if let Ok(listed) = run(&mut self.command("sacct", &args), "sacct") {
                states.extend(parse_states(&listed, &ended));
            }
        }
        Ok(states)
    }

    fn stop(&self, ids: &[String]) -> Result<(), SessionError> {
        if ids.is_empty() {
            return Ok(());
        }
        run(&mut self.command("scancel", ids), "scancel").map(drop)
    }
}

/// `id|STATE` lines, for the ids asked about (`CANCELLED by 0` → `CANCELLED`).
fn parse_states(listed: &str, ids: &[String]) -> HashMap<String, EngineState> {
    listed
        .lines()
        .filter_map(|line| {
            let (id, state) = line.trim().split_once('|')?;
            let state = state.split_whitespace().next()?.to_string();
            ids.iter()
                .any(|wanted| wanted == id)
                .then(|| (id.to_string(), EngineState { state }))
        })
        .collect()
}

/// One word for a POSIX shell: unchanged when it is safe, single-quoted otherwise.
pub fn quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn launch() -> WorkerLaunch {
        let (db, secret) = DbSecret::split(
            "postgres://remap:it's@db:5432/lab",
            None,
            Path::new("/scratch/logs"),
        )
        .unwrap();
        WorkerLaunch {
            program: "/opt/remap/bin/remap".into(),
            db,
            secret,
            sessions: vec![],
            device: Some("gpu".into()),
            threads: None,
            idle_exit: 120,
            artifacts: None,
            log_dir: "/scratch/logs".into(),
        }
    }

    #[test]
    fn a_submission_is_an_array_with_the_users_resources() {
        let slurm = Slurm {
            partition: Some("gpu".into()),
            gres: Some("gpu:1".into()),
            time: Some("2:00:00".into()),
            cpus_per_task: Some(4),
            ..Slurm::default()
        };
        assert_eq!(
            slurm.sbatch_args(&launch(), 3),
            [
                "--parsable",
                "--array=0-2",
                "--job-name=remap-worker",
                "--output=/scratch/logs/remap-worker-%A_%a.log",
                "--signal=B:TERM@30",
                "--partition=gpu",
                "--gres=gpu:1",
                "--time=2:00:00",
                "--cpus-per-task=4",
            ]
        );
        let passfile = launch().secret.unwrap().file;
        assert_eq!(
            slurm.script(&launch()),
            format!(
                "#!/bin/sh\n# A REMAP worker, submitted by `remap workers submit --slurm`.\n\
                 export PGPASSFILE={}\n\
                 exec /opt/remap/bin/remap worker --db postgres://remap@db:5432/lab \
                 --idle-exit 120 --device gpu --threads 4\n",
                passfile.display()
            )
        );
        assert!(!slurm.script(&launch()).contains("it's"));
    }

    #[test]
    fn commands_go_through_the_prefix_as_one_quoted_line() {
        let slurm = Slurm::via(Some("ssh  login-1"));
        let command = slurm.command("scancel", &["12_0".into(), "a b".into()]);
        assert_eq!(command.get_program(), "ssh");
        let args: Vec<_> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["login-1", "scancel 12_0 'a b'"]);
    }

    #[test]
    fn states_are_read_for_the_ids_asked_about() {
        let listed = "12_0|RUNNING\n12_1|PENDING\n99_0|RUNNING\n12_2|CANCELLED by 0\n";
        let ids: Vec<String> = ["12_0", "12_2", "12_5"].map(String::from).to_vec();
        let states = parse_states(listed, &ids);
        assert_eq!(states.len(), 2);
        assert_eq!(states["12_0"].state, "RUNNING");
        assert_eq!(states["12_2"].state, "CANCELLED");
    }
}
