import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));

import GenerateModels from "./GenerateModels.svelte";
import Queue from "./Queue.svelte";
import { hand } from "../lib/handcraft.svelte";
import { remap } from "../lib/session.svelte";
import { callsOf, handlers, resetTauri } from "../test/tauri-mock";
import { editChain, model, overview, session, snac } from "../test/fixtures";
import type { ChildPreview, GenerationPreview, QueueJob } from "../lib/api";

const ARCH = { input: { height: 28, width: 28, channels: 1 }, classes: 3, layers: [{ type: "conv2d", filters: 16, kernel: 3, stride: 1, padding: "valid" }, { type: "activation", function: "relu" }] };
const SPACE = {
  name: "remap-2019",
  grids: {
    conv2d: { kernel: [1, 3, 5], filters: [16, 32, 64, 128], stride: [1] },
    maxpool2d: { size: [5, 3, 2], stride: [2] },
    avgpool2d: { size: [5, 3, 2], stride: [2] },
    dense: { units: [16, 64, 128, 256] },
    activation: { function: ["tanh", "relu", "sigmoid"] },
    dropout: { rate: [0.25, 0.5] },
  },
  pre_dense: {},
  post_dense: {},
};

const child = (hash: string, delta_params: number): ChildPreview => ({ architecture: {}, snac: snac(1), params: 1000 + delta_params, hash, changes: [`removed ${hash}`], delta_params });

async function openInspected(models = [model(1, { architecture: ARCH, snac: snac(2) })]) {
  handlers.overview = () => overview(models);
  handlers.drawer = () => [];
  handlers.queue = () => [];
  handlers.queue_status = () => ({ paused: false, running: [] });
  handlers.search_space = () => SPACE;
  handlers.check_architecture = () => ({ valid: true, params: 650, hash: "x", summary: "head", layers: [{ type: "head", output: [3], params: 650 }], arcs: [] });
  handlers.edit_architecture = editChain;
  await remap.open(session());
  remap.inspect(1);
}

beforeEach(() => {
  resetTauri();
  remap.reset();
  hand.reset();
  remap.starting = false;
});

describe("Generate Models", () => {
  it("asks to inspect a model first", async () => {
    await openInspected();
    remap.inspect(null);
    const { container } = render(GenerateModels);
    expect(container.textContent).toContain("Inspect a model first");
  });

  it("previews ablations of the selected layer, then queues the same request", async () => {
    await openInspected();
    const preview: GenerationPreview = { children: [child("a", -160), child("b", 40)], skipped: [{ layer: 1, reason: "would not fit" }], dropped_over_budget: 0 };
    handlers.preview_ablations_of = () => preview;
    handlers.queue_ablations = () => ({ models: [7, 8], skipped: [{ layer: 1, reason: "would not fit" }], dropped_over_budget: 0 });
    const { container } = render(GenerateModels);
    await fireEvent.click(container.querySelector("#gen-mode-ablations")!);
    await fireEvent.click(container.querySelector('[data-sel="L0"]')!);
    await fireEvent.click(container.querySelector("#ablate-preview")!);
    await waitFor(() => expect(container.querySelectorAll("[data-testid=child-preview] tr[data-hash]").length).toBe(2));
    expect(callsOf("preview_ablations_of")).toEqual([{ modelId: 1, request: { layers: [0], max_params: null } }]);
    expect(container.querySelector('tr[data-hash="a"] .smaller')?.textContent).toContain("160");
    expect(container.querySelector('tr[data-hash="b"] .smaller')).toBeNull();
    expect(container.textContent).toContain("would not fit");
    expect(container.querySelector("#ablate-queue")!.textContent).toContain("Queue 2 ablations");
    await fireEvent.click(container.querySelector("#ablate-queue")!);
    await waitFor(() => expect(callsOf("queue_ablations")).toEqual([{ modelId: 1, request: { layers: [0], max_params: null } }]));
    await waitFor(() => expect(container.textContent).toContain("Queued 2 ablations, 1 skipped"));
  });

  it("sends variation restrictions of the selected positions with the seed shown", async () => {
    await openInspected();
    handlers.preview_variations_of = () => ({ children: [child("v", 10)], skipped: [], dropped_over_budget: 1 });
    handlers.queue_variations = () => ({ models: [9], skipped: [], dropped_over_budget: 1 });
    const { container } = render(GenerateModels);
    await fireEvent.click(container.querySelector("#gen-mode-variations")!);
    await waitFor(() => expect(hand.grids.dense).toBeDefined());
    await fireEvent.click(container.querySelector('[data-sel="L1"]')!);
    await fireEvent.click(container.querySelector('[data-sel="G2"]')!, { ctrlKey: true });
    await fireEvent.input(container.querySelector("#vary-count")!, { target: { value: "7" } });
    await fireEvent.input(container.querySelector("#vary-budget")!, { target: { value: "100000" } });
    await fireEvent.input(container.querySelector("#vary-seed")!, { target: { value: "1234" } });
    const pos1 = container.querySelector('[data-position="1"]')!;
    await fireEvent.click(pos1.querySelector('input[data-op="insert"]')!);
    await fireEvent.click(pos1.querySelector('input[data-type="dropout"]')!);
    await fireEvent.click(container.querySelector('[data-position="2"] input[data-hp="units"][data-value="256"]')!);
    await fireEvent.click(container.querySelector("#vary-preview")!);
    await waitFor(() => expect(callsOf("preview_variations_of").length).toBe(1));
    const request = {
      count: 7, max_changes: 3, seed: 1234, layers: [1, 2], max_params: 100000,
      per_layer: {
        // unticking insert keeps skip offered
        1: { ops: ["remove", "replace", "reparametrize", "skip"], types: ["conv2d", "maxpool2d", "avgpool2d", "dense", "activation"] },
        2: { ops: ["insert", "skip"], values: { units: [16, 64, 128] } },
      },
    };
    expect(callsOf("preview_variations_of")[0]).toEqual({ modelId: 1, request });
    await fireEvent.click(container.querySelector("#vary-queue")!);
    await waitFor(() => expect(callsOf("queue_variations")).toEqual([{ modelId: 1, request }]));
  });

  it("offers the values of the open session's own search space", async () => {
    await openInspected();
    handlers.search_space = ({ sessionId }: { sessionId?: number }) =>
      sessionId === 1 ? { ...SPACE, name: "mine", grids: { ...SPACE.grids, dense: { units: [8, 24] } } } : SPACE;
    const { container } = render(GenerateModels);
    await fireEvent.click(container.querySelector("#gen-mode-variations")!);
    await waitFor(() => expect(hand.grids.dense?.units).toEqual([8, 24]));
    expect(callsOf("search_space")).toContainEqual({ sessionId: 1 });
    await fireEvent.click(container.querySelector('[data-sel="L1"]')!);
    const units = [...container.querySelectorAll('[data-position="1"] input[data-hp="units"]')].map((i) => i.getAttribute("data-value"));
    expect(units).toEqual(["8", "24"]);
  });
});

describe("Handcrafted editor", () => {
  it("checks the chain after every edit and shows the invalid reason at its layer", async () => {
    await openInspected();
    const { container } = render(GenerateModels);
    await fireEvent.click(container.querySelector("#gen-mode-handcrafted")!);
    await waitFor(() => expect(hand.grids.dense).toBeDefined());
    handlers.check_architecture = ({ json }: { json: string }) => {
      const a = JSON.parse(json);
      return a.layers.length === 2 && a.layers[0].type === "dense"
        ? { valid: false, error: "layer 1 (maxpool2d) does not fit its input: a spatial layer cannot follow a dense layer", layer: 1, arcs: [] }
        : { valid: true, params: 650, hash: "x", summary: "ok", layers: [...a.layers.map(() => ({ type: "x", output: [4], params: 0 })), { type: "head", output: [3], params: 650 }], arcs: [] };
    };
    const before = callsOf("check_architecture").length;
    expect(await window.__remapHand!.add("dense", 0)).toBe(true);
    expect(await window.__remapHand!.add("maxpool2d", 1)).toBe(true);
    expect(callsOf("edit_architecture").map((c) => c.edit)).toEqual([
      { op: "insert", at: 0, layer: { type: "dense", units: 64 } },
      { op: "insert", at: 1, layer: { type: "maxpool2d", size: 3, stride: 2 } },
    ]);
    await waitFor(() => expect(container.querySelector("[data-testid=hand-validation]")?.getAttribute("data-valid")).toBe("false"));
    expect(callsOf("check_architecture").length).toBe(before + 2);
    const sent = JSON.parse(callsOf("check_architecture").at(-1)!.json as string);
    expect(sent).toEqual({ input: ARCH.input, classes: 3, layers: [{ type: "dense", units: 64 }, { type: "maxpool2d", size: 3, stride: 2 }] });
    expect(container.querySelector("[data-testid=hand-validation]")!.textContent).toContain("cannot follow a dense layer");
    expect(container.querySelector('[data-chip-index="1"]')!.getAttribute("data-invalid")).toBe("true");
    // Fix by moving the pool first (keyboard path), then undo brings the invalid chain back.
    await fireEvent.keyDown(container.querySelector('[data-chip-index="1"]')!, { key: "ArrowLeft" });
    await waitFor(() => expect(container.querySelector("[data-testid=hand-validation]")?.getAttribute("data-valid")).toBe("true"));
    expect(container.querySelector('[data-chip-index="0"]')!.getAttribute("data-type")).toBe("maxpool2d");
    await fireEvent.click(container.querySelector("#hand-undo")!);
    await waitFor(() => expect(container.querySelector("[data-testid=hand-validation]")?.getAttribute("data-valid")).toBe("false"));
    await fireEvent.keyDown(window, { key: "z", ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(container.querySelector("[data-testid=hand-validation]")?.getAttribute("data-valid")).toBe("true"));
  });

  it("runs edits asked at once one after the other, each on the layers the last one left", async () => {
    await openInspected();
    render(GenerateModels);
    await waitFor(() => expect(hand.grids.dense).toBeDefined());
    hand.setBase({ input: ARCH.input, classes: 3 });
    const done = [hand.add("conv2d", 0), hand.add("maxpool2d", 1), hand.add("dense", 2), hand.move(2, 0)];
    expect(await Promise.all(done)).toEqual([true, true, true, true]);
    expect(hand.layers.map((l) => l.type)).toEqual(["dense", "conv2d", "maxpool2d"]);
  });

  it("starts from the inspected model and trains it with the model as parent", async () => {
    await openInspected();
    handlers.queue_handcrafted = () => 42;
    const { container } = render(GenerateModels);
    await fireEvent.click(container.querySelector("#gen-mode-handcrafted")!);
    await fireEvent.click(container.querySelector("#hand-from-inspected")!);
    await waitFor(() => expect(container.querySelectorAll("[data-testid=hand-chain] [data-chip-index]").length).toBe(2));
    await waitFor(() => expect((container.querySelector("#hand-train") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(container.querySelector("#hand-train")!);
    await waitFor(() => expect(callsOf("queue_handcrafted")).toEqual([{ sessionId: 1, architecture: { input: ARCH.input, classes: 3, layers: ARCH.layers }, parent: 1, epochs: null }]));
  });
});

describe("Handcrafted skips", () => {
  const RESIDUAL = {
    ...ARCH,
    layers: [...ARCH.layers, { type: "conv2d", filters: 16, kernel: 3, stride: 1, padding: "same" }, { type: "activation", function: "relu" }, { type: "add", inputs: [3, 1] }],
  };

  it("asks Rust to draw a skip, draws its arc from Rust's verdict, and erases it by a click", async () => {
    await openInspected([model(1, { architecture: { ...ARCH, layers: RESIDUAL.layers.slice(0, 4) }, snac: snac(2) })]);
    handlers.edit_architecture = ({ edit }: { edit: { op: string } }) => (edit.op === "skip" ? RESIDUAL : { ...ARCH, layers: RESIDUAL.layers.slice(0, 4) });
    handlers.check_architecture = ({ json }: { json: string }) => {
      const a = JSON.parse(json);
      const arcs = a.layers.length === 5 ? [{ from: 1, to: 4 }] : [];
      return { valid: true, params: 650, hash: "x", summary: "ok", layers: [...a.layers.map(() => ({ type: "x", output: [4], params: 0 })), { type: "head", output: [3], params: 650 }], over_budget: null, budget_note: null, arcs };
    };
    const { container } = render(GenerateModels);
    await fireEvent.click(container.querySelector("#gen-mode-handcrafted")!);
    await fireEvent.click(container.querySelector("#hand-from-inspected")!);
    await waitFor(() => expect(container.querySelectorAll("[data-testid=hand-chain] [data-chip-index]").length).toBe(4));
    // Every chip and the input have an output port to drag a skip from.
    expect([...container.querySelectorAll("[data-port]")].map((p) => p.getAttribute("data-port"))).toEqual(["input", "0", "1", "2", "3"]);
    // The concat choice travels with the skip; the keyboard path is the same edit.
    await fireEvent.change(container.querySelector("#hand-merge")!, { target: { value: "concat" } });
    expect(await window.__remapHand!.skip(1, 3)).toBe(true);
    expect(callsOf("edit_architecture").at(-1)!.edit).toEqual({ op: "skip", from: 1, to: 3, merge: "concat" });
    await waitFor(() => expect(container.querySelectorAll("[data-testid=hand-chain] g.arc").length).toBe(1));
    const arc = container.querySelector("[data-testid=hand-chain] g.arc")!;
    expect([arc.getAttribute("data-from"), arc.getAttribute("data-to")]).toEqual(["1", "4"]);
    expect(container.querySelector('[data-chip-index="4"]')!.getAttribute("data-type")).toBe("add");
    // The merge's inputs are listed with their own erase buttons; a click on the arc erases it.
    await fireEvent.click(container.querySelector('[data-chip-index="4"]')!);
    expect(container.querySelector("[data-testid=hand-reads]")!.textContent).toContain("layer 1");
    await fireEvent.click(arc);
    await waitFor(() => expect(callsOf("edit_architecture").at(-1)!.edit).toEqual({ op: "unskip", from: 1, to: 4 }));
    await waitFor(() => expect(container.querySelectorAll("[data-testid=hand-chain] g.arc").length).toBe(0));
  });
});

describe("Handcrafted editor and the parameter budget", () => {
  const budgetOf = () => callsOf("check_architecture").at(-1)?.budget;
  const checked = ({ budget }: { budget: number | null }) => ({
    valid: true, params: 120000, hash: "x", summary: "ok", layers: [{ type: "head", output: [3], params: 650 }],
    over_budget: budget !== null && budget < 120000 ? 120000 - budget : null,
    budget_note: budget !== null && budget < 120000 ? `120,000 parameters: over the budget of ${budget.toLocaleString()} by ${(120000 - budget).toLocaleString()}` : null,
    arcs: [],
  });

  it("checks against the session's budget, or the form's when set, and warns when over it", async () => {
    await openInspected();
    remap.session = session({ budget: 100000 });
    handlers.check_architecture = checked;
    handlers.queue_handcrafted = () => 42;
    const { container } = render(GenerateModels);
    await fireEvent.click(container.querySelector("#gen-mode-variations")!);
    await fireEvent.input(container.querySelector("#vary-budget")!, { target: { value: "" } });
    await fireEvent.click(container.querySelector("#gen-mode-handcrafted")!);
    await fireEvent.click(container.querySelector("#hand-from-inspected")!);
    const validation = () => container.querySelector("[data-testid=hand-validation]")!;
    await waitFor(() => expect(container.querySelector("[data-testid=hand-budget]")).not.toBeNull());
    expect(budgetOf()).toBe(100000);
    expect(validation().getAttribute("data-over-budget")).toBe("true");
    expect(container.querySelector("[data-testid=hand-budget]")!.textContent).toContain("Over budget: 120,000 parameters: over the budget of 100,000 by 20,000");
    // A warning only: the model can still be queued.
    expect((container.querySelector("#hand-train") as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.click(container.querySelector("#hand-train")!);
    await waitFor(() => expect(callsOf("queue_handcrafted").length).toBe(1));

    // The form's budget wins over the session's.
    await fireEvent.click(container.querySelector("#gen-mode-variations")!);
    await fireEvent.input(container.querySelector("#vary-budget")!, { target: { value: "200000" } });
    await fireEvent.click(container.querySelector("#gen-mode-handcrafted")!);
    await waitFor(() => expect(budgetOf()).toBe(200000));
    await waitFor(() => expect(container.querySelector("[data-testid=hand-budget]")).toBeNull());
    expect(validation().getAttribute("data-over-budget")).toBeNull();

    // No budget anywhere: none is sent.
    await fireEvent.click(container.querySelector("#gen-mode-variations")!);
    await fireEvent.input(container.querySelector("#vary-budget")!, { target: { value: "" } });
    remap.session = session({ budget: null });
    await waitFor(() => expect(budgetOf()).toBeNull());
  });
});

describe("Queue actions", () => {
  const jobs: QueueJob[] = [
    { id: 10, model_id: 1, position: 1, status: "running", epochs: 4, epochs_done: 1, rung: null, progress: [], error: null },
    { id: 11, model_id: 1, position: 2, status: "queued", epochs: 4, epochs_done: 0, rung: null, progress: [], error: null },
    { id: 12, model_id: 1, position: 3, status: "queued", epochs: 4, epochs_done: 0, rung: null, progress: [], error: null },
    { id: 13, model_id: 1, position: 4, status: "queued", epochs: 4, epochs_done: 0, rung: null, progress: [], error: null },
    { id: 14, model_id: 1, position: 0, status: "failed", epochs: 4, epochs_done: 0, rung: null, progress: [], error: "boom" },
  ];

  it("drops a queued job before another at the right index, cancels, retries and pauses", async () => {
    await openInspected();
    handlers.queue = () => jobs;
    handlers.move_job = () => null;
    handlers.cancel_job = () => "cancelled";
    handlers.retry_job = () => null;
    handlers.pause_queue = () => ({ paused: true, running: [] });
    const { container } = render(Queue);
    await waitFor(() => expect(container.querySelectorAll("li[data-job-id]").length).toBe(5));
    await fireEvent.dragStart(container.querySelector('[data-job-id="13"] .job-drag')!);
    await fireEvent.dragOver(container.querySelector('[data-job-id="11"]')!);
    await fireEvent.drop(container.querySelector('[data-job-id="11"]')!);
    await waitFor(() => expect(callsOf("move_job")).toEqual([{ jobId: 13, index: 0 }]));
    await window.__remapQueue!.move(11, 2);
    expect(callsOf("move_job").at(-1)).toEqual({ jobId: 11, index: 2 });
    await fireEvent.keyDown(container.querySelector('[data-job-id="12"] .job-drag')!, { key: "ArrowDown" });
    await waitFor(() => expect(callsOf("move_job").at(-1)).toEqual({ jobId: 12, index: 2 }));

    await fireEvent.click(container.querySelector('[data-job-id="10"] button.job-cancel')!);
    await waitFor(() => expect(callsOf("cancel_job")).toEqual([{ jobId: 10 }]));
    expect(container.querySelector('[data-job-id="10"] button.job-retry')).toBeNull();
    await fireEvent.click(container.querySelector('[data-job-id="14"] button.job-retry')!);
    await waitFor(() => expect(callsOf("retry_job")).toEqual([{ jobId: 14 }]));

    const pause = container.querySelector("#queue-pause")!;
    expect(pause.getAttribute("aria-pressed")).toBe("false");
    await fireEvent.click(pause);
    await waitFor(() => expect(pause.getAttribute("aria-pressed")).toBe("true"));
    expect(callsOf("pause_queue").length).toBe(1);

    await fireEvent.click(container.querySelector("#queue-history")!);
    await fireEvent.click(container.querySelector('input[data-filter="failed"]')!);
    await waitFor(() => expect([...container.querySelectorAll("tr[data-job-id]")].map((r) => r.getAttribute("data-job-id"))).toEqual(["14"]));
    expect(remap.errors).toEqual([]);
  });
});

describe("Batch notification", () => {
  it("tells (by toast without desktop permission) when a batch of 5 or more jobs has finished", async () => {
    await openInspected();
    for (const id of [1, 2, 3, 4]) remap.onQueueEvent({ type: "job", job_id: id, session_id: 1, model_id: id, status: "done", error: null });
    remap.onQueueEvent({ type: "idle" });
    expect(remap.toasts).toEqual([]);
    for (const id of [1, 2, 3, 4, 5]) remap.onQueueEvent({ type: "job", job_id: id, session_id: 1, model_id: id, status: id === 5 ? "failed" : "done", error: null });
    remap.onQueueEvent({ type: "idle" });
    expect(remap.toasts.map((t) => t.message)).toEqual(["REMAP training finished: 5 jobs finished: 4 done, 1 failed."]);
  });
});
