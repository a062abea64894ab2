import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render } from "@testing-library/svelte";
import OverviewCanvas from "./OverviewCanvas.svelte";
import type { OverviewPoint } from "../lib/overview";
import { RecordingContext } from "../test/canvas";

// Dragging models off the map with the pointer: a ghost label follows it, drop targets are
// marked, and the drop target under the pointer on release (document.elementFromPoint) gets them.

const original = HTMLCanvasElement.prototype.getContext;
let target: HTMLDivElement;
beforeEach(() => {
  HTMLCanvasElement.prototype.getContext = (() => new RecordingContext()) as unknown as HTMLCanvasElement["getContext"];
  // A drop target right of the map (the canvas is 640 px wide); jsdom has no layout, so the
  // element under a point is decided here.
  target = document.createElement("div");
  target.dataset.drop = "drawer";
  target.innerHTML = "<table><tr><td>row</td></tr></table>";
  document.body.append(target);
  document.elementFromPoint = (x: number) => (x > 1000 ? target.querySelector("td") : document.body);
});
afterEach(() => {
  HTMLCanvasElement.prototype.getContext = original;
  target.remove();
});

const frames = (ms: number) => new Promise((r) => setTimeout(r, ms));

const points: OverviewPoint[] = [
  { id: 1, x: 0, y: 0, value: 0.5, params: 1000 },
  { id: 2, x: 1, y: 0, value: 0.6, params: 2000 },
  { id: 3, x: 0, y: 1, value: 0.7, params: 3000 },
  { id: 4, x: 1, y: 1, value: 0.8, params: 4000 },
];

async function map(props: { brushed?: number[]; mode?: "pan" | "rectangle" | "lasso" } = {}) {
  const ondrop = vi.fn();
  const onpick = vi.fn();
  const onbrush = vi.fn();
  const r = render(OverviewCanvas, { points, ondrop, onpick, onbrush, ...props });
  await frames(700);
  const canvas = r.container.querySelector<HTMLElement>("[data-testid=overview-canvas]")!;
  const at = (id: number) => r.component.pointScreen(id)!;
  const ghost = () => document.querySelector("[data-testid=drag-ghost]")?.textContent ?? null;
  return { canvas, at, ghost, ondrop, onpick, onbrush };
}

/** Presses on (x, y) of the canvas and moves, outside it too, as a real mouse does. */
async function press(canvas: HTMLElement, x: number, y: number) {
  await fireEvent.pointerDown(canvas, { clientX: x, clientY: y, button: 0 });
}
const move = (x: number, y: number) => fireEvent.pointerMove(document.body, { clientX: x, clientY: y });
const release = (x: number, y: number) => fireEvent.pointerUp(document.body, { clientX: x, clientY: y, button: 0 });

describe("dragging models to the drawer", () => {
  it("carries a model with a ghost label, marks the drop target, and drops it there", async () => {
    const { canvas, at, ghost, ondrop, onpick } = await map();
    const p = at(2);
    await press(canvas, p.x, p.y);
    expect(ghost()).toBeNull();
    await move(p.x + 40, p.y);
    expect(ghost()).toBe("#2");
    expect(target.hasAttribute("data-drop-ready")).toBe(true);
    expect(target.hasAttribute("data-drop-over")).toBe(false);
    await move(1100, 300);
    expect(target.hasAttribute("data-drop-over")).toBe(true);
    const label = document.querySelector<HTMLElement>("[data-testid=drag-ghost]")!;
    expect(label.style.left).toBe("1112px"); // near the cursor
    await release(1100, 300);
    expect(ondrop).toHaveBeenCalledWith([2], "drawer");
    expect(onpick).not.toHaveBeenCalled();
    expect(ghost()).toBeNull();
    expect(target.hasAttribute("data-drop-ready") || target.hasAttribute("data-drop-over")).toBe(false);
  });

  it("carries the whole brushed set from one of its models, in any mouse mode", async () => {
    const { canvas, at, ghost, ondrop, onbrush } = await map({ brushed: [1, 3, 4], mode: "rectangle" });
    const p = at(3);
    await press(canvas, p.x, p.y);
    await move(1100, 300);
    expect(ghost()).toBe("3 models");
    await release(1100, 300);
    expect(ondrop).toHaveBeenCalledWith([1, 3, 4], "drawer");
    expect(onbrush).not.toHaveBeenCalled();
  });

  it("drops nothing outside a drop target", async () => {
    const { canvas, at, ghost, ondrop, onpick } = await map();
    const p = at(1);
    await press(canvas, p.x, p.y);
    await move(p.x + 60, p.y + 60);
    expect(ghost()).toBe("#1");
    await release(p.x + 60, p.y + 60);
    expect(ondrop).not.toHaveBeenCalled();
    expect(onpick).not.toHaveBeenCalled();
    expect(ghost()).toBeNull();
  });

  it("cancels on Escape", async () => {
    const { canvas, at, ghost, ondrop, onpick } = await map();
    const p = at(1);
    await press(canvas, p.x, p.y);
    await move(1100, 300);
    const later = vi.fn();
    window.addEventListener("keydown", later);
    await fireEvent.keyDown(document.body, { key: "Escape" });
    window.removeEventListener("keydown", later);
    expect(later).not.toHaveBeenCalled(); // the Escape was the drag's, not the app's
    expect(ghost()).toBeNull();
    expect(target.hasAttribute("data-drop-ready")).toBe(false);
    await release(1100, 300);
    expect(ondrop).not.toHaveBeenCalled();
    expect(onpick).not.toHaveBeenCalled();
  });

  it("still inspects on a click without movement", async () => {
    const { canvas, at, ghost, ondrop, onpick } = await map();
    const p = at(4);
    await press(canvas, p.x, p.y);
    await move(p.x + 1, p.y + 1);
    await fireEvent.pointerUp(canvas, { clientX: p.x + 1, clientY: p.y + 1, button: 0 });
    expect(onpick).toHaveBeenCalledTimes(1);
    expect(onpick).toHaveBeenCalledWith(4);
    expect(ondrop).not.toHaveBeenCalled();
    expect(ghost()).toBeNull();
  });

  it("pans or brushes from empty space, and brushes from a model outside the brushed set", async () => {
    const pan = await map();
    await press(pan.canvas, 5, 5);
    await move(1100, 300);
    expect(pan.ghost()).toBeNull();
    await release(1100, 300);
    expect(pan.ondrop).not.toHaveBeenCalled();

    const brush = await map({ mode: "rectangle", brushed: [4] });
    const p = brush.at(1);
    await press(brush.canvas, p.x - 5, p.y - 5);
    await fireEvent.pointerMove(brush.canvas, { clientX: 635, clientY: 395 });
    expect(brush.ghost()).toBeNull();
    await fireEvent.pointerUp(brush.canvas, { clientX: 635, clientY: 395 });
    expect(brush.onbrush).toHaveBeenCalledTimes(1);
    expect(brush.onbrush.mock.calls[0][0]).toContain(1);
    expect(brush.ondrop).not.toHaveBeenCalled();
  });
});
