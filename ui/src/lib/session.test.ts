import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));

import { RemapState } from "./session.svelte";
import { callsOf, emitQueue, handlers, resetTauri } from "../test/tauri-mock";
import { model, overview, session } from "../test/fixtures";

let state: RemapState;
beforeEach(() => {
  resetTauri();
  state = new RemapState();
  handlers.last_session = () => session();
  handlers.overview = () => overview([model(1), model(2)]);
  handlers.drawer = () => [2];
  handlers.queue = () => [];
  handlers.set_focus = ({ classes }: { classes: string[] }) => session({ focus: classes });
});
afterEach(() => {
  state.stop();
  vi.useRealTimers();
});

describe("RemapState", () => {
  it("opens the last session with its overview and drawer", async () => {
    await state.start();
    expect(state.session?.name).toBe("Sketches");
    expect(state.overview?.models.map((m) => m.id)).toEqual([1, 2]);
    expect(state.drawer).toEqual([2]);
    expect(state.starting).toBe(false);
  });

  it("refreshes the overview once, about a second after jobs finish", async () => {
    await state.start();
    vi.useFakeTimers();
    const before = callsOf("overview").length;
    const done = (job: number) => ({ type: "job", job_id: job, session_id: 1, model_id: job, status: "done", error: null });
    emitQueue(done(1));
    emitQueue(done(2));
    emitQueue({ type: "job", job_id: 3, session_id: 1, model_id: 3, status: "running", error: null });
    await vi.advanceTimersByTimeAsync(900);
    expect(callsOf("overview").length).toBe(before);
    await vi.advanceTimersByTimeAsync(200);
    expect(callsOf("overview").length).toBe(before + 1);
  });

  it("ignores other sessions' jobs and keeps batch progress", async () => {
    await state.start();
    vi.useFakeTimers();
    const before = callsOf("overview").length;
    emitQueue({ type: "job", job_id: 9, session_id: 2, model_id: 9, status: "done", error: null });
    emitQueue({ type: "batch", job_id: 4, epoch: 1, epochs: 2, batch: 3, batches: 6, eta_seconds: 12 });
    await vi.advanceTimersByTimeAsync(1500);
    expect(callsOf("overview").length).toBe(before);
    expect(state.live[4]).toMatchObject({ batch: 3, batches: 6, eta: 12 });
  });

  it("reports a failed call with its reason and keeps going", async () => {
    handlers.overview = () => {
      throw "database is locked";
    };
    await state.start();
    expect(state.errors.map((e) => e.message)).toEqual(["Cannot load the model overview: database is locked"]);
    state.dismiss(state.errors[0].id);
    expect(state.errors).toEqual([]);
  });

  it("adds a clicked model to the drawer and inspects it", async () => {
    await state.start();
    handlers.add_to_drawer = () => undefined;
    handlers.drawer = () => [2, 1];
    await state.pick(1);
    expect(callsOf("add_to_drawer")).toEqual([{ modelIds: [1] }]);
    expect(state.inspected).toBe(1);
    expect(state.drawer).toEqual([2, 1]);
  });

  it("makes a one-class focus the sticky class and lets hover win while it lasts", async () => {
    await state.start();
    await state.clickClass("pear", false);
    expect(state.focus).toEqual(["pear"]);
    expect(state.selectedClass).toBe(1);
    state.hoverClass(2);
    expect(state.selectedClass).toBe(2);
    state.hoverClass(null);
    expect(state.selectedClass).toBe(1);
    await state.clickClass("pear", false);
    expect(state.focus).toEqual([]);
    expect(state.selectedClass).toBeNull();
  });

  it("fetches the overview with the focus from two classes on, and clears it with the session", async () => {
    await state.start();
    const calls = () => callsOf("overview").map((c) => c.focus);
    expect(calls()).toEqual([[]]);
    await state.clickClass("face", false);
    expect(calls()).toEqual([[]]); // one class shades; nothing to rank
    await state.clickClass("nose", true);
    expect(state.focus).toEqual(["face", "nose"]);
    expect(state.selectedClass).toBeNull();
    expect(calls()).toEqual([[], ["face", "nose"]]);
    await state.clickClass("face", true);
    expect(calls()).toEqual([[], ["face", "nose"], []]);
    await state.setFocus(["pear", "nose"]);
    await state.refresh(); // later reloads keep the focus
    expect(calls().slice(-2)).toEqual([["pear", "nose"], ["pear", "nose"]]);
    await state.open(session({ id: 2 }));
    expect(state.focus).toEqual([]);
    expect(calls().at(-1)).toEqual([]);
  });

  it("keeps the focus with the session (Rust screens by it) and restores it on reopening", async () => {
    await state.start();
    await state.clickClass("face", false);
    await state.clickClass("nose", true);
    expect(callsOf("set_focus")).toEqual([
      { sessionId: 1, classes: ["face"] },
      { sessionId: 1, classes: ["face", "nose"] },
    ]);
    await state.open(session({ id: 2 }));
    expect(state.focus).toEqual([]);
    await state.open(session({ focus: ["face", "nose"] }));
    expect(state.focus).toEqual(["face", "nose"]);
    expect(callsOf("overview").at(-1)).toEqual({ sessionId: 1, focus: ["face", "nose"] });
    expect(state.errors).toEqual([]);
  });

  it("starts a session on the focus classes from the drawer's models and opens it", async () => {
    await state.start();
    await state.setFocus(["face", "nose"]);
    handlers.session_on_classes = () => session({ id: 7, name: "Sketches · face, nose", classes: ["face", "nose"] });
    handlers.sessions = () => [];
    handlers.overview = () => overview([], { session: session({ id: 7 }) });
    expect(await state.sessionOnFocus()).toBe(true);
    expect(callsOf("session_on_classes")).toEqual([{ sessionId: 1, classes: ["face", "nose"], models: [2] }]);
    expect(state.session?.id).toBe(7);
    expect(state.focus).toEqual([]);
    expect(callsOf("overview").at(-1)).toEqual({ sessionId: 7, focus: [] });
  });

  it("reports a failed new session on the focus classes and stays", async () => {
    await state.start();
    await state.setFocus(["face", "nose"]);
    handlers.session_on_classes = () => {
      throw "unknown class `nose`";
    };
    expect(await state.sessionOnFocus()).toBe(false);
    expect(state.errors.map((e) => e.message)).toEqual(["Cannot start a session on face, nose: unknown class `nose`"]);
    expect(state.session?.id).toBe(1);
  });

  it("closes a deleted open session", async () => {
    await state.start();
    handlers.delete_session = () => undefined;
    handlers.sessions = () => [];
    await state.deleteSession(1);
    expect(callsOf("delete_session")).toEqual([{ id: 1 }]);
    expect(state.session).toBeNull();
    expect(state.overview).toBeNull();
  });
});

describe("overview and queue agree", () => {
  // Two of six models trained; then all six finish. The overview (maps, counts) is slow to
  // compute, the queue quick to read: applied apart, the Queue tab said "6 done" while the
  // overview said "2 of 6 models trained".
  const job = (id: number, status: string) => ({ id, model_id: id, position: id, status, epochs: 1, epochs_done: 1, rung: null, progress: [], error: null });
  const before = () => overview([1, 2, 3, 4, 5, 6].map((i) => model(i, i <= 2 ? {} : { status: "queued", val_accuracy: null })));
  const after = () => overview([1, 2, 3, 4, 5, 6].map((i) => model(i)));
  const done = (jobs: { status: string }[]) => jobs.filter((j) => j.status === "done").length;
  /** Never more jobs done in the Queue tab than models trained in the overview. */
  const agree = () => expect(done(state.jobs)).toBeLessThanOrEqual(state.overview!.session.trained);

  let overviews: ((o: unknown) => void)[];
  beforeEach(async () => {
    handlers.overview = before;
    handlers.queue = () => [1, 2, 3, 4, 5, 6].map((i) => job(i, i <= 2 ? "done" : "queued"));
    await state.start();
    expect(state.overview!.session.trained).toBe(2);
    expect(done(state.jobs)).toBe(2);
    // From now on the queue answers at once, the overview only when the test says so.
    overviews = [];
    handlers.queue = () => [1, 2, 3, 4, 5, 6].map((i) => job(i, "done"));
    handlers.overview = () => new Promise((resolve) => overviews.push(resolve));
    vi.useFakeTimers();
  });

  it("reloads both together after jobs finish and applies them at once", async () => {
    for (const i of [3, 4, 5, 6]) emitQueue({ type: "job", job_id: i, session_id: 1, model_id: i, status: "done", error: null });
    emitQueue({ type: "idle" });
    await vi.advanceTimersByTimeAsync(1100);
    expect(overviews).toHaveLength(1);
    agree();
    expect(done(state.jobs)).toBe(2); // the quick queue answer waits for the overview
    overviews[0](after());
    await vi.advanceTimersByTimeAsync(0);
    expect(state.overview!.session.trained).toBe(6);
    expect(done(state.jobs)).toBe(6);
  });

  it("does not show a queue reload ahead of the overview (progress events between)", async () => {
    emitQueue({ type: "epoch", job_id: 6, metrics: { epoch: 1, train_loss: 1, train_accuracy: 0.5, val_loss: 1, val_accuracy: 0.5, seconds: 1 }, epochs: 1, eta_seconds: 0 });
    await vi.advanceTimersByTimeAsync(1100);
    agree();
    // The queue answer was ahead: both are being reloaded together.
    expect(overviews).toHaveLength(1);
    overviews[0](after());
    await vi.advanceTimersByTimeAsync(0);
    agree();
    expect(done(state.jobs)).toBe(6);
  });

  it("applies only the newest overview when reloads overlap", async () => {
    vi.useRealTimers();
    const first = state.refresh();
    const second = state.refresh();
    await new Promise((r) => setTimeout(r, 0));
    const [older, newer] = overviews.slice(-2);
    newer(after());
    older(before());
    await Promise.all([first, second]);
    expect(state.overview!.session.trained).toBe(6);
    agree();
  });
});
