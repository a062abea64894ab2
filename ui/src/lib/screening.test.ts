import { describe, expect, it } from "vitest";
import type { JobStatus, QueueJob } from "./api";
import { FINISHED, SCREENING_CHOICES, epochsText, queueAhead, screenedIds, screenedLegend, trainedLine, trainedOfText, trainedText, viewPoints } from "./present";
import { PAUSE_TITLE, STATUSES, estimate, rungText, statusText, targetEpochs } from "./queue";
import { formOf, parallelismText, settingsOf, settingsText } from "./settings";
import { model, overview, session } from "../test/fixtures";

const job = (status: JobStatus, over: Partial<QueueJob> = {}): QueueJob => ({
  id: 1, model_id: 1, position: 1, status, epochs: 10, epochs_done: 0, rung: null, progress: [], error: null, ...over,
});

describe("screened models in the overview", () => {
  it("marks screened points so the scene draws them as rings", () => {
    const ov = overview([model(1), model(2, { screened: true, status: "screened", epochs_done: 3 })]);
    const pts = viewPoints(ov, "prediction", null);
    expect(pts.map((p) => p.screened ?? false)).toEqual([false, true]);
  });

  it("says how far screening trained them, in the tooltip and the legend", () => {
    expect(epochsText({ screened: true, epochs_done: 3, epochs: 10 })).toBe("screened at 3/10 epochs");
    expect(epochsText({ screened: false, epochs_done: 10, epochs: 10 })).toBe("10 / 10");
    expect(screenedLegend([{ screened: false, epochs_done: 10, epochs: 10 }])).toBeNull();
    expect(screenedLegend([{ screened: true, epochs_done: 1, epochs: 10 }])).toBe("ring: screened — trained 1 of 10 epochs");
    expect(
      screenedLegend([
        { screened: true, epochs_done: 3, epochs: 10 },
        { screened: true, epochs_done: 1, epochs: 10 },
        { screened: true, epochs_done: 1, epochs: 10 },
        { screened: true, epochs_done: 2, epochs: 4 },
      ]),
    ).toBe("ring: screened — trained 2 of 4; 1 or 3 of 10 epochs");
  });

  it("counts screened models with the trained ones", () => {
    expect(trainedText(session({ trained: 12, screened: 8 }))).toBe("12 trained (8 screened)");
    expect(trainedText(session({ trained: 3, screened: 0 }))).toBe("3 trained");
    expect(trainedOfText(session({ models: 20, trained: 12, screened: 8 }))).toBe("12 of 20 models trained (8 screened)");
    expect(trainedOfText(session({ models: 3, trained: 2, screened: 0 }))).toBe("2 of 3 models trained");
  });

  it("picks the screened models of a selection, in its order", () => {
    const byId = new Map([model(1), model(2, { screened: true }), model(3, { screened: true })].map((m) => [m.id, m]));
    expect(screenedIds([3, 1, 2, 9], byId)).toEqual([3, 2]);
    expect(screenedIds([1], byId)).toEqual([]);
  });

  it("has the Inspector's line for screened and trained models", () => {
    expect(trainedLine(model(1, { screened: true, epochs_done: 3 }))).toBe("Trained 3 of 10 epochs — screening stopped it");
    expect(trainedLine(model(1))).toBe("Trained 10 of 10 epochs");
    expect(trainedLine(model(1, { val_accuracy: null, epochs_done: 0, status: "queued" }))).toBeNull();
  });

  it("treats a screened job as finished (the overview and queue agree on it)", () => {
    expect(FINISHED).toContain("screened");
    const ov = overview([model(1, { status: "running", job: 1 })]);
    expect(queueAhead([job("screened", { epochs_done: 3 })], ov)).toBe(true);
    expect(queueAhead([job("screened", { epochs_done: 3 })], overview([model(1, { status: "screened", job: 1 })]))).toBe(false);
  });

  it("offers successive halving first, the full protocol second", () => {
    expect(SCREENING_CHOICES.map((c) => c.id)).toEqual(["halving", "off"]);
    expect(SCREENING_CHOICES[0].label).toBe("Successive halving (fast first map)");
    expect(SCREENING_CHOICES[1].label).toBe("Off: train every model fully (REMAP's protocol)");
  });
});

describe("screening in the queue", () => {
  it("labels screened jobs and jobs training to a rung", () => {
    expect(statusText(job("screened", { epochs_done: 3 }))).toBe("screened at 3/10");
    expect(statusText(job("done", { epochs_done: 10 }))).toBe("done");
    expect(rungText(job("queued", { rung: 3 }))).toBe("screening rung: 3 epochs");
    expect(rungText(job("running", { rung: 1 }))).toBe("screening rung: 1 epoch");
    expect(rungText(job("running"))).toBeNull();
    expect(rungText(job("screened", { rung: 3 }))).toBeNull();
    expect(STATUSES).toContain("screened");
  });

  it("estimates the time to the rung, and counts resumed epochs", () => {
    expect(targetEpochs(job("queued", { rung: 3 }))).toBe(3);
    expect(targetEpochs(job("queued"))).toBe(10);
    expect(estimate(job("queued", { rung: 3 }), undefined, 10)).toBe(30);
    expect(estimate(job("queued", { epochs_done: 4 }), undefined, 10)).toBe(60); // paused, back in the queue
    expect(estimate(job("running", { rung: 3, epochs_done: 1 }), undefined, 10)).toBe(20);
  });

  it("says exactly what Pause does", () => {
    expect(PAUSE_TITLE).toBe("Pause: running jobs stop within one batch and go back to the queue; Resume continues them from their last finished epoch.");
  });
});

describe("machine settings", () => {
  const view = { settings: {}, parallelism: { jobs: 2, threads: 1 }, cores: 2 };

  it("shows what follows from the settings", () => {
    expect(parallelismText(view)).toBe("2 jobs at once × 1 thread each, on 2 cores");
    expect(parallelismText({ parallelism: { jobs: 1, threads: 8 }, cores: 8 })).toBe("1 job at once × 8 threads each, on 8 cores");
    expect(settingsText({})).toBe("jobs at once chosen automatically; each session's device; each session's batch size");
    expect(settingsText({ jobs: 3, device: "gpu", batch: 64 })).toBe("3 jobs at once; GPU; batch size 64");
  });

  it("turns the saved settings into the form and back", () => {
    const f = formOf({}, view);
    expect(f).toEqual({ jobsAuto: true, jobs: 2, device: "session", batchSession: true, batch: 256 });
    expect(settingsOf(f)).toEqual({ settings: { jobs: null, device: null, batch: null } });
    const g = formOf({ jobs: 4, device: "cpu", batch: 32 });
    expect(g).toEqual({ jobsAuto: false, jobs: 4, device: "cpu", batchSession: false, batch: 32 });
    expect(settingsOf(g)).toEqual({ settings: { jobs: 4, device: "cpu", batch: 32 } });
    expect(settingsOf({ ...g, device: "auto" })).toEqual({ settings: { jobs: 4, device: "auto", batch: 32 } });
  });

  it("refuses numbers that are not whole and positive", () => {
    const g = formOf({ jobs: 4, batch: 32 });
    expect(settingsOf({ ...g, jobs: 0 })).toEqual({ error: "Jobs at once must be a whole number, 1 or more." });
    expect(settingsOf({ ...g, jobs: null })).toHaveProperty("error");
    expect(settingsOf({ ...g, batch: 2.5 })).toEqual({ error: "The batch size must be a whole number, 1 or more." });
    // An automatic choice ignores the number field.
    expect(settingsOf({ ...g, jobsAuto: true, jobs: 0 })).toEqual({ settings: { jobs: null, device: null, batch: 32 } });
  });
});
