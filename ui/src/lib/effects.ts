// The Effects view's arithmetic (spec §9.3): one shared Δ-accuracy axis for every kind of edit,
// symmetric around zero, its scale, the dots' lanes and the rows' texts. The numbers come from Rust.
import type { EditEffect, EffectPoint } from "./api";
import { deltaBars, signedPoints } from "./present";

/**
 * Half the shared axis: the largest |Δ accuracy| of any kind (its points and its spread), rounded
 * up to a tidy step as the drawer's comparison does it (1, 2, 2.5, 5 × 10ᵏ; 1 pp when all are 0).
 */
export function axisExtent(kinds: EditEffect[]): number {
  const values = kinds.flatMap((k) => [...k.points.map((p) => p.delta_accuracy), k.delta_accuracy?.min ?? null, k.delta_accuracy?.max ?? null]);
  return deltaBars(values).extent;
}

/** A linear scale: zero in the middle of `width` px, ±`extent` at `pad` px from the ends. */
export function xScale(extent: number, width: number, pad = 0): (d: number) => number {
  const half = width / 2 - pad;
  return (d) => width / 2 + (d / extent) * half;
}

/**
 * Vertical lanes for dots at `xs` (px), in order: each takes the first lane (0, −1, 1, −2, 2, …,
 * up to ±`max`) with no earlier dot closer than `gap` px; when all are taken, lanes repeat.
 */
export function lanes(xs: number[], gap: number, max = 2): number[] {
  const order = [0, ...Array.from({ length: max }, (_, i) => [-(i + 1), i + 1]).flat()];
  const placed: { x: number; lane: number }[] = [];
  return xs.map((x, i) => {
    const lane = order.find((l) => !placed.some((p) => p.lane === l && Math.abs(p.x - x) < gap)) ?? order[i % order.length];
    placed.push({ x, lane });
    return lane;
  });
}

/** Signed compact parameters: "−12k", "+4.5k", "+350", "+1.2M", "±0". */
export function compactParams(d: number): string {
  const a = Math.abs(d);
  const tidy = (v: number) => (v < 10 ? v.toFixed(1).replace(/\.0$/, "") : String(Math.round(v)));
  const body = a < 1000 ? String(Math.round(a)) : a < 1_000_000 ? `${tidy(a / 1000)}k` : `${tidy(a / 1_000_000)}M`;
  return body === "0" ? "±0" : d > 0 ? `+${body}` : `−${body}`;
}

/** An axis tick in percentage points, signed: "−5", "0", "+2.5". */
export function ppTick(d: number): string {
  const v = String(Number((Math.abs(d) * 100).toFixed(2)));
  return d > 0 ? `+${v}` : d < 0 ? `−${v}` : "0";
}

/** "5 children" and, when fewer were compared with their parent, "· 3 compared". */
export function countText(k: Pick<EditEffect, "count" | "compared">): string {
  const n = `${k.count} ${k.count === 1 ? "child" : "children"}`;
  return k.compared < k.count ? `${n} · ${k.compared} compared` : n;
}

/** "3 of 5 improved" (of the compared children), or why there is no share yet. */
export function improvedText(k: Pick<EditEffect, "compared" | "improved">): string {
  if (!k.compared || k.improved === null) return "none compared yet";
  return `${Math.round(k.improved * k.compared)} of ${k.compared} improved`;
}

/** A dot's tooltip: "model #12 (parent #3): +2.1 pp, +4,512 params". */
export function pointTitle(p: EffectPoint): string {
  const params = `${p.delta_params > 0 ? "+" : p.delta_params < 0 ? "−" : "±"}${Math.abs(Math.round(p.delta_params)).toLocaleString()}`;
  return `model #${p.model} (parent #${p.parent}): ${signedPoints(p.delta_accuracy)}, ${params} params`;
}
