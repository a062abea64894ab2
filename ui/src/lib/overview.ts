// Pure geometry and encodings of the Model Overview (spec §7): colour and radius scales, the
// view transform, hit testing and brushing. Positions, accuracies and parameter counts come
// from Rust; this maps them to pixels.
import type { ModelView } from "./api";
import { formatAccuracy } from "./format";

/** One model on the map. */
export interface OverviewPoint {
  id: number;
  /** Position in data units of the current view (MDS coordinates, or accuracy / log₁₀ params). */
  x: number;
  y: number;
  /** The value that sets darkness (overall or one class's accuracy); null while untrained. */
  value: number | null;
  params: number;
  /** Screening stopped it at a rung: drawn as a ring in its shade rather than a filled disc. */
  screened?: boolean;
  /** The model it was generated from (hovering shows the lineage), if any. */
  parent?: number | null;
}

/** REMAP's four grey stops, light (low accuracy) to dark (high accuracy). */
export const GREY_STOPS = ["#f7f7f7", "#cccccc", "#969696", "#525252"];

function hex(c: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
}

/** Linear colour scale over the grey stops, spread evenly from `lo` to `hi`. */
export function greyScale(lo: number, hi: number): (v: number) => string {
  const stops = GREY_STOPS.map(hex);
  return (v: number) => {
    const t = hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 1;
    const pos = t * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(pos));
    const f = pos - i;
    const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
    return `rgb(${c[0]},${c[1]},${c[2]})`;
  };
}

/** Radius from log parameters, 3 px for the smallest model shown to 7 px for the largest. */
export function radiusScale(minParams: number, maxParams: number): (params: number) => number {
  const lo = Math.log(Math.max(1, minParams));
  const hi = Math.log(Math.max(1, maxParams));
  return (p: number) => (hi > lo ? 3 + (4 * (Math.log(Math.max(1, p)) - lo)) / (hi - lo) : 5);
}

/** Maps data coordinates to the canvas: fit to the data with a margin, then zoom and pan. */
export interface View {
  /** Fit: data → base pixels. */
  sx: number;
  sy: number;
  ox: number;
  oy: number;
  /** Zoom and pan on top of the fit. */
  k: number;
  tx: number;
  ty: number;
}

export interface Bounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export function bounds(points: { x: number; y: number }[]): Bounds {
  let b = { minX: Infinity, maxX: -Infinity, minY: Infinity, maxY: -Infinity };
  for (const p of points) {
    b = { minX: Math.min(b.minX, p.x), maxX: Math.max(b.maxX, p.x), minY: Math.min(b.minY, p.y), maxY: Math.max(b.maxY, p.y) };
  }
  if (!isFinite(b.minX)) return { minX: 0, maxX: 1, minY: 0, maxY: 1 };
  return b;
}

/** How much more one axis of an MDS map may be stretched than the other to fill the canvas. */
export const MAX_ASPECT_STRETCH = 2;

/**
 * The fit of `b` into a `width`×`height` canvas with `margin` pixels; y grows upwards.
 * With `boundedAspect` (the MDS maps) one axis is stretched at most `MAX_ASPECT_STRETCH` times
 * the other: a round cloud of models then fills a wide canvas, while distances along the two
 * axes stay comparable (they would not with independent axes).
 */
export function fitView(b: Bounds, width: number, height: number, margin: number, boundedAspect: boolean): View {
  const w = Math.max(1, width - 2 * margin);
  const h = Math.max(1, height - 2 * margin);
  // An axis without extent (two models on a line, a single model) sets no scale and is centred.
  const dx = b.maxX - b.minX;
  const dy = b.maxY - b.minY;
  let sx = dx > 0 ? w / dx : Infinity;
  let sy = dy > 0 ? h / dy : Infinity;
  if (boundedAspect) {
    const lo = Math.min(sx, sy);
    sx = Math.min(sx, MAX_ASPECT_STRETCH * lo);
    sy = Math.min(sy, MAX_ASPECT_STRETCH * lo);
  }
  if (!isFinite(sx)) sx = 1;
  if (!isFinite(sy)) sy = 1;
  const ox = margin + (w - sx * dx) / 2 - sx * b.minX;
  const oy = margin + (h - sy * dy) / 2 + sy * b.maxY;
  return { sx, sy: -sy, ox, oy, k: 1, tx: 0, ty: 0 };
}

/** Whether two views are the same to a hundredth of a pixel (offsets) and a millionth (scales). */
export function sameView(a: View, b: View): boolean {
  const close = (p: number, q: number, tol: number) => Math.abs(p - q) <= tol;
  return (
    close(a.sx, b.sx, 1e-6 * Math.abs(a.sx)) && close(a.sy, b.sy, 1e-6 * Math.abs(a.sy)) && close(a.k, b.k, 1e-9) &&
    close(a.ox, b.ox, 1e-2) && close(a.oy, b.oy, 1e-2) && close(a.tx, b.tx, 1e-2) && close(a.ty, b.ty, 1e-2)
  );
}

/** The eased fit between `a` (t = 0) and `b` (t = 1); zoom and pan are left at 1×, none. */
export function blendFit(a: View, b: View, t: number): View {
  const e = Math.min(1, Math.max(0, t));
  const ease = e * (2 - e);
  const mix = (p: number, q: number) => p + (q - p) * ease;
  return { sx: mix(a.sx, b.sx), sy: mix(a.sy, b.sy), ox: mix(a.ox, b.ox), oy: mix(a.oy, b.oy), k: 1, tx: 0, ty: 0 };
}

/**
 * The map's fit to its data over time. Each new fit (models arrived, or moved) is reached by an
 * animation from the fit shown at that moment; while the user zooms, pans or brushes, a new fit
 * waits (the picture must not move under the pointer) and is applied once they let go. A first
 * fit or a resized canvas is applied at once.
 */
export class FitAnimator {
  private from: View;
  private to: View;
  private start = -Infinity;
  private waiting: View | null = null;

  constructor(
    initial: View,
    private readonly duration = 450,
  ) {
    this.from = this.to = { ...initial, k: 1, tx: 0, ty: 0 };
  }

  /** The fit to draw with at time `now` (ms). */
  at(now: number): View {
    return blendFit(this.from, this.to, (now - this.start) / this.duration);
  }

  /** Whether an animation is under way at `now`. */
  moving(now: number): boolean {
    return now - this.start < this.duration && !sameView(this.from, this.to);
  }

  /** The fit shown once the current animation ends (a waiting fit not applied). */
  get settled(): View {
    return this.to;
  }

  /** Whether a fit is waiting for the user to stop zooming, panning or brushing. */
  get held(): boolean {
    return this.waiting !== null;
  }

  /**
   * Heads for `fit`: `instant` jumps there (first points, a resized canvas), `held` waits while
   * the user interacts; otherwise it animates from the current fit.
   */
  aim(fit: View, now: number, { instant = false, held = false }: { instant?: boolean; held?: boolean } = {}): void {
    const target = { ...fit, k: 1, tx: 0, ty: 0 };
    if (instant) {
      this.waiting = null;
      this.from = this.to = target;
      this.start = -Infinity;
      return;
    }
    if (held) {
      this.waiting = target;
      return;
    }
    this.waiting = null;
    if (sameView(target, this.to)) return;
    this.from = this.at(now);
    this.to = target;
    this.start = now;
  }

  /** The user let go: a waiting fit starts its animation. Returns whether one did. */
  release(now: number): boolean {
    const waiting = this.waiting;
    if (!waiting) return false;
    this.aim(waiting, now);
    return true;
  }
}

export function toScreen(v: View, x: number, y: number): [number, number] {
  return [(v.ox + v.sx * x) * v.k + v.tx, (v.oy + v.sy * y) * v.k + v.ty];
}

export function toData(v: View, px: number, py: number): [number, number] {
  return [((px - v.tx) / v.k - v.ox) / v.sx, ((py - v.ty) / v.k - v.oy) / v.sy];
}

/** Zooms by `factor` keeping the screen point (px, py) fixed; zoom stays within 1×–64×. */
export function zoomAt(v: View, px: number, py: number, factor: number): View {
  const k = Math.min(64, Math.max(1, v.k * factor));
  const f = k / v.k;
  if (k === 1) return { ...v, k: 1, tx: 0, ty: 0 };
  return { ...v, k, tx: px - (px - v.tx) * f, ty: py - (py - v.ty) * f };
}

/** A uniform grid over screen positions for nearest-point lookups at 10,000+ points. */
export class PointIndex {
  private cells = new Map<number, number[]>();
  constructor(
    private xs: Float64Array,
    private ys: Float64Array,
    private cell = 16,
  ) {
    for (let i = 0; i < xs.length; i++) {
      const key = this.key(Math.floor(xs[i] / cell), Math.floor(ys[i] / cell));
      const list = this.cells.get(key);
      if (list) list.push(i);
      else this.cells.set(key, [i]);
    }
  }

  private key(cx: number, cy: number) {
    return (cx + 32768) * 65536 + (cy + 32768);
  }

  /** Index of the point nearest to (px, py) within `maxDist` pixels, or -1. */
  nearest(px: number, py: number, maxDist: number): number {
    let best = -1;
    let bestD = maxDist * maxDist;
    const r = Math.ceil(maxDist / this.cell);
    const cx = Math.floor(px / this.cell);
    const cy = Math.floor(py / this.cell);
    for (let i = cx - r; i <= cx + r; i++) {
      for (let j = cy - r; j <= cy + r; j++) {
        for (const p of this.cells.get(this.key(i, j)) ?? []) {
          const d = (this.xs[p] - px) ** 2 + (this.ys[p] - py) ** 2;
          if (d <= bestD) {
            bestD = d;
            best = p;
          }
        }
      }
    }
    return best;
  }
}

/** Whether (x, y) lies inside the polygon (even-odd rule); used by the lasso. */
export function insidePolygon(x: number, y: number, poly: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Which edge of the canvas an off-screen point lies beyond, for the edge markers. */
export function offscreenSide(px: number, py: number, width: number, height: number): "left" | "right" | "top" | "bottom" | null {
  if (px < 0) return "left";
  if (px > width) return "right";
  if (py < 0) return "top";
  if (py > height) return "bottom";
  return null;
}

/** A model's family on the map, as indices into the points: itself, its parent (-1 if not shown) and its children. */
export interface Lineage {
  self: number;
  parent: number;
  children: number[];
}

/** The family of model `id` among the points, or null when it is not shown or has no relative on the map. */
export function lineage(points: OverviewPoint[], id: number): Lineage | null {
  const self = points.findIndex((p) => p.id === id);
  if (self < 0) return null;
  const parentId = points[self].parent ?? null;
  let parent = -1;
  const children: number[] = [];
  for (let i = 0; i < points.length; i++) {
    if (i === self) continue;
    if (points[i].parent === id) children.push(i);
    if (points[i].id === parentId) parent = i;
  }
  return parent < 0 && !children.length ? null : { self, parent, children };
}

// The size filter (spec §9.3): a "max parameters" slider on a log scale over the models' range.

/** Positions of the size slider; the last one means no limit. */
export const SIZE_STEPS = 1000;

/** Smallest and largest parameter count of the points, or null when there are none. */
export function paramRange(points: { params: number }[]): [number, number] | null {
  if (!points.length) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) [lo, hi] = [Math.min(lo, p.params), Math.max(hi, p.params)];
  return [lo, hi];
}

/** `v` rounded to two significant digits (limits read as 12k, 1.5M rather than 12,346). */
function roundTwo(v: number): number {
  const unit = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(1, v))) - 1);
  return Math.round(v / unit) * unit;
}

/** The parameter limit at slider position `pos`: log scale from `lo` (position 0) to `hi`; the last position is no limit. */
export function sliderLimit(pos: number, [lo, hi]: [number, number]): number | null {
  if (pos >= SIZE_STEPS) return null;
  if (pos <= 0) return lo;
  const [a, b] = [Math.log(Math.max(1, lo)), Math.log(Math.max(1, hi))];
  return roundTwo(Math.exp(a + ((b - a) * pos) / SIZE_STEPS));
}

/** The slider position showing `limit` (no limit, or one above the range: the last). */
export function sliderPosition(limit: number | null, [lo, hi]: [number, number]): number {
  if (limit === null || limit >= hi) return SIZE_STEPS;
  if (limit <= lo) return 0;
  const [a, b] = [Math.log(Math.max(1, lo)), Math.log(Math.max(1, hi))];
  return Math.min(SIZE_STEPS - 1, Math.round((SIZE_STEPS * (Math.log(limit) - a)) / (b - a)));
}

/** Whether a model of `params` parameters passes the limit (null: no limit). */
export function withinLimit(params: number, limit: number | null): boolean {
  return limit === null || params <= limit;
}

/** How many of the points pass the limit. */
export function countWithin(points: { params: number }[], limit: number | null): number {
  return limit === null ? points.length : points.filter((p) => p.params <= limit).length;
}

/** The limit as its label: "≤ 100k params", or "any size". */
export function limitText(limit: number | null): string {
  if (limit === null) return "any size";
  const n = limit < 1000 ? String(limit) : limit < 1e6 ? `${+(limit / 1000).toFixed(1)}k` : `${+(limit / 1e6).toFixed(1)}M`;
  return `≤ ${n} params`;
}

// Focus classes (spec §9.3). Rust computes each model's focus accuracy, the size view and the
// Pareto front for the focus; the UI only chooses which accuracy to show and rank by.

/**
 * The fewest focus classes that rank by focus accuracy: over one class the arg-max is always
 * right (every model scores 100 %), so a one-class focus shades by that class's accuracy instead.
 */
export const MIN_FOCUS = 2;

/** The classes the overview is fetched and ranked with: the focus, once it has two or more. */
export function rankingFocus(focus: string[]): string[] {
  return focus.length >= MIN_FOCUS ? focus : [];
}

/** The focus after a click on class `name`: shift (`add`) adds or removes it; a plain click makes it the only one, or clears it when it already is. */
export function nextFocus(focus: string[], name: string, add: boolean): string[] {
  if (add) return focus.includes(name) ? focus.filter((c) => c !== name) : [...focus, name];
  return focus.length === 1 && focus[0] === name ? [] : [name];
}

/**
 * What ranks and shades a model: its focus accuracy when `focused` (null when unknown: untrained,
 * or trained before runs kept class probabilities), else its validation accuracy.
 */
export function score(m: Pick<ModelView, "val_accuracy" | "focus_accuracy">, focused: boolean): number | null {
  return focused ? m.focus_accuracy : m.val_accuracy;
}

/** A model's score as text: "93.5%", "retrain to focus", or `missing` when it has none. */
export function scoreText(m: Pick<ModelView, "val_accuracy" | "focus_accuracy" | "retrain_to_focus">, focused: boolean, missing = "–"): string {
  if (focused && m.retrain_to_focus) return "retrain to focus";
  const v = score(m, focused);
  return v === null ? missing : formatAccuracy(v);
}

/** "focus accuracy (cat, bird)". */
export function focusLabel(focus: string[]): string {
  return `focus accuracy (${focus.join(", ")})`;
}
