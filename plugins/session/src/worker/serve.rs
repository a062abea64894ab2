//! The worker's side: read jobs from stdin, train them one at a time in this process,
//! report on stdout.

use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use remap_store::{CancelFlag, JobSpec, Progress, RunError};
use remap_training::ThreadShare;

use super::message::{Reply, Request};

/// How often an idle worker looks at `terminate`.
const IDLE_CHECK: std::time::Duration = std::time::Duration::from_millis(200);
use crate::runner::{TrainOverrides, TrainerRunner};

/// Serves requests from `input` until it ends (the parent went away) or `terminate` is
/// raised (SIGTERM): the job in progress then stops within one batch, its checkpoint keeping
/// the last completed epoch, and is reported as stopped.
pub fn serve(
    input: impl BufRead + Send + 'static,
    mut output: impl Write,
    terminate: Arc<AtomicBool>,
) -> std::io::Result<()> {
    let current = Arc::new(Mutex::new(CancelFlag::new()));
    let (jobs, queue) = mpsc::channel::<(JobSpec, TrainOverrides, CancelFlag)>();
    let reader_current = current.clone();
    // Until the parent says otherwise, jobs use what the process's pool was given.
    let share = ThreadShare::new(rayon::current_num_threads());
    let reader_share = share.clone();
    std::thread::spawn(move || {
        for line in input.lines() {
            let Ok(line) = line else { break };
            match serde_json::from_str::<Request>(&line) {
                Ok(Request::Train { spec, overrides }) => {
                    let flag = CancelFlag::new();
                    *reader_current.lock().expect("current job") = flag.clone();
                    if jobs.send((*spec, overrides, flag)).is_err() {
                        break;
                    }
                }
                Ok(Request::Stop) => reader_current.lock().expect("current job").cancel(),
                Ok(Request::Threads(threads)) => reader_share.set(threads),
                Err(error) => tracing::error!(%error, line, "unreadable request"),
            }
        }
        // The parent is gone: finish nothing more.
        reader_current.lock().expect("current job").cancel();
    });

    let runner = TrainerRunner::new().with_threads(share);
    loop {
        let (spec, overrides, cancel) = match queue.recv_timeout(IDLE_CHECK) {
            Ok(job) => job,
            Err(mpsc::RecvTimeoutError::Timeout) if !terminate.load(Ordering::SeqCst) => continue,
            Err(_) => break,
        };
        let mut failed_write = None;
        let mut report = |progress: Progress| {
            if terminate.load(Ordering::SeqCst) {
                cancel.cancel();
            }
            let reply = match progress {
                Progress::Batch {
                    epoch,
                    batch,
                    batches,
                } => Reply::Batch {
                    epoch,
                    batch,
                    batches,
                },
                Progress::Epoch(metrics) => Reply::Epoch(metrics),
            };
            if let Err(error) = send(&mut output, &reply) {
                failed_write.get_or_insert(error);
                cancel.cancel();
            }
        };
        let reply = match runner.train_job(&spec, &overrides, &cancel, &mut report) {
            Ok(outcome) => Reply::Done(outcome),
            Err(RunError::Stopped) => Reply::Stopped,
            Err(RunError::Failed(error) | RunError::Lost(error)) => Reply::Failed(error),
        };
        if let Some(error) = failed_write {
            return Err(error);
        }
        send(&mut output, &reply)?;
        if terminate.load(Ordering::SeqCst) {
            break;
        }
    }
    Ok(())
}

fn send(output: &mut impl Write, reply: &Reply) -> std::io::Result<()> {
    let line = serde_json::to_string(reply).map_err(std::io::Error::other)?;
    writeln!(output, "{line}")?;
    output.flush()
}

/// A worker's whole life on this process's stdin and stdout (`remap worker --stdio`), with
/// SIGTERM (what `kill` and `scancel` send) stopping the job in progress cleanly first.
pub fn serve_stdio() -> std::io::Result<()> {
    let terminate = Arc::new(AtomicBool::new(false));
    watch_sigterm(terminate.clone());
    let input = std::io::BufReader::new(std::io::stdin());
    serve(input, std::io::stdout().lock(), terminate)
}

/// Raises `terminate` when this process gets SIGTERM (what `kill` and `scancel` send).
#[cfg(unix)]
pub fn watch_sigterm(terminate: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            use tokio::signal::unix::{SignalKind, signal};
            if let Ok(mut sigterm) = signal(SignalKind::terminate()) {
                sigterm.recv().await;
                tracing::info!("SIGTERM: stopping the job in progress");
                terminate.store(true, Ordering::SeqCst);
            }
        });
    });
}

/// Nothing to watch where there are no signals.
#[cfg(not(unix))]
pub fn watch_sigterm(_terminate: Arc<AtomicBool>) {}
