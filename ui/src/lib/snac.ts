// Visual encoding of SNAC chips (spec §7). Pure presentation: the layers' facts (output shapes,
// tensor sizes, parameters) arrive from Rust; this only maps them to colours and lengths.

/** One hidden layer as the Rust side describes it. */
export interface SnacLayer {
  type: "conv2d" | "maxpool2d" | "avgpool2d" | "dense" | "activation" | "dropout";
  /** `conv2d(k3,f32)` etc., from Rust's Display. */
  text: string;
  /** Output shape `[h, w, c]` or `[n]`. */
  output: number[];
  /** h·w·c (or n) of the output. */
  tensorSize: number;
  params: number;
  function?: "relu" | "tanh" | "sigmoid";
}

/** A model's chain: input shape, hidden layers, classifier head. */
export interface SnacModel {
  input: number[];
  layers: SnacLayer[];
  head: { classes: number; params: number; tensorSize: number };
}

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

/** SVG path of an activation's curve in a unit box (0,0 top-left .. 1,1). */
export function activationGlyph(fn: SnacLayer["function"]): string {
  switch (fn) {
    case "relu":
      return "M0.1 0.8 L0.5 0.8 L0.9 0.2";
    case "tanh": // an S-curve that starts lower (at -1) than the sigmoid's
      return "M0.1 0.9 C0.45 0.9 0.55 0.1 0.9 0.1";
    default: // sigmoid: S-curve from 0 to 1
      return "M0.1 0.75 C0.45 0.75 0.55 0.2 0.9 0.2";
  }
}
