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

  it("makes a class sticky on click and lets hover win while it lasts", () => {
    state.toggleClass(1);
    expect(state.selectedClass).toBe(1);
    state.hoverClass(2);
    expect(state.selectedClass).toBe(2);
    state.hoverClass(null);
    expect(state.selectedClass).toBe(1);
    state.toggleClass(1);
    expect(state.selectedClass).toBeNull();
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
