// Visual encoding of SNAC chips (spec §7). Pure presentation: the layers' facts (output shapes,
// tensor sizes, parameters) arrive from Rust; this only maps them to colours and lengths.

import type { Snac, SnacLayer } from "./bindings";

export type { SnacLayer } from "./bindings";
/** A model's chain as Rust describes it: input shape, hidden layers, classifier head. */
export type SnacModel = Snac;

export const chipColour: Record<SnacLayer["type"] | "head", string> = {
  conv2d: "#fbb4ae",
  dense: "#b3cde3",
  activation: "#ccebc5",
  dropout: "#decbe4",
  maxpool2d: "#fed9a6",
  avgpool2d: "#fed9a6",
  head: "#b3cde3",
};

export const chipLetter: Record<SnacLayer["type"], string> = {
  conv2d: "C",
  dense: "D",
  maxpool2d: "M",
  avgpool2d: "A",
  dropout: "D",
  activation: "",
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
