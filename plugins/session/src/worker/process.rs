//! The parent's side: a pool of `remap worker --stdio` processes, one job at a time each.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use remap_store::{CancelFlag, JobRunner, JobSpec, Progress, RunError, RunOutcome};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::watch;

use super::message::{Reply, Request};
use crate::runner::TrainOverrides;

/// Lines of a worker's stderr kept to explain how it died.
const STDERR_TAIL: usize = 12;
/// How often a running job's cancel flag is looked at.
const CANCEL_CHECK: Duration = Duration::from_millis(100);

/// How to start a worker: a program and the arguments that make it serve on stdio (the
/// app's own executable with `worker --stdio`, or `remap worker --stdio`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<String>,
}

impl WorkerCommand {
    /// This executable, serving as a worker (it must handle `worker --stdio`).
    pub fn current_exe() -> std::io::Result<Self> {
        Ok(WorkerCommand {
            program: std::env::current_exe()?,
            args: vec!["worker".into(), "--stdio".into()],
        })
    }
}

/// A started worker process.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    threads: usize,
}

/// How jobs train in workers, changeable while the queue runs (new jobs see the change).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkerSettings {
    /// Threads of each worker's pool when every job slot is busy.
    pub threads: usize,
    /// Threads all running jobs share: fewer jobs than slots split them (a lone job at the
    /// end of a screening run gets the cores the others left).
    pub budget: usize,
    pub overrides: TrainOverrides,
}

impl WorkerSettings {
    /// The threads each of `running` jobs may use: an equal part of the budget, never less
    /// than `threads`.
    pub fn share(&self, running: usize) -> usize {
        (self.budget / running.max(1)).max(self.threads).max(1)
    }
}

/// A [`JobRunner`] that trains each job in a worker process, reusing idle workers (a worker
/// keeps its loaded data sets and device between jobs).
pub struct ProcessRunner {
    command: WorkerCommand,
    settings: RwLock<WorkerSettings>,
    idle: Mutex<Vec<Worker>>,
    /// Jobs running now.
    running: Mutex<usize>,
    /// Each running job's share of threads, announced to every job's driver as it changes.
    share: watch::Sender<usize>,
}

impl ProcessRunner {
    pub fn new(command: WorkerCommand, settings: WorkerSettings) -> Self {
        ProcessRunner {
            command,
            settings: RwLock::new(settings),
            idle: Mutex::new(Vec::new()),
            running: Mutex::new(0),
            share: watch::Sender::new(settings.share(1)),
        }
    }

    /// Counts a job in (`+1`) or out (`-1`) and announces the running jobs' new share.
    fn count(&self, delta: isize) {
        let mut running = self.running.lock().expect("running jobs");
        *running = running.saturating_add_signed(delta);
        self.share.send_replace(self.settings().share(*running));
    }

    pub fn settings(&self) -> WorkerSettings {
        *self.settings.read().expect("worker settings")
    }

    /// Applies to jobs started from now on (running jobs get their new share of threads);
    /// idle workers with another thread count retire.
    pub fn set_settings(&self, settings: WorkerSettings) {
        *self.settings.write().expect("worker settings") = settings;
        self.idle
            .lock()
            .expect("idle workers")
            .retain(|worker| worker.threads == settings.threads);
        self.count(0);
    }

    fn take_idle(&self, threads: usize) -> Option<Worker> {
        let mut idle = self.idle.lock().expect("idle workers");
        let index = idle.iter().position(|worker| worker.threads == threads)?;
        Some(idle.swap_remove(index))
    }

    fn spawn(&self, threads: usize) -> Result<Worker, RunError> {
        let mut command = Command::new(&self.command.program);
        command
            .args(&self.command.args)
            .env("RAYON_NUM_THREADS", threads.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|e| {
            RunError::Failed(format!(
                "cannot start the training worker `{}`: {e}",
                self.command.program.display()
            ))
        })?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let mut lines = BufReader::new(child.stderr.take().expect("piped stderr")).lines();
        let tail = stderr.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::debug!(target: "remap::worker", "{line}");
                let mut tail = tail.lock().expect("stderr tail");
                if tail.len() == STDERR_TAIL {
                    tail.pop_front();
                }
                tail.push_back(line);
            }
        });
        Ok(Worker {
            child,
            stdin,
            stdout,
            stderr,
            threads,
        })
    }
}

#[async_trait::async_trait]
impl JobRunner for ProcessRunner {
    async fn run(
        &self,
        spec: &JobSpec,
        progress: &(dyn Fn(Progress) + Send + Sync),
        cancel: &CancelFlag,
    ) -> Result<RunOutcome, RunError> {
        let settings = self.settings();
        let mut worker = match self.take_idle(settings.threads) {
            Some(worker) => worker,
            None => self.spawn(settings.threads)?,
        };
        self.count(1);
        let _counted = Counted(self);
        let share = self.share.subscribe();
        match drive(
            &mut worker,
            spec,
            settings.overrides,
            share,
            progress,
            cancel,
        )
        .await
        {
            Ok(result) => {
                self.idle.lock().expect("idle workers").push(worker);
                result
            }
            Err(()) => Err(RunError::Lost(died(worker).await)),
        }
    }
}

/// Counts a job out of the running ones when its run ends, however it ends.
struct Counted<'a>(&'a ProcessRunner);

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.count(-1);
    }
}

/// Runs one job on `worker`, passing on each change of its `share` of threads; `Err(())`
/// when the worker died or stopped making sense.
async fn drive(
    worker: &mut Worker,
    spec: &JobSpec,
    overrides: TrainOverrides,
    mut share: watch::Receiver<usize>,
    progress: &(dyn Fn(Progress) + Send + Sync),
    cancel: &CancelFlag,
) -> Result<Result<RunOutcome, RunError>, ()> {
    let threads = *share.borrow_and_update();
    write(&mut worker.stdin, &Request::Threads(threads)).await?;
    let request = Request::Train {
        spec: Box::new(spec.clone()),
        overrides,
    };
    write(&mut worker.stdin, &request).await?;
    let mut stop_sent = false;
    let mut tick = tokio::time::interval(CANCEL_CHECK);
    loop {
        tokio::select! {
            line = worker.stdout.next_line() => {
                let Ok(Some(line)) = line else { return Err(()) };
                let reply: Reply = serde_json::from_str(&line).map_err(|error| {
                    tracing::error!(%error, line, "unreadable reply from a worker");
                })?;
                match reply {
                    Reply::Batch { epoch, batch, batches } => {
                        progress(Progress::Batch { epoch, batch, batches });
                    }
                    Reply::Epoch(metrics) => progress(Progress::Epoch(metrics)),
                    Reply::Done(outcome) => return Ok(Ok(outcome)),
                    Reply::Stopped => return Ok(Err(RunError::Stopped)),
                    Reply::Failed(error) => return Ok(Err(RunError::Failed(error))),
                }
            }
            Ok(()) = share.changed() => {
                let threads = *share.borrow_and_update();
                write(&mut worker.stdin, &Request::Threads(threads)).await?;
            }
            _ = tick.tick(), if !stop_sent => {
                if cancel.is_cancelled() {
                    write(&mut worker.stdin, &Request::Stop).await?;
                    stop_sent = true;
                }
            }
        }
    }
}

async fn write(stdin: &mut ChildStdin, request: &Request) -> Result<(), ()> {
    let mut line = serde_json::to_string(request).map_err(|_| ())?;
    line.push('\n');
    stdin.write_all(line.as_bytes()).await.map_err(|_| ())?;
    stdin.flush().await.map_err(|_| ())
}

/// How a worker died, for the job's reason: its exit status and last words.
async fn died(mut worker: Worker) -> String {
    drop(worker.stdin);
    let status = match tokio::time::timeout(Duration::from_secs(5), worker.child.wait()).await {
        Ok(Ok(status)) => describe(status),
        _ => {
            let _ = worker.child.kill().await;
            "stopped answering".to_string()
        }
    };
    // Give the stderr reader a moment to drain what the process wrote last.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let tail: Vec<String> = worker
        .stderr
        .lock()
        .expect("stderr tail")
        .iter()
        .cloned()
        .collect();
    let last = tail
        .iter()
        .rev()
        .find(|line| !line.trim().is_empty())
        .cloned()
        .unwrap_or_default();
    if last.is_empty() {
        format!("the training process {status}")
    } else {
        format!("the training process {status}: {last}")
    }
}

#[cfg(unix)]
fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(9)) => "was killed (SIGKILL; out of memory?)".into(),
        (_, Some(6)) => "aborted (SIGABRT)".into(),
        (_, Some(signal)) => format!("was ended by signal {signal}"),
        (Some(code), _) => format!("exited with status {code}"),
        _ => status.to_string(),
    }
}

#[cfg(not(unix))]
fn describe(status: std::process::ExitStatus) -> String {
    format!("exited ({status})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_jobs_split_the_budget_never_below_their_threads() {
        let two_cores = WorkerSettings {
            threads: 1,
            budget: 2,
            overrides: TrainOverrides::default(),
        };
        assert_eq!(two_cores.share(2), 1);
        assert_eq!(two_cores.share(1), 2, "a lone job gets both cores");
        assert_eq!(two_cores.share(0), 2);
        assert_eq!(two_cores.share(5), 1);
        let sixteen = WorkerSettings {
            threads: 4,
            budget: 16,
            ..two_cores
        };
        assert_eq!(sixteen.share(4), 4);
        assert_eq!(sixteen.share(3), 5);
        assert_eq!(sixteen.share(1), 16);
    }
}
