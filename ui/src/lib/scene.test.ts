import { describe, expect, it } from "vitest";
import { bounds, fitView, toScreen, type OverviewPoint } from "./overview";
import { SCENE_STYLE, brushedMark, buildScene, drawLineage, drawScene, lineageOverlay, pointRadius, sceneSvg, withAlpha, type SceneAxes, type SceneContext } from "./scene";
import { RecordingContext, svgShapes } from "../test/canvas";

const points: OverviewPoint[] = [
  { id: 1, x: 0.52, y: 3.2, value: 0.52, params: 1500 },
  { id: 2, x: 0.71, y: 4.1, value: 0.71, params: 12000 },
  { id: 3, x: 0.9, y: 5.3, value: 0.9, params: 210000 },
  { id: 4, x: 0.6, y: 3.9, value: null, params: 8000 }, // untrained: dashed, unfilled
];

const axes: SceneAxes = {
  x: "validation accuracy",
  y: "parameters (log scale)",
  xTick: (v) => `${Math.round(v * 100)}%`,
  yTick: (v) => String(v),
  yTicks: [4, 5],
};

function scene(overrides: { axes?: SceneAxes | null; inspected?: number | null; front?: number[] } = {}) {
  const [width, height, margin] = [500, 300, 60];
  const view = fitView(bounds(points), width, height, margin, false);
  const xs = points.map((p) => toScreen(view, p.x, p.y)[0]);
  const ys = points.map((p) => toScreen(view, p.x, p.y)[1]);
  return buildScene({ width, height, margin, points, xs, ys, view, axes: axes, front: [1, 2, 3], inspected: 2, ...overrides });
}

function canvasShapes(s: ReturnType<typeof scene>) {
  const ctx = new RecordingContext();
  drawScene(ctx as unknown as SceneContext, s);
  ctx.flush();
  return ctx.shapes;
}

describe("the overview's scene", () => {
  it("is drawn shape for shape alike on the canvas and in the SVG export", () => {
    for (const s of [scene(), scene({ axes: null, front: [], inspected: null }), scene({ inspected: 4 })]) {
      const onCanvas = canvasShapes(s);
      expect(onCanvas.length).toBeGreaterThanOrEqual(points.length);
      expect(svgShapes(sceneSvg(s))).toEqual(onCanvas);
    }
  });

  it("draws the same ticks in both: 5 even x steps when none are given, the y ticks given", () => {
    const s = scene();
    expect(s.grid).toHaveLength(6 + 2);
    const svg = svgShapes(sceneSvg(s));
    expect(svg.filter((x) => x.kind === "line" && x.dash === "")).toHaveLength(8);
    const texts = svg.filter((x) => x.kind === "text").map((x) => (x.kind === "text" ? x.text : ""));
    expect(texts).toEqual(["52%", "60%", "67%", "75%", "82%", "90%", "4", "5", "validation accuracy", "parameters (log scale)"]);
  });

  it("dashes untrained models and the front in both renderers", () => {
    const s = scene();
    const dashed = (shapes: ReturnType<typeof svgShapes>) =>
      shapes.filter((x) => x.kind !== "text" && x.dash !== "").map((x) => (x.kind === "circle" ? `circle ${x.fill} ${x.dash}` : x.kind === "line" ? `line ${x.dash}` : ""));
    expect(dashed(canvasShapes(s))).toEqual(["line 5 3", "circle none 2 2"]);
    expect(dashed(svgShapes(sceneSvg(s)))).toEqual(["line 5 3", "circle none 2 2"]);
  });

  it("draws the inspected model last, in orange", () => {
    const shapes = canvasShapes(scene());
    const last = shapes[shapes.length - 1];
    expect(last).toMatchObject({ kind: "circle", fill: "#e66101", stroke: "#8c3a00" });
  });
});

describe("screened models on the map", () => {
  const mixed: OverviewPoint[] = [
    { id: 1, x: 0.52, y: 3.2, value: 0.52, params: 1500 },
    { id: 2, x: 0.71, y: 4.1, value: 0.71, params: 12000, screened: true },
    { id: 3, x: 0.9, y: 5.3, value: 0.9, params: 210000, screened: true },
  ];
  function build() {
    const [width, height, margin] = [500, 300, 60];
    const view = fitView(bounds(mixed), width, height, margin, false);
    const xs = mixed.map((p) => toScreen(view, p.x, p.y)[0]);
    const ys = mixed.map((p) => toScreen(view, p.x, p.y)[1]);
    return buildScene({ width, height, margin, points: mixed, xs, ys, view, axes: null, front: [], inspected: null });
  }

  it("draws them hollow: a ring in their shade around a white centre, inside the usual outline", () => {
    const s = build();
    const filled = s.groups.filter((g) => g.fill !== null && g.fill !== "#ffffff");
    expect(filled.flatMap((g) => g.circles).length).toBe(3); // only model 1 is a filled disc
    const rings = s.groups.filter((g) => g.fill === "#ffffff");
    expect(rings).toHaveLength(2); // one per shade
    for (const g of rings) {
      expect(g.stroke).toMatch(/^rgb\(/); // the model's shade
      expect(g.dash).toEqual([]);
    }
    // A darker shade for the more accurate model, as for filled discs.
    expect(rings[0].stroke).not.toBe(rings[1].stroke);
    const outline = s.groups.find((g) => g.fill === null);
    expect(outline?.circles.length).toBe(6); // both screened models keep a visible outline
    expect(outline?.stroke).toBe(SCENE_STYLE.point.stroke);
    // The ring lies inside the outline.
    expect(rings[0].circles[2] + rings[0].lineWidth / 2).toBeLessThanOrEqual(outline!.circles[2]);
  });

  it("draws them alike on the canvas and in the SVG export", () => {
    const s = build();
    expect(svgShapes(sceneSvg(s))).toEqual(canvasShapes(s as ReturnType<typeof scene>));
  });
});

describe("the size filter in the scene", () => {
  const [width, height, margin] = [500, 300, 20];
  const view = fitView(bounds(points), width, height, margin, false);
  const xs = points.map((p) => toScreen(view, p.x, p.y)[0]);
  const ys = points.map((p) => toScreen(view, p.x, p.y)[1]);
  const build = (maxParams: number | null) => buildScene({ width, height, margin, points, xs, ys, view, axes: null, front: [], inspected: null, maxParams });

  it("fades the models over the limit, drawn first (underneath), in both renderers", () => {
    const s = build(10_000);
    // Models 2 (12k) and 3 (210k) are over: their fills and outlines are see-through.
    const faded = s.groups.filter((g) => g.stroke === withAlpha(SCENE_STYLE.point.stroke, SCENE_STYLE.faded));
    expect(faded.flatMap((g) => g.circles).length).toBe(6);
    expect(s.groups.indexOf(faded[faded.length - 1])).toBeLessThan(s.groups.findIndex((g) => !faded.includes(g)));
    for (const g of faded) expect(g.fill).toMatch(/^rgba\(\d+,\d+,\d+,0\.15\)$/);
    // Every model is still drawn, at its place and size.
    expect(s.groups.flatMap((g) => g.circles).length).toBe(build(null).groups.flatMap((g) => g.circles).length);
    expect(svgShapes(sceneSvg(s))).toEqual(canvasShapes(s as ReturnType<typeof scene>));
  });

  it("fades nothing without a limit", () => {
    expect(build(null).groups.every((g) => !g.stroke.includes("0.15"))).toBe(true);
  });

  it("multiplies a colour's opacity", () => {
    expect(withAlpha("#ff8000", 0.5)).toBe("rgba(255,128,0,0.5)");
    expect(withAlpha("rgb(1,2,3)", 0.15)).toBe("rgba(1,2,3,0.15)");
    expect(withAlpha("rgba(60,60,60,0.55)", 0.5)).toBe("rgba(60,60,60,0.275)");
  });
});

describe("the lineage overlay", () => {
  const family: typeof points = [
    { id: 1, x: 0, y: 0, value: 0.5, params: 1000, parent: null },
    { id: 2, x: 1, y: 0, value: 0.6, params: 2000, parent: 1 },
    { id: 3, x: 0, y: 1, value: 0.7, params: 3000, parent: 1 },
    { id: 4, x: 2, y: 0, value: 0.8, params: 4000, parent: 2 },
    { id: 5, x: 2, y: 2, value: 0.9, params: 5000, parent: null },
  ];
  const xs = family.map((p) => 100 + 50 * p.x);
  const ys = family.map((p) => 100 + 50 * p.y);

  it("links the parent to the hovered model and it to each child, and rings them", () => {
    const o = lineageOverlay({ points: family, xs, ys }, 2)!;
    expect(o.links).toEqual([
      { x1: 100, y1: 100, x2: 150, y2: 100 },
      { x1: 150, y1: 100, x2: 200, y2: 100 },
    ]);
    // The family redrawn over the veil: the parent, the model and its child, not 3 or 5.
    const drawn = o.groups.flatMap((g) => g.circles).filter((_, k) => k % 3 === 0);
    expect(drawn.sort()).toEqual([100, 150, 200]);
    const [children, parent] = o.rings;
    expect(children.dash).toEqual([]);
    expect(children.circles.slice(0, 2)).toEqual([200, 100]);
    expect(parent.dash).toEqual([...SCENE_STYLE.lineage.parentDash]);
    expect(parent.circles.slice(0, 2)).toEqual([100, 100]);
  });

  it("is null for a model with no relative on the map", () => {
    expect(lineageOverlay({ points: family, xs, ys }, 5)).toBeNull();
  });

  it("draws the veil, then the links, then the family", () => {
    const ctx = new RecordingContext();
    const veils: unknown[] = [];
    (ctx as unknown as { fillRect: () => void }).fillRect = () => veils.push(ctx.fillStyle);
    drawLineage(ctx as unknown as SceneContext, lineageOverlay({ points: family, xs, ys }, 1)!, 400, 300);
    ctx.flush();
    expect(veils).toEqual([SCENE_STYLE.lineage.veil]);
    const lines = ctx.shapes.filter((s) => s.kind === "line");
    expect(lines.map((l) => l.kind === "line" && l.points)).toEqual(["100,100 150,100", "100,100 100,150"]);
    expect(ctx.shapes.findIndex((s) => s.kind === "circle")).toBeGreaterThan(ctx.shapes.lastIndexOf(lines[1]));
  });
});

describe("the brushed rings", () => {
  const xs = [50, 120, 200, 900];
  const ys = [40, 80, 120, 60];
  const input = { points, xs, ys, width: 400, height: 300 };

  it("ring each brushed model on the canvas just outside its circle, and no other", () => {
    const radius = pointRadius(points);
    const rings = brushedMark({ ...input, brushed: [3, 1] }, radius)!;
    expect(rings.fill).toBeNull();
    expect(rings.stroke).toBe(SCENE_STYLE.brushed.stroke);
    // In drawing order, each at its model's position, larger as the model is larger.
    expect(rings.circles).toEqual([50, 40, radius(1500) + SCENE_STYLE.brushed.grow, 200, 120, radius(210000) + SCENE_STYLE.brushed.grow]);
    expect(rings.circles[5]).toBeGreaterThan(rings.circles[2]);
  });

  it("are null without a brushed set or when every brushed model is off the canvas", () => {
    expect(brushedMark({ ...input, brushed: [] })).toBeNull();
    expect(brushedMark({ ...input, brushed: [4] })).toBeNull(); // x = 900 on a 400-wide canvas
    expect(brushedMark({ ...input, brushed: [99] })).toBeNull();
  });
});
