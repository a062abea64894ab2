// Pure helpers of the Queue tab: reorder indices, history filters, sparklines and estimates.
import type { JobStatus, QueueJob } from "./api";
import type { LiveProgress } from "./present";

/** The session's queued jobs in training order. */
export function queuedJobs(jobs: QueueJob[]): QueueJob[] {
  return jobs.filter((j) => j.status === "queued").sort((a, b) => a.position - b.position || a.id - b.id);
}

/**
 * The index among queued jobs (after taking the dragged one out, as `move_job` counts) that puts
 * `jobId` before (or after) `targetId`; null when either is not queued or nothing moves.
 */
export function dropIndex(jobs: QueueJob[], jobId: number, targetId: number, after = false): number | null {
  const queued = queuedJobs(jobs);
  const from = queued.findIndex((j) => j.id === jobId);
  const target = queued.findIndex((j) => j.id === targetId);
  if (from < 0 || target < 0) return null;
  let index = target + (after ? 1 : 0);
  if (index > from) index -= 1;
  return index === from ? null : index;
}

/** The index one step earlier (delta −1) or later (+1) among queued jobs; null at the ends. */
export function stepIndex(jobs: QueueJob[], jobId: number, delta: number): number | null {
  const queued = queuedJobs(jobs);
  const from = queued.findIndex((j) => j.id === jobId);
  if (from < 0) return null;
  const to = from + delta;
  return to < 0 || to >= queued.length ? null : to;
}

export const RETRYABLE: JobStatus[] = ["failed", "cancelled", "diverged"];
export const CANCELLABLE: JobStatus[] = ["queued", "running"];
export const STATUSES: JobStatus[] = ["running", "queued", "done", "screened", "failed", "diverged", "cancelled"];

/** What the Pause button does, said exactly (its tooltip). */
export const PAUSE_TITLE =
  "Pause: running jobs stop within one batch and go back to the queue; Resume continues them from their last finished epoch.";
export const RESUME_TITLE = "Resume: paused jobs continue from their last finished epoch.";

/** A job's status badge: "screened at 3/10" for a job screening stopped, else its status. */
export function statusText(job: Pick<QueueJob, "status" | "epochs_done" | "epochs">): string {
  return job.status === "screened" ? `screened at ${job.epochs_done}/${job.epochs}` : job.status;
}

/** "screening rung: 3 epochs" for a queued or running job that trains to a rung; else null. */
export function rungText(job: Pick<QueueJob, "status" | "rung" | "epochs">): string | null {
  if (job.rung === null || (job.status !== "queued" && job.status !== "running")) return null;
  return `screening rung: ${job.rung} ${job.rung === 1 ? "epoch" : "epochs"}`;
}

/** Epochs the job trains to now: its rung, or all of them. */
export function targetEpochs(job: Pick<QueueJob, "rung" | "epochs">): number {
  return job.rung !== null ? Math.min(job.rung, job.epochs) : job.epochs;
}

/** History rows: jobs with one of `statuses` (all when empty), newest first. */
export function historyRows(jobs: QueueJob[], statuses: JobStatus[]): QueueJob[] {
  return jobs.filter((j) => !statuses.length || statuses.includes(j.status)).sort((a, b) => b.id - a.id);
}

/** An SVG path of values over a w×h box (higher values drawn higher); "" for under 2 points. */
export function sparkPath(values: number[], w: number, h: number, lo?: number, hi?: number): string {
  const v = values.filter((x) => isFinite(x));
  if (v.length < 2) return "";
  const min = lo ?? Math.min(...v);
  const max = hi ?? Math.max(...v);
  const span = max - min || 1;
  const f = (n: number) => (Math.round(n * 10) / 10).toString();
  return v.map((x, i) => `${i ? "L" : "M"}${f((i / (v.length - 1)) * w)} ${f(h - ((x - min) / span) * h)}`).join(" ");
}

/** Mean measured seconds per epoch over the session's jobs, or null before any epoch finished. */
export function secondsPerEpoch(jobs: QueueJob[]): number | null {
  let total = 0;
  let n = 0;
  for (const j of jobs) for (const e of j.progress) if (isFinite(e.seconds) && e.seconds > 0) (total += e.seconds), n++;
  return n ? total / n : null;
}

/** Time left for a job: the trainer's estimate while running, measured speed × epochs while queued. */
export function estimate(job: QueueJob, live: LiveProgress | undefined, perEpoch: number | null): number | null {
  // A job with a rung trains to the rung now (the queue knows no more of it yet).
  const target = targetEpochs(job);
  if (job.status === "running") return live?.eta ?? (perEpoch !== null ? perEpoch * Math.max(0, target - job.epochs_done) : null);
  if (job.status === "queued") return perEpoch !== null ? perEpoch * Math.max(0, target - job.epochs_done) : null;
  return null;
}
