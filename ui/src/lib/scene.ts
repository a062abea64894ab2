// The Model Overview's scene: one pure function decides every shape of the map (grid lines, tick
// labels, axis titles, the Pareto front, the circles with their fills, strokes and dashes, the
// inspected model's mark), and two renderers draw it — onto the canvas, and as an SVG document
// for the export — so the exported file is the picture on screen, not a second drawing of it.
import { bounds, greyScale, lineage, radiusScale, toScreen, withinLimit, type OverviewPoint, type View } from "./overview";

/** Axis titles and ticks of the accuracy-vs-size view. */
export interface SceneAxes {
  x: string;
  y: string;
  xTick: (v: number) => string;
  yTick: (v: number) => string;
  /** Tick positions in data units; without them x gets 5 even steps and y one per integer. */
  xTicks?: number[];
  yTicks?: number[];
}

export interface SceneInput {
  width: number;
  height: number;
  /** Room left for the axes (pixels). */
  margin: number;
  points: OverviewPoint[];
  /** Each point's screen position now (animations interpolate before building the scene). */
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  view: View;
  axes: SceneAxes | null;
  /** Ids on the Pareto front, by increasing parameters. */
  front: number[];
  inspected: number | null;
  /** The size filter: models with more parameters are faded (null or absent: no limit). */
  maxParams?: number | null;
}

/** Circles sharing one style, as flat x, y, r triples (a handful of groups for 10,000 models). */
export interface CircleGroup {
  /** null: not filled (an untrained model, drawn dashed). */
  fill: string | null;
  stroke: string;
  lineWidth: number;
  /** Empty for a solid outline. */
  dash: number[];
  circles: number[];
}

export interface SceneLine {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface SceneText {
  x: number;
  y: number;
  text: string;
  align: "left" | "center" | "right";
  /** Rotated a quarter turn anticlockwise about (x, y): the y axis' title. */
  rotate: boolean;
}

export interface Scene {
  width: number;
  height: number;
  grid: SceneLine[];
  labels: SceneText[];
  /** The Pareto front's polyline in screen pixels (empty unless there are 2+ points). */
  front: [number, number][];
  /** The models, in drawing order. */
  groups: CircleGroup[];
  /** The inspected model's orange mark, drawn over everything. */
  inspected: CircleGroup | null;
}

export const SCENE_STYLE = {
  grid: "#d0d7de",
  text: "#656d76",
  fontSize: 11,
  front: { stroke: "#e66101", lineWidth: 1.5, dash: [5, 3] },
  point: { stroke: "rgba(60,60,60,0.55)", lineWidth: 0.8, untrainedDash: [2, 2] },
  /**
   * A screened model: a thick ring in its shade around a white centre, inside the thin outline
   * every point has (so that a light shade stays visible on the white map).
   */
  screened: { centre: "#ffffff", ring: 1.6 },
  inspected: { fill: "#e66101", stroke: "#8c3a00", lineWidth: 2, grow: 1 },
  /** The brushed set: a violet ring just outside each model, while the set lasts. */
  brushed: { stroke: "#8250df", lineWidth: 1.8, grow: 2.5 },
  /** Opacity of a model over the size limit. */
  faded: 0.15,
  /** The hovered model's lineage: links to its children, rings on its relatives, a veil over the rest. */
  lineage: { link: "rgba(31,111,235,0.75)", linkWidth: 1, ring: "#1f6feb", ringWidth: 1.2, parentDash: [3, 2], veil: "rgba(255,255,255,0.45)" },
} as const;

/** A colour (#rrggbb, rgb() or rgba()) with its opacity multiplied by `alpha`. */
export function withAlpha(colour: string, alpha: number): string {
  const m = colour.match(/^rgba?\(([^)]+)\)$/);
  const [r, g, b, a = 1] = m ? m[1].split(",").map(Number) : [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  return `rgba(${r},${g},${b},${+(a * alpha).toFixed(3)})`;
}

/** Radius from log parameters over the models shown (3–7 px). */
export function pointRadius(points: OverviewPoint[]): (params: number) => number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.params);
    hi = Math.max(hi, p.params);
  }
  return radiusScale(lo, hi);
}

/** Whether a screen position is near enough to the canvas to be drawn. */
const visible = (x: number, y: number, width: number, height: number) => x >= -8 && y >= -8 && x <= width + 8 && y <= height + 8;

/** The orange mark of the inspected model at its screen position, or null when not shown. */
export function inspectedMark(input: Pick<SceneInput, "points" | "xs" | "ys" | "inspected">, radius = pointRadius(input.points)): CircleGroup | null {
  const i = input.inspected === null ? -1 : input.points.findIndex((p) => p.id === input.inspected);
  if (i < 0) return null;
  const s = SCENE_STYLE.inspected;
  return { fill: s.fill, stroke: s.stroke, lineWidth: s.lineWidth, dash: [], circles: [input.xs[i], input.ys[i], radius(input.points[i].params) + s.grow] };
}

/** Violet rings around the brushed models drawn on the canvas, or null when none is. */
export function brushedMark(
  input: Pick<SceneInput, "points" | "xs" | "ys" | "width" | "height"> & { brushed: number[] },
  radius = pointRadius(input.points),
): CircleGroup | null {
  if (!input.brushed.length) return null;
  const wanted = new Set(input.brushed);
  const s = SCENE_STYLE.brushed;
  const circles: number[] = [];
  input.points.forEach((p, i) => {
    if (wanted.has(p.id) && visible(input.xs[i], input.ys[i], input.width, input.height)) circles.push(input.xs[i], input.ys[i], radius(p.params) + s.grow);
  });
  return circles.length ? { fill: null, stroke: s.stroke, lineWidth: s.lineWidth, dash: [], circles } : null;
}

/** The group of one style, made on first use (groups are drawn in the order first used). */
function group(groups: Map<string, CircleGroup>, key: string, style: Omit<CircleGroup, "circles">): CircleGroup {
  let g = groups.get(key);
  if (!g) groups.set(key, (g = { ...style, circles: [] }));
  return g;
}

/** The shade and radius scales over the models shown. */
function pointScales(points: OverviewPoint[]) {
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  return { grey: greyScale(Math.min(...values), Math.max(...values)), radius: pointRadius(points) };
}

/** Adds one model's circles to the groups of its style (`faded`: over the size limit). */
function addPoint(groups: Map<string, CircleGroup>, p: OverviewPoint, x: number, y: number, grey: (v: number) => string, radius: (params: number) => number, faded: boolean) {
  const s = SCENE_STYLE.point;
  const a = (c: string) => (faded ? withAlpha(c, SCENE_STYLE.faded) : c);
  const tag = faded ? "faded:" : "";
  // Shades in steps of 0.5 %: a few fills for 10,000 models, the same on screen and in files.
  const fill = p.value === null ? null : grey(Math.round(p.value * 200) / 200);
  const r = radius(p.params);
  if (p.screened && fill !== null) {
    // Hollow: the outline at the point's radius, the ring in its shade just inside it.
    const ring = SCENE_STYLE.screened.ring;
    group(groups, `${tag}screened-outline`, { fill: null, stroke: a(s.stroke), lineWidth: s.lineWidth, dash: [] }).circles.push(x, y, r);
    group(groups, `${tag}screened:${fill}`, { fill: a(SCENE_STYLE.screened.centre), stroke: a(fill), lineWidth: ring, dash: [] }).circles.push(x, y, Math.max(1, r - s.lineWidth / 2 - ring / 2));
    return;
  }
  group(groups, tag + (fill ?? "untrained"), { fill: fill && a(fill), stroke: a(s.stroke), lineWidth: s.lineWidth, dash: fill === null ? [...s.untrainedDash] : [] }).circles.push(x, y, r);
}

/** Every shape of the map for these points at these screen positions. */
export function buildScene(input: SceneInput): Scene {
  const { width, height, margin, points, xs, ys, view, axes } = input;
  const grid: SceneLine[] = [];
  const labels: SceneText[] = [];
  if (axes) {
    const b = bounds(points);
    const even = Array.from({ length: 6 }, (_, i) => b.minX + (i * (b.maxX - b.minX || 1)) / 5);
    const integers = Array.from({ length: Math.max(0, Math.ceil(b.maxY) - Math.floor(b.minY) + 1) }, (_, i) => Math.floor(b.minY) + i);
    for (const x of axes.xTicks ?? even) {
      const [sx] = toScreen(view, x, b.minY);
      grid.push({ x1: sx, y1: 0, x2: sx, y2: height - margin + 6 });
      labels.push({ x: sx, y: height - margin + 18, text: axes.xTick(x), align: "center", rotate: false });
    }
    for (const y of axes.yTicks ?? integers) {
      const [, sy] = toScreen(view, b.minX, y);
      grid.push({ x1: margin - 6, y1: sy, x2: width, y2: sy });
      labels.push({ x: margin - 8, y: sy + 4, text: axes.yTick(y), align: "right", rotate: false });
    }
    labels.push({ x: width / 2, y: height - 6, text: axes.x, align: "center", rotate: false });
    labels.push({ x: 11, y: height / 2, text: axes.y, align: "center", rotate: true });
  }

  const index = new Map(points.map((p, i) => [p.id, i]));
  const front: [number, number][] = [];
  for (const id of input.front) {
    const i = index.get(id);
    if (i !== undefined) front.push([xs[i], ys[i]]);
  }

  const { grey, radius } = pointScales(points);
  const groups = new Map<string, CircleGroup>();
  const faded = new Map<string, CircleGroup>();
  for (let i = 0; i < points.length; i++) {
    const [x, y] = [xs[i], ys[i]];
    if (!visible(x, y, width, height)) continue;
    const over = !withinLimit(points[i].params, input.maxParams ?? null);
    addPoint(over ? faded : groups, points[i], x, y, grey, radius, over);
  }
  const mark = inspectedMark(input, radius);
  return {
    width,
    height,
    grid,
    labels,
    front: front.length > 1 ? front : [],
    // Faded models underneath the others.
    groups: [...faded.values(), ...groups.values()],
    inspected: mark && visible(mark.circles[0], mark.circles[1], width, height) ? mark : null,
  };
}

/** The hovered model's lineage, drawn over the map while the hover lasts. */
export interface LineageOverlay {
  /** Parent → hovered model, hovered model → each child. */
  links: SceneLine[];
  /** The family's circles in their own style, redrawn over the veil that dims the rest. */
  groups: CircleGroup[];
  /** Rings on the children (solid) and the parent (dashed). */
  rings: CircleGroup[];
}

/** The overlay for hovering model `hovered`, or null when it has no parent or child on the map. */
export function lineageOverlay(input: Pick<SceneInput, "points" | "xs" | "ys" | "maxParams">, hovered: number): LineageOverlay | null {
  const { points, xs, ys } = input;
  const family = lineage(points, hovered);
  if (!family) return null;
  const { self, parent, children } = family;
  const style = SCENE_STYLE.lineage;
  const link = (a: number, b: number): SceneLine => ({ x1: xs[a], y1: ys[a], x2: xs[b], y2: ys[b] });
  const links = [...(parent >= 0 ? [link(parent, self)] : []), ...children.map((c) => link(self, c))];
  const { grey, radius } = pointScales(points);
  const groups = new Map<string, CircleGroup>();
  const members = parent >= 0 ? [parent, self, ...children] : [self, ...children];
  for (const i of members) addPoint(groups, points[i], xs[i], ys[i], grey, radius, !withinLimit(points[i].params, input.maxParams ?? null));
  const ring = (i: number) => [xs[i], ys[i], radius(points[i].params) + 2];
  const rings: CircleGroup[] = [];
  if (children.length) rings.push({ fill: null, stroke: style.ring, lineWidth: style.ringWidth, dash: [], circles: children.flatMap(ring) });
  if (parent >= 0) rings.push({ fill: null, stroke: style.ring, lineWidth: style.ringWidth, dash: [...style.parentDash], circles: ring(parent) });
  return { links, groups: [...groups.values()], rings };
}

/** What the canvas renderer needs of a 2-D context (a recording stand-in in tests). */
export type SceneContext = Pick<
  CanvasRenderingContext2D,
  "save" | "restore" | "beginPath" | "moveTo" | "lineTo" | "arc" | "stroke" | "fill" | "fillText" | "fillRect" | "setLineDash" | "translate" | "rotate"
> & { strokeStyle: unknown; fillStyle: unknown; lineWidth: number; font: string; textAlign: CanvasTextAlign };

/** Draws circles of one style, shifted by (dx, dy). */
export function drawGroup(ctx: SceneContext, g: CircleGroup, dx = 0, dy = 0): void {
  ctx.beginPath();
  for (let k = 0; k < g.circles.length; k += 3) {
    const [x, y, r] = [g.circles[k] + dx, g.circles[k + 1] + dy, g.circles[k + 2]];
    ctx.moveTo(x + r, y);
    ctx.arc(x, y, r, 0, Math.PI * 2);
  }
  if (g.fill !== null) {
    ctx.fillStyle = g.fill;
    ctx.fill();
  }
  ctx.lineWidth = g.lineWidth;
  ctx.strokeStyle = g.stroke;
  ctx.setLineDash(g.dash);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** Dims the map under a veil, then draws the lineage's links, its models and their rings over it. */
export function drawLineage(ctx: SceneContext, overlay: LineageOverlay, width: number, height: number): void {
  const style = SCENE_STYLE.lineage;
  ctx.save();
  ctx.fillStyle = style.veil;
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = style.link;
  ctx.lineWidth = style.linkWidth;
  for (const l of overlay.links) {
    ctx.beginPath();
    ctx.moveTo(l.x1, l.y1);
    ctx.lineTo(l.x2, l.y2);
    ctx.stroke();
  }
  ctx.restore();
  for (const g of [...overlay.groups, ...overlay.rings]) drawGroup(ctx, g);
}

/** Draws the scene onto a canvas; `withInspected: false` leaves the mark for an overlay. */
export function drawScene(ctx: SceneContext, scene: Scene, withInspected = true): void {
  ctx.save();
  ctx.strokeStyle = SCENE_STYLE.grid;
  ctx.lineWidth = 1;
  for (const l of scene.grid) {
    ctx.beginPath();
    ctx.moveTo(l.x1, l.y1);
    ctx.lineTo(l.x2, l.y2);
    ctx.stroke();
  }
  ctx.fillStyle = SCENE_STYLE.text;
  ctx.font = `${SCENE_STYLE.fontSize}px sans-serif`;
  for (const t of scene.labels) {
    ctx.textAlign = t.align;
    if (t.rotate) {
      ctx.save();
      ctx.translate(t.x, t.y);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(t.text, 0, 0);
      ctx.restore();
    } else {
      ctx.fillText(t.text, t.x, t.y);
    }
  }
  if (scene.front.length) {
    const f = SCENE_STYLE.front;
    ctx.strokeStyle = f.stroke;
    ctx.lineWidth = f.lineWidth;
    ctx.setLineDash([...f.dash]);
    ctx.beginPath();
    scene.front.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.restore();
  for (const g of scene.groups) drawGroup(ctx, g);
  if (withInspected && scene.inspected) drawGroup(ctx, scene.inspected);
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (n: number) => (Math.round(n * 100) / 100).toString();
const anchor = { left: "start", center: "middle", right: "end" } as const;

/** The scene as a standalone SVG document, shape for shape what {@link drawScene} draws. */
export function sceneSvg(scene: Scene): string {
  const { width, height } = scene;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  for (const l of scene.grid) {
    parts.push(`<line x1="${num(l.x1)}" y1="${num(l.y1)}" x2="${num(l.x2)}" y2="${num(l.y2)}" stroke="${SCENE_STYLE.grid}" stroke-width="1"/>`);
  }
  for (const t of scene.labels) {
    const rot = t.rotate ? ` transform="rotate(-90 ${num(t.x)} ${num(t.y)})"` : "";
    parts.push(
      `<text x="${num(t.x)}" y="${num(t.y)}" font-size="${SCENE_STYLE.fontSize}" font-family="sans-serif" fill="${SCENE_STYLE.text}" text-anchor="${anchor[t.align]}"${rot}>${esc(t.text)}</text>`,
    );
  }
  if (scene.front.length) {
    const f = SCENE_STYLE.front;
    parts.push(
      `<polyline points="${scene.front.map(([x, y]) => `${num(x)},${num(y)}`).join(" ")}" fill="none" stroke="${f.stroke}" stroke-width="${f.lineWidth}" stroke-dasharray="${f.dash.join(" ")}"/>`,
    );
  }
  const groups = scene.inspected ? [...scene.groups, scene.inspected] : scene.groups;
  for (const g of groups) {
    const dash = g.dash.length ? ` stroke-dasharray="${g.dash.join(" ")}"` : "";
    for (let k = 0; k < g.circles.length; k += 3) {
      parts.push(
        `<circle cx="${num(g.circles[k])}" cy="${num(g.circles[k + 1])}" r="${num(g.circles[k + 2])}" fill="${g.fill ?? "none"}" stroke="${g.stroke}" stroke-width="${g.lineWidth}"${dash}/>`,
      );
    }
  }
  parts.push("</svg>");
  return parts.join("\n");
}
