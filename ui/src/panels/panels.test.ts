import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));
vi.mock("@tauri-apps/plugin-dialog", async () => {
  const { invoke } = await import("../test/tauri-mock");
  return { open: (options: unknown) => invoke("plugin:dialog|open", { options }) };
});

import DataSelector from "./DataSelector.svelte";
import ModelDrawer from "./ModelDrawer.svelte";
import ModelInspector from "./ModelInspector.svelte";
import ModelOverview from "./ModelOverview.svelte";
import Queue from "./Queue.svelte";
import { remap } from "../lib/session.svelte";
import { callsOf, handlers, resetTauri } from "../test/tauri-mock";
import { CLASSES, model, overview, session } from "../test/fixtures";
import type { Comparison, ModelDetail } from "../lib/api";

async function openWith(models = [model(1), model(2), model(3)], drawer: number[] = []) {
  handlers.overview = () => overview(models);
  handlers.drawer = () => drawer;
  handlers.queue = () => [];
  handlers.queue_status = () => ({ paused: false, running: [] });
  await remap.open(session());
}

beforeEach(() => {
  resetTauri();
  remap.reset();
  remap.starting = false;
});

describe("Data Selector", () => {
  beforeEach(() => {
    handlers.class_samples = () => CLASSES.map((name) => ({ name, images: ["data:image/png;base64,AAAA", "data:image/png;base64,BBBB"] }));
  });

  it("shows one card per class with its held-out samples", async () => {
    await openWith();
    render(DataSelector);
    const card = await screen.findByRole("button", { name: /pear/ });
    expect(card.getAttribute("data-class")).toBe("pear");
    expect(card.querySelectorAll("img").length).toBe(2);
    expect(callsOf("class_samples")).toEqual([{ sessionId: 1, perClass: 6 }]);
  });

  it("hover selects a class for the overview; click makes it sticky and a second click clears it", async () => {
    await openWith();
    const { container } = render(DataSelector);
    await screen.findByRole("button", { name: /pear/ });
    const pear = container.querySelector('[data-class="pear"]') as HTMLButtonElement;
    await fireEvent.mouseEnter(pear);
    expect(remap.selectedClass).toBe(1);
    await fireEvent.mouseLeave(pear);
    expect(remap.selectedClass).toBeNull();
    await fireEvent.click(pear);
    expect(pear.getAttribute("aria-pressed")).toBe("true");
    expect(remap.selectedClass).toBe(1);
    await fireEvent.click(pear);
    expect(pear.getAttribute("aria-pressed")).toBe("false");
    expect(remap.selectedClass).toBeNull();
  });

  it("shows the inspected model's accuracy per class", async () => {
    await openWith();
    remap.inspect(2);
    const { container } = render(DataSelector);
    await screen.findByRole("button", { name: /nose/ });
    expect(container.querySelector('[data-class="face"] .acc')!.textContent).toBe("90.0%");
    expect(container.querySelector('[data-class="nose"] .acc')!.textContent).toBe("10.0%");
  });
});

describe("Model Drawer", () => {
  const models = [model(1, { val_accuracy: 0.8, params: 5000 }), model(2, { val_accuracy: 0.6, params: 1000 }), model(3, { val_accuracy: 0.7, params: 9000 })];
  const order = (c: HTMLElement) => [...c.querySelectorAll("tr[data-model-id]")].map((r) => Number(r.getAttribute("data-model-id")));

  it("sorts by accuracy by default and by any column header clicked", async () => {
    await openWith(models, [1, 2, 3]);
    const { container } = render(ModelDrawer);
    expect(order(container)).toEqual([1, 3, 2]);
    await fireEvent.click(screen.getByRole("button", { name: /Parameters/ }));
    expect(order(container)).toEqual([2, 1, 3]);
    await fireEvent.click(screen.getByRole("button", { name: /Parameters/ }));
    expect(order(container)).toEqual([3, 1, 2]);
    expect(container.querySelector("th[aria-sort=descending]")!.textContent).toContain("Parameters");
    await fireEvent.click(screen.getByRole("button", { name: /Accuracy/ }));
    expect(order(container)).toEqual([1, 3, 2]);
  });

  it("inspects a hovered row and removes a row", async () => {
    await openWith(models, [1, 2, 3]);
    handlers.remove_from_drawer = () => undefined;
    const { container } = render(ModelDrawer);
    await fireEvent.mouseEnter(container.querySelector('tr[data-model-id="3"]')!);
    expect(remap.inspected).toBe(3);
    await fireEvent.click(screen.getByRole("button", { name: "Remove #2" }));
    await waitFor(() => expect(order(container)).toEqual([1, 3]));
    expect(callsOf("remove_from_drawer")).toEqual([{ modelId: 2 }]);
  });

  it("compares two picked rows layer by layer", async () => {
    await openWith(models, [1, 2, 3]);
    const cmp: Comparison = {
      a: models[0], b: models[2],
      rows: [{ kind: "same", a: 0, b: 0 }, { kind: "removed", a: 1, b: null }, { kind: "inserted", a: null, b: 1 }],
      wiring: ["added skip from layer 0 into add at 2"],
      delta_params: -1200, delta_accuracy: 0.03, delta_per_class: [0.1, -0.05, null], classes: CLASSES,
    };
    handlers.compare = () => cmp;
    const { container } = render(ModelDrawer);
    const compare = container.querySelector("#compare") as HTMLButtonElement;
    expect(compare.disabled).toBe(true);
    await fireEvent.click(container.querySelector('tr[data-model-id="1"] input.compare-pick')!);
    await fireEvent.click(container.querySelector('tr[data-model-id="3"] input.compare-pick')!);
    expect(compare.disabled).toBe(false);
    await fireEvent.click(compare);
    const view = await screen.findByTestId("comparison");
    expect(callsOf("compare")).toEqual([{ a: 1, b: 3 }]);
    expect([...view.querySelectorAll("tr[data-kind]")].map((r) => r.getAttribute("data-kind"))).toEqual(["same", "removed", "inserted"]);
    expect(view.querySelector('[data-testid="comparison-wiring"]')!.textContent).toContain("added skip from layer 0 into add at 2");
    const dp = view.querySelector(".delta-params")!;
    expect(dp.textContent).toBe("−1.2k");
    expect(dp.classList.contains("good")).toBe(true);
    expect(view.textContent).toContain("+10.0 pp");
    expect(view.textContent).toContain("−5.0 pp");
  });
});

describe("Model Inspector", () => {
  it("shows the confusion matrix with counts, per-class accuracy, curves and the parent", async () => {
    await openWith();
    const m = model(2, { parent: 1, origin: "ablation", changes: ["Removed activation(relu) at 1"] });
    const detail: ModelDetail = {
      model: m, parent: model(1), classes: CLASSES,
      epochs: [
        { epoch: 1, train_loss: 1.2, train_accuracy: 0.4, val_loss: 1.1, val_accuracy: 0.45, seconds: 2 },
        { epoch: 2, train_loss: 0.8, train_accuracy: 0.6, val_loss: 0.9, val_accuracy: 0.58, seconds: 2 },
      ],
      confusion: [[9, 1, 0], [2, 5, 3], [0, 4, 6]],
      accuracy_per_log_params: 0.1234,
      device: "CPU (flex)", error: null,
    };
    handlers.model_detail = () => detail;
    handlers.add_to_drawer = () => undefined;
    remap.inspect(2);
    render(ModelInspector);
    const table = await screen.findByTestId("confusion");
    const cells = [...table.querySelectorAll("td[data-count]")];
    expect(cells.length).toBe(9);
    expect(cells.map((c) => Number(c.getAttribute("data-count")))).toEqual([9, 1, 0, 2, 5, 3, 0, 4, 6]);
    expect(cells[5].getAttribute("title")).toBe("true pear, predicted nose: 3 images (30.0% of pear)");
    expect((cells[0] as HTMLElement).style.background).toBe("rgb(192, 218, 228)");
    expect(table.textContent).toContain("90");
    expect(screen.getByTestId("curves").getAttribute("data-epochs")).toBe("2");
    expect(screen.getByText("0.123")).toBeTruthy(); // Rust's accuracy per log₁₀ params
    expect(screen.getByText("Removed activation(relu) at 1")).toBeTruthy();
    await fireEvent.click(screen.getByRole("button", { name: /Add parent #1/ }));
    await waitFor(() => expect(callsOf("add_to_drawer")).toEqual([{ modelIds: [1] }]));
  });

  it("exports a trained model into the chosen folder with the chosen formats", async () => {
    await openWith();
    handlers.model_detail = () => ({ model: model(1), parent: null, classes: CLASSES, epochs: [], confusion: null, accuracy_per_log_params: null, device: "cpu", error: null });
    handlers.app_info = () => ({ version: "0.1.0", data_dir: "/data", device: "cpu", licence: "Apache-2.0", credits: [] });
    handlers.export_model = () => [{ format: "onnx", path: "/out/model.onnx", bytes: 2048 }];
    remap.inspect(1);
    render(ModelInspector);
    await fireEvent.click(await screen.findByRole("button", { name: "Export…" }));
    const folder = (await screen.findByLabelText("Folder")) as HTMLInputElement;
    await waitFor(() => expect(folder.value).toBe("/data/exports/model-1"));
    await fireEvent.input(folder, { target: { value: "/out" } });
    await fireEvent.click(screen.getByLabelText("Model card (README.md)"));
    await fireEvent.click(screen.getByRole("button", { name: "Export" }));
    await waitFor(() =>
      expect(callsOf("export_model")).toEqual([{ modelId: 1, formats: ["json", "safetensors", "onnx", "pytorch"], folder: "/out", force: false }]),
    );
    expect((await screen.findByTestId("export-result")).textContent).toContain("/out/model.onnx");
  });

  it("fills the export folder from the system's folder dialog", async () => {
    await openWith();
    handlers.model_detail = () => ({ model: model(1), parent: null, classes: CLASSES, epochs: [], confusion: null, accuracy_per_log_params: null, device: "cpu", error: null });
    handlers.app_info = () => ({ version: "0.1.0", data_dir: "/data", device: "cpu", licence: "Apache-2.0", credits: [] });
    handlers.open = () => "/picked/folder";
    remap.inspect(1);
    render(ModelInspector);
    await fireEvent.click(await screen.findByRole("button", { name: "Export…" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Browse…" }));
    const folder = (await screen.findByLabelText("Folder")) as HTMLInputElement;
    await waitFor(() => expect(folder.value).toBe("/picked/folder"));
    expect(callsOf("open")[0]).toMatchObject({ options: { directory: true, multiple: false } });
  });

  it("shows why a run failed", async () => {
    await openWith([model(1, { status: "failed", val_accuracy: null })]);
    handlers.model_detail = () => ({ model: model(1, { status: "failed", val_accuracy: null }), parent: null, classes: CLASSES, epochs: [], confusion: null, accuracy_per_log_params: null, device: "wgpu", error: "out of memory" });
    remap.inspect(1);
    render(ModelInspector);
    expect((await screen.findByText(/out of memory/)).textContent).toContain("failed");
  });
});

describe("Model Overview", () => {
  it("draws trained models only, switches views and exposes point positions", async () => {
    await openWith([model(1), model(2), model(3, { val_accuracy: null, status: "running" })]);
    render(ModelOverview);
    const canvas = await screen.findByTestId("overview-canvas");
    expect(canvas.getAttribute("data-point-count")).toBe("2");
    expect(screen.getByText("2 of 3 models trained")).toBeTruthy(); // the session's counts, from Rust
    const size = document.querySelector("#view-size") as HTMLButtonElement;
    await fireEvent.click(size);
    expect(size.getAttribute("aria-pressed")).toBe("true");
    expect(document.querySelector("#view-prediction")!.getAttribute("aria-pressed")).toBe("false");
    expect(remap.view).toBe("size");
    const hook = (window as unknown as { __remapPointScreen: (id: number) => { x: number; y: number } | null }).__remapPointScreen;
    const p = hook(1);
    expect(p).not.toBeNull();
    expect(p!.x).toBeGreaterThan(0);
    expect(hook(3)).toBeNull();
  });

  it("shows training progress while nothing is trained", async () => {
    await openWith([model(1, { val_accuracy: null, status: "running" }), model(2, { val_accuracy: null, status: "queued" })]);
    render(ModelOverview);
    expect((await screen.findByTestId("overview-canvas")).getAttribute("data-point-count")).toBe("0");
    expect(screen.getByText("Training: 0 of 2 models trained…")).toBeTruthy();
  });
});

describe("Queue", () => {
  it("lists jobs in order with live progress of the running one", async () => {
    await openWith([model(1), model(2, { status: "running", val_accuracy: null })]);
    handlers.queue = () => [
      { id: 12, model_id: 2, position: 2, status: "running", epochs: 4, epochs_done: 1, rung: null, progress: [], error: null },
      { id: 11, model_id: 1, position: 1, status: "done", epochs: 4, epochs_done: 4, rung: null, progress: [], error: null },
    ];
    remap.onQueueEvent({ type: "batch", job_id: 12, epoch: 2, epochs: 4, batch: 5, batches: 10, eta_seconds: 95 });
    const { container } = render(Queue);
    await waitFor(() => expect(container.querySelectorAll("li[data-job-id]").length).toBe(2));
    expect([...container.querySelectorAll("li[data-job-id]")].map((l) => l.getAttribute("data-job-id"))).toEqual(["11", "12"]);
    const bar = screen.getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBe("38");
    expect(container.textContent).toContain("ETA 1 min 35 s");
  });

  it("keeps the newest answer when overlapping reloads return out of order", async () => {
    // The overview already knows the job was cancelled (a queue answer ahead of it would wait).
    await openWith([model(1, { job: 12, status: "cancelled", val_accuracy: null })]);
    const job = (status: string) => [{ id: 12, model_id: 1, position: 1, status, epochs: 4, epochs_done: 1, rung: null, progress: [], error: null }];
    const answers: ((jobs: unknown) => void)[] = [];
    handlers.queue = () => new Promise((resolve) => answers.push(resolve));
    const { container } = render(Queue);
    await waitFor(() => expect(answers.length).toBe(1));
    remap.queueVersion++; // a second reload while the first is still out
    await waitFor(() => expect(answers.length).toBe(2));
    answers[1](job("cancelled")); // the newer answer arrives first …
    await waitFor(() => expect(container.querySelector("li[data-job-id='12']")?.getAttribute("data-job-status")).toBe("cancelled"));
    answers[0](job("running")); // … and the older one last: it must not win
    await new Promise((r) => setTimeout(r, 20));
    expect(container.querySelector("li[data-job-id='12']")?.getAttribute("data-job-status")).toBe("cancelled");
  });

  it("never says more jobs done than the overview has trained models (one reload for both)", async () => {
    const job = (id: number, status: string) => ({ id, model_id: id, position: id, status, epochs: 1, epochs_done: 1, rung: null, progress: [], error: null });
    const ids = [1, 2, 3, 4, 5, 6];
    await openWith(ids.map((i) => model(i, i <= 2 ? {} : { status: "queued", val_accuracy: null })));
    handlers.queue = () => ids.map((i) => job(i, i <= 2 ? "done" : "queued"));
    const { container } = render(Queue);
    render(ModelOverview);
    await waitFor(() => expect(container.querySelector(".badge.done")?.textContent).toBe("2 done"));
    expect(screen.getByText("2 of 6 models trained")).toBeTruthy();
    // All six finish. Rust answers the queue at once and the overview (maps) later.
    handlers.queue = () => ids.map((i) => job(i, "done"));
    const answers: ((o: unknown) => void)[] = [];
    handlers.overview = () => new Promise((resolve) => answers.push(resolve));
    for (const i of [3, 4, 5, 6]) remap.onQueueEvent({ type: "job", job_id: i, session_id: 1, model_id: i, status: "done", error: null });
    remap.onQueueEvent({ type: "idle" });
    await waitFor(() => expect(answers.length).toBeGreaterThan(0), { timeout: 3000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(container.querySelector(".badge.done")?.textContent).toBe("2 done");
    expect(screen.getByText("2 of 6 models trained")).toBeTruthy();
    for (const answer of answers) answer(overview(ids.map((i) => model(i))));
    await waitFor(() => expect(container.querySelector(".badge.done")?.textContent).toBe("6 done"));
    expect(screen.getByText("6 of 6 models trained")).toBeTruthy();
  });
});
