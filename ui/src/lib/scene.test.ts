import { describe, expect, it } from "vitest";
import { bounds, fitView, toScreen, type OverviewPoint } from "./overview";
import { buildScene, drawScene, sceneSvg, type SceneAxes, type SceneContext } from "./scene";
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
