import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render } from "@testing-library/svelte";
import OverviewCanvas from "./OverviewCanvas.svelte";
import type { OverviewPoint } from "../lib/overview";
import { RecordingContext, svgShapes, type Shape } from "../test/canvas";

// Every canvas gets a recording context: the component's offscreen picture and the visible one.
let contexts: Map<HTMLCanvasElement, RecordingContext>;
const original = HTMLCanvasElement.prototype.getContext;
beforeEach(() => {
  contexts = new Map();
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    let ctx = contexts.get(this);
    if (!ctx) contexts.set(this, (ctx = new RecordingContext()));
    return ctx;
  } as unknown as HTMLCanvasElement["getContext"];
});
afterEach(() => {
  HTMLCanvasElement.prototype.getContext = original;
});

const frames = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the canvases show now: the offscreen picture, then the marks drawn over it. */
function drawn(): Shape[] {
  const out: Shape[] = [];
  for (const ctx of [...contexts.values()].reverse()) {
    ctx.flush();
    out.push(...ctx.shapes);
  }
  return out;
}

const circles = (shapes: Shape[]) => shapes.filter((s): s is Extract<Shape, { kind: "circle" }> => s.kind === "circle");

function cloud(n: number, spread: number): OverviewPoint[] {
  return Array.from({ length: n }, (_, i) => {
    const t = i * 2.39996;
    const r = (spread * Math.sqrt(i + 1)) / Math.sqrt(n);
    return { id: i + 1, x: r * Math.cos(t), y: r * Math.sin(t) * 0.6, value: 0.3 + (0.6 * i) / n, params: 1000 * (i + 1) };
  });
}

describe("OverviewCanvas", () => {
  it("exports as SVG exactly the scene it draws (ticks, dashed untrained models, front, inspected)", async () => {
    const points: OverviewPoint[] = [
      { id: 1, x: 0.52, y: 3.2, value: 0.52, params: 1500 },
      { id: 2, x: 0.71, y: 4.1, value: 0.71, params: 12000 },
      { id: 3, x: 0.9, y: 5.3, value: 0.9, params: 210000 },
      { id: 4, x: 0.6, y: 3.9, value: null, params: 8000 },
    ];
    // No x ticks given: the canvas and the file must pick the same ones.
    const axes = { x: "validation accuracy", y: "parameters", xTick: (v: number) => v.toFixed(2), yTick: String };
    const { component } = render(OverviewCanvas, { points, axes, front: [1, 2, 3], inspected: 2, boundedAspect: false });
    await frames(700);
    const onScreen = drawn();
    expect(circles(onScreen)).toHaveLength(5); // four models and the inspected mark
    expect(onScreen.some((s) => s.kind === "circle" && s.dash === "2 2")).toBe(true);
    expect(svgShapes(component.svgDocument())).toEqual(onScreen);
  });

  it("fits the view to the models as they arrive, animated, filling the canvas", async () => {
    const { rerender } = render(OverviewCanvas, { points: cloud(3, 1) });
    await frames(700);
    const before = circles(drawn());
    // 50 models spread five times as far: the view follows them.
    await rerender({ points: cloud(50, 5) });
    await frames(100);
    const midway = circles(drawn());
    await frames(700);
    const settled = circles(drawn());
    const width = (cs: typeof settled) => Math.max(...cs.map((c) => c.x)) - Math.min(...cs.map((c) => c.x));
    const height = (cs: typeof settled) => Math.max(...cs.map((c) => c.y)) - Math.min(...cs.map((c) => c.y));
    // The canvas is 640 × 400 (the test ResizeObserver), the margin 18 px.
    expect(Math.max(width(settled) / (640 - 36), height(settled) / (400 - 36))).toBeGreaterThan(0.97);
    expect(Math.min(...settled.map((c) => c.x))).toBeGreaterThanOrEqual(18 - 1e-6);
    expect(Math.max(...settled.map((c) => c.x))).toBeLessThanOrEqual(640 - 18 + 1e-6);
    // On the way there: neither the old fit nor the new one yet (it moves, not jumps).
    expect(midway).not.toEqual(before);
    expect(midway).not.toEqual(settled);
  });

  it("keeps the view still while the user is zoomed in, and fits once they zoom back out", async () => {
    const { rerender, getByTestId } = render(OverviewCanvas, { points: cloud(3, 1) });
    await frames(700);
    const canvas = getByTestId("overview-canvas");
    await fireEvent.wheel(canvas, { deltaY: -400, clientX: 320, clientY: 200 });
    await frames(100);
    const zoomed = circles(drawn()).slice(0, 3);
    await rerender({ points: [...cloud(3, 1), ...cloud(50, 5).slice(3)] });
    await frames(700);
    // The three models the user looks at have not moved on screen.
    const byId = (cs: ReturnType<typeof circles>) => cs.map((c) => [c.x, c.y]).sort();
    const now = circles(drawn()).filter((c) => zoomed.some((z) => z.r === c.r && Math.abs(z.x - c.x) < 1e-6));
    expect(byId(now)).toEqual(byId(zoomed));
    // Double-click: the whole map again, fitted to all 50.
    await fireEvent.dblClick(canvas);
    await frames(700);
    const all = circles(drawn());
    expect(all).toHaveLength(50);
    expect(Math.max(...all.map((c) => c.x)) - Math.min(...all.map((c) => c.x))).toBeGreaterThan(0.5 * 640);
  });
});
