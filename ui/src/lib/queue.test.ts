import { describe, expect, it } from "vitest";
import type { JobStatus, QueueJob } from "./api";
import { dropIndex, estimate, historyRows, sparkPath, stepIndex } from "./queue";

const job = (id: number, position: number, status: JobStatus = "queued", over: Partial<QueueJob> = {}): QueueJob => ({
  id, model_id: id, position, status, epochs: 4, epochs_done: 0, rung: null, progress: [], error: null, ...over,
});

// running 1; queued 2, 3, 4, 5 in that order; done 6
const JOBS = [job(6, 0, "done"), job(1, 1, "running"), job(4, 4), job(2, 2), job(3, 3), job(5, 5)];

describe("queue reordering", () => {
  it("computes the index among queued jobs that move_job expects", () => {
    expect(dropIndex(JOBS, 5, 2)).toBe(0); // before the first queued job
    expect(dropIndex(JOBS, 2, 4)).toBe(1); // down: before 4 = after 3
    expect(dropIndex(JOBS, 2, 5, true)).toBe(3); // to the end
    expect(dropIndex(JOBS, 4, 3, false)).toBe(1);
    expect(dropIndex(JOBS, 3, 4, false)).toBeNull(); // already there
    expect(dropIndex(JOBS, 3, 1)).toBeNull(); // running jobs are not targets
    expect(dropIndex(JOBS, 6, 2)).toBeNull(); // finished jobs do not move
  });

  it("steps a job up and down among the queued ones", () => {
    expect(stepIndex(JOBS, 3, -1)).toBe(0);
    expect(stepIndex(JOBS, 3, 1)).toBe(2);
    expect(stepIndex(JOBS, 2, -1)).toBeNull();
    expect(stepIndex(JOBS, 5, 1)).toBeNull();
  });
});

describe("queue presentation", () => {
  it("filters the history by status, newest first", () => {
    expect(historyRows(JOBS, []).map((j) => j.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(historyRows(JOBS, ["done", "running"]).map((j) => j.id)).toEqual([6, 1]);
  });

  it("draws a sparkline and estimates from measured epochs", () => {
    expect(sparkPath([1], 10, 10)).toBe("");
    expect(sparkPath([2, 1, 0], 10, 10)).toBe("M0 0 L5 5 L10 10");
    const m = (s: number) => ({ epoch: 1, train_loss: 1, train_accuracy: 0, val_loss: 1, val_accuracy: 0, seconds: s });
    expect(estimate(job(9, 9), undefined, 10)).toBe(40);
    expect(estimate(job(9, 9, "running", { epochs_done: 1, progress: [m(10)] }), undefined, 10)).toBe(30);
    expect(estimate(job(9, 9, "running"), { jobId: 9, epoch: 1, epochs: 4, batch: 1, batches: 2, eta: 12 }, 10)).toBe(12);
    expect(estimate(job(9, 9, "done"), undefined, 10)).toBeNull();
  });
});
