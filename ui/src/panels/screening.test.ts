// The screening UI: screened models in the Inspector, the overview, the drawer and the queue,
// and the machine's training settings.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));
import ModelDrawer from "./ModelDrawer.svelte";
import ModelInspector from "./ModelInspector.svelte";
import ModelOverview from "./ModelOverview.svelte";
import Queue from "./Queue.svelte";
import SettingsDialog from "../components/SettingsDialog.svelte";
import { remap } from "../lib/session.svelte";
import { callsOf, handlers, resetTauri } from "../test/tauri-mock";
import { CLASSES, model, overview, session } from "../test/fixtures";
import type { ModelView, QueueJob } from "../lib/api";

const screened = (id: number, over: Partial<ModelView> = {}) => model(id, { status: "screened", screened: true, epochs_done: 3, ...over });

async function openWith(models: ModelView[], jobs: QueueJob[] = [], drawer: number[] = []) {
  handlers.overview = () => overview(models);
  handlers.drawer = () => drawer;
  handlers.queue = () => jobs;
  handlers.queue_status = () => ({ paused: false, running: [] });
  await remap.open(session());
}

const detail = (m: ModelView) => ({ model: m, parent: null, classes: CLASSES, epochs: [], confusion: null, accuracy_per_log_params: null, device: "cpu", error: null });
const job = (id: number, status: QueueJob["status"], over: Partial<QueueJob> = {}): QueueJob => ({
  id, model_id: id, position: id, status, epochs: 10, epochs_done: 0, rung: null, progress: [], error: null, ...over,
});

beforeEach(() => {
  resetTauri();
  remap.reset();
  remap.starting = false;
});

describe("screened models", () => {
  it("the Inspector says screening stopped it and trains it to the end", async () => {
    await openWith([model(1), screened(2)]);
    handlers.model_detail = () => detail(screened(2));
    handlers.train_to_end = () => 1;
    remap.inspect(2);
    render(ModelInspector);
    expect((await screen.findByTestId("inspector-trained")).textContent).toContain("Trained 3 of 10 epochs — screening stopped it");
    const overviews = callsOf("overview").length;
    await fireEvent.click(screen.getByRole("button", { name: /Train to the end/ }));
    await waitFor(() => expect(callsOf("train_to_end")).toEqual([{ models: [2] }]));
    await waitFor(() => expect(callsOf("overview").length).toBeGreaterThan(overviews)); // refreshed
    expect(remap.toasts.at(-1)?.message).toContain("1 screened model queued to train to the end");
  });

  it("the Inspector shows no button for a fully trained model", async () => {
    await openWith([model(1)]);
    handlers.model_detail = () => detail(model(1));
    remap.inspect(1);
    render(ModelInspector);
    expect((await screen.findByTestId("inspector-trained")).textContent).toContain("Trained 10 of 10 epochs");
    expect(screen.queryByRole("button", { name: /Train to the end/ })).toBeNull();
  });

  it("the overview counts them, draws them as rings, explains the ring, and trains a brushed set's to the end", async () => {
    handlers.add_to_drawer = () => undefined;
    handlers.train_to_end = () => 2;
    await openWith([model(1), screened(2), screened(3, { epochs_done: 1 })]);
    render(ModelOverview);
    const canvas = await screen.findByTestId("overview-canvas");
    expect(canvas.getAttribute("data-point-count")).toBe("3"); // screened models stay on the map
    expect(canvas.getAttribute("data-screened")).toBe("2,3");
    expect(screen.getByTestId("overview-trained").textContent).toBe("3 of 3 models trained (2 screened)");
    expect(screen.getByTestId("legend-screened").textContent).toContain("ring: screened — trained 1 or 3 of 10 epochs");
    await remap.brush([1, 2, 3]);
    const button = await screen.findByRole("button", { name: "Train 2 screened to the end" });
    await fireEvent.click(button);
    await waitFor(() => expect(callsOf("train_to_end")).toEqual([{ models: [2, 3] }]));
    await waitFor(() => expect(screen.queryByTestId("brushed-actions")).toBeNull());
  });

  it("the drawer trains its screened models to the end", async () => {
    handlers.train_to_end = () => 1;
    await openWith([model(1), screened(2)], [], [1, 2]);
    render(ModelDrawer);
    await fireEvent.click(await screen.findByRole("button", { name: "Train 1 screened to the end" }));
    await waitFor(() => expect(callsOf("train_to_end")).toEqual([{ models: [2] }]));
  });
});

describe("the queue with screening", () => {
  it("labels screened jobs and rungs, shows several running jobs, and says what Pause does", async () => {
    await openWith(
      [screened(1), model(2, { status: "running", val_accuracy: null }), model(3, { status: "running", val_accuracy: null }), model(4, { status: "queued", val_accuracy: null })],
      [job(1, "screened", { epochs_done: 3, rung: 3 }), job(2, "running", { rung: 1 }), job(3, "running", { rung: 3, epochs_done: 1 }), job(4, "queued", { rung: 1 })],
    );
    remap.onQueueEvent({ type: "batch", job_id: 2, epoch: 1, epochs: 1, batch: 5, batches: 10, eta_seconds: 5 });
    remap.onQueueEvent({ type: "batch", job_id: 3, epoch: 2, epochs: 3, batch: 1, batches: 10, eta_seconds: 30 });
    const { container } = render(Queue);
    await waitFor(() => expect(container.querySelectorAll("li[data-job-id]").length).toBe(4));
    const row = (id: number) => container.querySelector(`li[data-job-id='${id}']`)!;
    expect(row(1).querySelector(".badge")!.textContent).toBe("screened at 3/10");
    expect(row(1).textContent).not.toContain("screening rung");
    expect(row(2).textContent).toContain("screening rung: 1 epoch");
    expect(row(4).textContent).toContain("screening rung: 1 epoch");
    expect(screen.getAllByRole("progressbar")).toHaveLength(2); // both running jobs
    expect(row(2).textContent).toContain("epoch 1 of 1, batch 5 of 10");
    expect(row(3).textContent).toContain("epoch 2 of 3, batch 1 of 10");
    expect(container.querySelector(".summary")!.textContent).toContain("1 screened");
    expect(container.querySelector("#queue-pause")!.getAttribute("title")).toBe(
      "Pause: running jobs stop within one batch and go back to the queue; Resume continues them from their last finished epoch.",
    );
  });
});

describe("training settings", () => {
  const view = { settings: {}, parallelism: { jobs: 2, threads: 1 }, cores: 2 };

  it("opens from the Queue tab, shows what follows and saves", async () => {
    handlers.machine_settings = () => view;
    handlers.set_machine_settings = ({ settings }: { settings: { jobs: number | null } }) => ({ settings, parallelism: { jobs: settings.jobs ?? 2, threads: 1 }, cores: 2 });
    await openWith([model(1)], [job(1, "done", { epochs_done: 10 })]);
    render(Queue);
    await fireEvent.click(await screen.findByRole("button", { name: /Training settings/ }));
    expect((await screen.findByTestId("settings-parallelism")).textContent).toBe("Now: 2 jobs at once × 1 thread each, on 2 cores");
    expect(screen.getByTestId("settings-dialog").textContent).toContain("jobs started from now on");
    await fireEvent.click(screen.getByTestId("settings-jobs-fixed"));
    await fireEvent.input(document.querySelector("#settings-jobs")!, { target: { value: "1" } });
    await fireEvent.change(document.querySelector("#settings-device")!, { target: { value: "cpu" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(callsOf("set_machine_settings")).toEqual([{ settings: { jobs: 1, device: "cpu", batch: null } }]));
    await waitFor(() => expect(screen.getByTestId("settings-parallelism").textContent).toBe("Now: 1 job at once × 1 thread each, on 2 cores"));
  });

  it("is reachable with an empty queue and shows why saving failed", async () => {
    handlers.machine_settings = () => view;
    handlers.set_machine_settings = () => Promise.reject("no GPU on this machine");
    await openWith([], []);
    render(Queue);
    await fireEvent.click(await screen.findByRole("button", { name: /Training settings/ }));
    await screen.findByTestId("settings-parallelism");
    await fireEvent.change(document.querySelector("#settings-device")!, { target: { value: "gpu" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findByTestId("settings-error")).textContent).toBe("Cannot save the training settings: no GPU on this machine");
  });

  it("refuses a batch size that is not a whole number", async () => {
    handlers.machine_settings = () => ({ ...view, settings: { batch: 64 } });
    render(SettingsDialog, { onclose: () => {} });
    const batch = (await screen.findByLabelText("Batch size")) as HTMLInputElement;
    await waitFor(() => expect(batch.value).toBe("64"));
    await fireEvent.input(batch, { target: { value: "0" } });
    expect(await screen.findByText("The batch size must be a whole number, 1 or more.")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Save" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
