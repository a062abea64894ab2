// Visual encoding of SNAC chips (spec §7). Pure presentation: the layers' facts (output shapes,
// tensor sizes, parameters) arrive from Rust; this only maps them to colours and lengths.

import type { Snac, SnacArc, SnacLayer } from "./bindings";

export type { SnacArc, SnacLayer } from "./bindings";
/** A model as Rust describes it: input shape, hidden layers, skip arcs, classifier head. */
export type SnacModel = Snac;

export const chipColour: Record<SnacLayer["type"] | "head", string> = {
  conv2d: "#fbb4ae",
  dense: "#b3cde3",
  activation: "#ccebc5",
  dropout: "#decbe4",
  maxpool2d: "#fed9a6",
  avgpool2d: "#fed9a6",
  add: "#e3e3e3",
  concat: "#e3e3e3",
  head: "#b3cde3",
};

export const chipLetter: Record<SnacLayer["type"], string> = {
  conv2d: "C",
  dense: "D",
  maxpool2d: "M",
  avgpool2d: "A",
  dropout: "D",
  activation: "",
  add: "+",
  concat: "‖",
};

/**
 * Chip lengths: a power scale (exponent 0.15) of the output tensor size, from 1× the base
 * length at the model's smallest tensor to 2× at its largest (REMAP's encoding).
 */
export function chipLengths(sizes: number[], base: number): number[] {
  const p = sizes.map((s) => Math.pow(Math.max(s, 1), 0.15));
  const lo = Math.min(...p);
  const hi = Math.max(...p);
  return p.map((v) => (hi > lo ? base * (1 + (v - lo) / (hi - lo)) : base));
}

/** Where an activation glyph is drawn: a box in the chip's own pixels. */
export interface GlyphBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * An activation's glyph in the chip's pixels (no scaling transform, so the stroke width is the
 * on-screen width): a faint zero axis and the function's curve over it, each with its own
 * silhouette so the three stay apart at every size — ReLU flat on the axis then a straight rise
 * with no plateau, sigmoid a small S above the axis (0 to 1), tanh a tall S crossing the axis
 * (−1 to 1, "starting lower").
 */
export function activationGlyph(fn: SnacLayer["function"], box: GlyphBox): { axis: string; curve: string } {
  // Unit coordinates: u in 0..1 left to right, v in -1..1 bottom to top.
  const px = (u: number) => +(box.x + u * box.w).toFixed(2);
  const py = (v: number) => +(box.y + ((1 - v) / 2) * box.h).toFixed(2);
  const p = (u: number, v: number) => `${px(u)} ${py(v)}`;
  const axis = `M${p(0, 0)} L${p(1, 0)}`;
  switch (fn) {
    case "relu":
      return { axis, curve: `M${p(0, 0)} L${p(0.5, 0)} L${p(1, 1)}` };
    case "tanh":
      return { axis, curve: `M${p(0, -1)} L${p(0.2, -1)} C${p(0.5, -1)} ${p(0.5, 1)} ${p(0.8, 1)} L${p(1, 1)}` };
    default: // sigmoid
      return { axis, curve: `M${p(0, 0)} L${p(0.15, 0)} C${p(0.5, 0)} ${p(0.5, 1)} ${p(0.85, 1)} L${p(1, 1)}` };
  }
}

/** The glyph's stroke width in screen pixels for each SNAC size. */
export const glyphStroke = { tooltip: 1.3, row: 1.5, large: 2.25 } as const;

/** One skip drawn over the chips: its path in SVG pixels (y = 0 is the chips' top edge). */
export interface ArcPath {
  from: number | null;
  to: number;
  /** 1 for the lowest arcs; an arc nests above every shorter arc it overlaps. */
  level: number;
  /** Where the arc enters its merge chip, on the chips' top edge. */
  end: number;
  d: string;
}

/**
 * Arcs over the chips (spec §9.4): each leaves the right end of its source chip (the SNAC's
 * left edge for the input) and enters the top of its merge chip. Shorter arcs sit lower and an
 * arc that overlaps one already placed rises a level, so 1–4 skips stay apart; `height` is the
 * room the arcs need above the chips (`rise` pixels per level).
 */
export function arcLayout(arcs: SnacArc[], xs: number[], lengths: number[], rise: number): { paths: ArcPath[]; height: number } {
  const start = (a: SnacArc) => (a.from === null ? 0 : xs[a.from] + lengths[a.from] - 1);
  const end = (a: SnacArc) => xs[a.to] + lengths[a.to] / 2;
  const order = arcs.map((a, i) => ({ a, i })).sort((p, q) => end(p.a) - start(p.a) - (end(q.a) - start(q.a)) || p.i - q.i);
  const placed: { lo: number; hi: number; level: number }[] = [];
  const levels = new Array<number>(arcs.length).fill(1);
  for (const { a, i } of order) {
    const lo = start(a);
    const hi = end(a);
    let level = 1;
    while (placed.some((p) => p.level === level && p.lo < hi && lo < p.hi)) level += 1;
    placed.push({ lo, hi, level });
    levels[i] = level;
  }
  const paths = arcs.map((a, i) => {
    const x1 = +start(a).toFixed(2);
    const x2 = +end(a).toFixed(2);
    // A cubic whose control points sit 4/3 of the peak above the ends peaks at level × rise.
    const c = +((-levels[i] * rise * 4) / 3).toFixed(2);
    return { from: a.from, to: a.to, level: levels[i], end: x2, d: `M${x1} 0 C${x1} ${c} ${x2} ${c} ${x2} 0` };
  });
  const height = arcs.length ? Math.max(...levels) * rise + 2 : 0;
  return { paths, height };
}
