// Focus classes (spec §9.3) across the panels: the Data Selector sets them, the overview, the
// drawer and the Inspector rank by focus accuracy, and a new session starts on them.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));

import DataSelector from "./DataSelector.svelte";
import ModelDrawer from "./ModelDrawer.svelte";
import ModelInspector from "./ModelInspector.svelte";
import ModelOverview from "./ModelOverview.svelte";
import { remap } from "../lib/session.svelte";
import { callsOf, handlers, resetTauri } from "../test/tauri-mock";
import { CLASSES, model, overview, session } from "../test/fixtures";
import type { ModelView } from "../lib/api";
import { RecordingContext } from "../test/canvas";

// Validation accuracy and focus accuracy rank the three models in opposite orders; #4 predates
// stored class probabilities.
const models = [
  model(1, { val_accuracy: 0.9, focus_accuracy: 0.6 }),
  model(2, { val_accuracy: 0.8, focus_accuracy: 0.935 }),
  model(3, { val_accuracy: 0.7, focus_accuracy: 0.75 }),
  model(4, { val_accuracy: 0.85, retrain_to_focus: true }),
];
/** What Rust answers: focus accuracies only under a focus. */
function answer({ focus }: { focus: string[] }) {
  const shown = focus.length ? models : models.map((m): ModelView => ({ ...m, focus_accuracy: null, retrain_to_focus: false }));
  return overview(shown, { focus });
}

async function openWith(drawer: number[] = []) {
  handlers.overview = answer;
  handlers.set_focus = ({ classes }: { classes: string[] }) => session({ focus: classes });
  handlers.drawer = () => drawer;
  handlers.queue = () => [];
  handlers.class_samples = () => CLASSES.map((name) => ({ name, images: ["data:image/png;base64,AAAA"] }));
  await remap.open(session());
}
const focusCalls = () => callsOf("overview").map((c) => c.focus);

// A recording 2-D context, so that the map is drawn (hit testing, axis labels).
let contexts: RecordingContext[];
const original = HTMLCanvasElement.prototype.getContext;
beforeEach(() => {
  resetTauri();
  remap.reset();
  remap.starting = false;
  contexts = [];
  const made = new WeakMap<HTMLCanvasElement, RecordingContext>();
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    let ctx = made.get(this);
    if (!ctx) {
      made.set(this, (ctx = new RecordingContext()));
      contexts.push(ctx);
    }
    return ctx;
  } as unknown as HTMLCanvasElement["getContext"];
});
afterEach(() => {
  HTMLCanvasElement.prototype.getContext = original;
});
const frames = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Every text the map drew. */
const texts = () => contexts.flatMap((c) => (c.flush(), c.shapes)).flatMap((s) => (s.kind === "text" ? [s.text] : []));

describe("Data Selector focus", () => {
  it("focuses on a clicked class, adds and removes with shift, clears, and refetches the overview with it", async () => {
    await openWith();
    const { container } = render(DataSelector);
    await screen.findByRole("button", { name: /pear/ });
    const card = (name: string) => container.querySelector(`[data-class="${name}"]`) as HTMLButtonElement;
    const pressed = () => CLASSES.filter((c) => card(c).getAttribute("aria-pressed") === "true");
    await fireEvent.click(card("face"));
    expect(remap.focus).toEqual(["face"]);
    expect(remap.selectedClass).toBe(0); // one class shades the map like a sticky class
    await fireEvent.click(card("nose"), { shiftKey: true });
    expect(pressed()).toEqual(["face", "nose"]);
    expect(screen.getByTestId("focus").textContent).toContain("Focus: face, nose");
    expect(screen.getByTestId("focus-screening").textContent).toContain("screening by focus accuracy");
    await waitFor(() => expect(callsOf("set_focus").at(-1)).toEqual({ sessionId: 1, classes: ["face", "nose"] }));
    await waitFor(() => expect(focusCalls().at(-1)).toEqual(["face", "nose"]));
    await fireEvent.click(card("pear"), { shiftKey: true });
    await fireEvent.click(card("face"), { shiftKey: true });
    expect(remap.focus).toEqual(["nose", "pear"]);
    await waitFor(() => expect(focusCalls().at(-1)).toEqual(["nose", "pear"]));
    await fireEvent.click(card("pear"));
    expect(remap.focus).toEqual(["pear"]);
    await fireEvent.click(screen.getByRole("button", { name: "Clear focus" }));
    expect(remap.focus).toEqual([]);
    expect(pressed()).toEqual([]);
    expect(focusCalls()).toEqual([[], ["face", "nose"], ["face", "nose", "pear"], ["nose", "pear"], []]);
  });

  it("starts a new session on the focus classes from the drawer's models and opens it", async () => {
    await openWith([3, 1]);
    handlers.session_on_classes = () => session({ id: 5, name: "Sketches · face, nose", classes: ["face", "nose"] });
    handlers.sessions = () => [];
    render(DataSelector);
    const button = (await screen.findByRole("button", { name: "New session on these classes" })) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    await remap.setFocus(["face"]);
    expect(button.disabled).toBe(true);
    await remap.setFocus(["face", "nose"]);
    await waitFor(() => expect(button.disabled).toBe(false));
    expect(button.title).toContain("drawer's 2 models");
    handlers.overview = () => overview([], { session: session({ id: 5, classes: ["face", "nose"] }) });
    await fireEvent.click(button);
    await waitFor(() => expect(remap.session?.id).toBe(5));
    expect(callsOf("session_on_classes")).toEqual([{ sessionId: 1, classes: ["face", "nose"], models: [3, 1] }]);
    expect(remap.focus).toEqual([]);
  });
});

describe("ranking by focus accuracy", () => {
  const order = (c: HTMLElement) => [...c.querySelectorAll("tr[data-model-id]")].map((r) => Number(r.getAttribute("data-model-id")));

  it("shades the overview by focus accuracy, the retrain-to-focus model unranked, and labels the size axis", async () => {
    await openWith();
    render(ModelOverview);
    const canvas = await screen.findByTestId("overview-canvas");
    expect(canvas.getAttribute("data-colours")).toBe("0.9000,0.8000,0.7000,0.8500");
    expect(screen.getByText("shade: validation accuracy")).toBeTruthy();
    await remap.setFocus(["face", "nose"]);
    await waitFor(() => expect(canvas.getAttribute("data-colours")).toBe("0.6000,0.9350,0.7500,-"));
    expect(screen.getByTestId("legend-focus").textContent).toBe("shade: focus accuracy (face, nose)");
    expect(screen.getByText("dashed: 1 to retrain to focus")).toBeTruthy();
    await fireEvent.click(document.querySelector("#view-size")!);
    await waitFor(() => expect(texts()).toContain("focus accuracy (face, nose)"));
    expect(texts()).not.toContain("validation accuracy");
  });

  it("shows focus accuracy and 'retrain to focus' in the overview tooltip", async () => {
    await openWith();
    await remap.setFocus(["face", "nose"]);
    render(ModelOverview);
    const canvas = await screen.findByTestId("overview-canvas");
    const at = (id: number) => (window as unknown as { __remapPointScreen: (id: number) => { x: number; y: number } | null }).__remapPointScreen(id)!;
    await frames(600);
    await fireEvent.pointerMove(canvas, { clientX: at(4).x, clientY: at(4).y });
    expect((await screen.findByTestId("tooltip-focus")).textContent).toBe("retrain to focus");
    await fireEvent.pointerMove(canvas, { clientX: at(2).x, clientY: at(2).y });
    await waitFor(() => expect(screen.getByTestId("tooltip-focus").textContent).toBe("93.5%"));
  });

  it("sorts the drawer by focus accuracy under a focus, headed Focus acc., and back without", async () => {
    await openWith([1, 2, 3, 4]);
    const { container } = render(ModelDrawer);
    expect(order(container)).toEqual([1, 4, 2, 3]);
    await remap.setFocus(["face", "nose"]);
    await waitFor(() => expect(order(container)).toEqual([2, 3, 1, 4]));
    expect(container.querySelector('button[data-sort="accuracy"]')!.textContent).toContain("Focus acc.");
    expect(container.querySelector('tr[data-model-id="4"]')!.textContent).toContain("retrain to focus");
    expect(container.querySelector('tr[data-model-id="2"]')!.textContent).toContain("93.5%");
    await remap.setFocus([]);
    await waitFor(() => expect(order(container)).toEqual([1, 4, 2, 3]));
    expect(container.querySelector('button[data-sort="accuracy"]')!.textContent).toContain("Accuracy");
  });

  it("shows the inspected model's focus accuracy beside its validation accuracy, or that it needs retraining", async () => {
    await openWith();
    handlers.model_detail = ({ modelId }: { modelId: number }) => ({
      model: { ...models[modelId - 1], focus_accuracy: null, retrain_to_focus: false }, parent: null, classes: CLASSES, epochs: [], confusion: null,
      accuracy_per_log_params: null, device: "cpu", error: null,
    });
    remap.inspect(2);
    render(ModelInspector);
    await screen.findByText("validation accuracy");
    expect(screen.queryByTestId("inspector-focus")).toBeNull();
    await remap.setFocus(["face", "nose"]);
    await waitFor(() => expect(screen.getByTestId("inspector-focus").textContent).toBe("Focus accuracy (face, nose)93.5%"));
    remap.inspect(4);
    await waitFor(() => expect(screen.getByTestId("inspector-focus").textContent).toBe("Focus accuracy (face, nose)retrain to focus"));
  });
});
