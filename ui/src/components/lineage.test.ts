import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render } from "@testing-library/svelte";
import OverviewCanvas from "./OverviewCanvas.svelte";
import type { OverviewPoint } from "../lib/overview";
import { SCENE_STYLE } from "../lib/scene";
import { RecordingContext, type Shape } from "../test/canvas";

// Hovering a model on the map shows its lineage: links from its parent and to its children, rings
// on them, the rest dimmed; the offscreen picture is not drawn again for it.

let contexts: Map<HTMLCanvasElement, RecordingContext>;
let baseClears = 0;
const original = HTMLCanvasElement.prototype.getContext;
beforeEach(() => {
  contexts = new Map();
  baseClears = 0;
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    let ctx = contexts.get(this);
    if (!ctx) {
      contexts.set(this, (ctx = new RecordingContext()));
      // The offscreen picture is the canvas not in the document: count its redraws.
      const clear = ctx.clearRect.bind(ctx);
      ctx.clearRect = () => {
        if (!this.isConnected) baseClears++;
        clear();
      };
    }
    return ctx;
  } as unknown as HTMLCanvasElement["getContext"];
});
afterEach(() => {
  HTMLCanvasElement.prototype.getContext = original;
});

const frames = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the visible canvas draws over the offscreen picture. */
function overlay(): Shape[] {
  const visible = [...contexts.entries()].find(([c]) => c.isConnected)![1];
  visible.flush();
  return visible.shapes;
}
const links = () => overlay().filter((s) => s.kind === "line" && s.stroke === SCENE_STYLE.lineage.link);
const rings = () => overlay().filter((s) => s.kind === "circle" && s.stroke === SCENE_STYLE.lineage.ring && s.width === SCENE_STYLE.lineage.ringWidth);

// 1 → 2 → 4 and 1 → 3; 5 has no relative on the map.
const points: OverviewPoint[] = [
  { id: 1, x: 0, y: 0, value: 0.5, params: 1000, parent: null },
  { id: 2, x: 1, y: 0, value: 0.6, params: 2000, parent: 1 },
  { id: 3, x: 0, y: 1, value: 0.7, params: 3000, parent: 1 },
  { id: 4, x: 2, y: 0.5, value: 0.8, params: 4000, parent: 2 },
  { id: 5, x: 2, y: 2, value: 0.9, params: 5000, parent: null },
];

async function hoverable() {
  const r = render(OverviewCanvas, { points });
  await frames(700);
  const canvas = r.getByTestId("overview-canvas");
  const hover = async (id: number) => {
    const at = r.component.pointScreen(id)!;
    await fireEvent.pointerMove(canvas, { clientX: at.x, clientY: at.y });
    await frames(40);
  };
  const at = (id: number) => {
    const p = r.component.pointScreen(id)!;
    return `${Math.round(p.x * 100) / 100},${Math.round(p.y * 100) / 100}`;
  };
  return { canvas, hover, at };
}

describe("the lineage on hover", () => {
  it("links a model to its children and rings them, dimming the rest, without drawing the map again", async () => {
    const { hover, at } = await hoverable();
    const before = baseClears;
    expect(before).toBeGreaterThan(0);
    await hover(1);
    expect(links().map((l) => l.kind === "line" && l.points)).toEqual([`${at(1)} ${at(2)}`, `${at(1)} ${at(3)}`]);
    expect(rings().filter((r) => r.kind === "circle" && r.dash === "")).toHaveLength(2);
    // The family is drawn again over the veil: models 1, 2 and 3, not 4 or 5.
    const family = overlay().filter((s) => s.kind === "circle" && s.fill !== "none").map((s) => s.kind === "circle" && `${s.x},${s.y}`);
    expect(family.sort()).toEqual([at(1), at(2), at(3)].sort());
    expect(baseClears).toBe(before);
  });

  it("shows the parent too, with a dashed ring", async () => {
    const { hover, at } = await hoverable();
    await hover(2);
    expect(links().map((l) => l.kind === "line" && l.points)).toEqual([`${at(1)} ${at(2)}`, `${at(2)} ${at(4)}`]);
    const dashed = rings().filter((r) => r.kind === "circle" && r.dash !== "");
    expect(dashed.map((r) => r.kind === "circle" && `${r.x},${r.y}`)).toEqual([at(1)]);
  });

  it("ends with the hover, and shows nothing for a model without relatives", async () => {
    const { canvas, hover } = await hoverable();
    await hover(2);
    expect(links()).toHaveLength(2);
    await fireEvent.pointerLeave(canvas);
    await frames(40);
    expect(links()).toHaveLength(0);
    expect(rings()).toHaveLength(0);
    await hover(5);
    expect(links()).toHaveLength(0);
    // The usual hover ring only.
    expect(overlay().filter((s) => s.kind === "circle")).toHaveLength(1);
  });
});

describe("the brushed set on the map", () => {
  const violet = () => overlay().filter((s) => s.kind === "circle" && s.stroke === SCENE_STYLE.brushed.stroke);

  it("rings each brushed model in violet, until the set is forgotten", async () => {
    const r = render(OverviewCanvas, { points, brushed: [2, 4] });
    await frames(700);
    const at = (id: number) => {
      const p = r.component.pointScreen(id)!;
      return `${Math.round(p.x * 100) / 100},${Math.round(p.y * 100) / 100}`;
    };
    expect(violet().map((s) => s.kind === "circle" && `${s.x},${s.y}`)).toEqual([at(2), at(4)]);
    await r.rerender({ brushed: [] });
    await frames(40);
    expect(violet()).toHaveLength(0);
  });
});
