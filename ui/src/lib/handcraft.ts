// The handcrafted editor's pure state: the layers of a net in the architecture format (spec §2,
// §9.4), with undo and redo. Inserting, moving and removing layers and drawing skips renumber
// `inputs`, so Rust makes those edits (`api.editArchitecture`); whether a net is valid and what
// shapes it gives is `api.checkArchitecture`'s verdict. Only a layer's own fields change here.
import type { Grids, Hyperparameter, LayerType } from "./api";

/** Where a layer reads from: an earlier layer's index, or the image. */
export type Source = number | "input";

/** One hidden layer as the architecture JSON writes it: its type, its fields and, when it
 * reads something other than the layer before it, its `inputs`. */
export interface HandLayer {
  type: LayerType;
  inputs?: Source[];
  [field: string]: number | string | Source[] | undefined;
}

/** A field's value (`undefined` for one the layer lacks). */
export function fieldValue(layer: HandLayer, field: string): number | string | undefined {
  const v = layer[field];
  return typeof v === "number" || typeof v === "string" ? v : undefined;
}

/** The editable fields of each layer type, in display order. */
export const FIELDS: Record<LayerType, string[]> = {
  conv2d: ["filters", "kernel", "stride", "padding"],
  maxpool2d: ["size", "stride"],
  avgpool2d: ["size", "stride"],
  dense: ["units"],
  activation: ["function"],
  dropout: ["rate"],
  // Merges have no fields; what they read is their `inputs`.
  add: [],
  concat: [],
};

export const LAYER_TYPES: LayerType[] = ["conv2d", "maxpool2d", "avgpool2d", "dense", "activation", "dropout"];

export const LAYER_LABEL: Record<LayerType, string> = {
  conv2d: "Conv 2D",
  maxpool2d: "Max pool",
  avgpool2d: "Avg pool",
  dense: "Dense",
  activation: "Activation",
  dropout: "Dropout",
  add: "Add (skip)",
  concat: "Concat",
};

/** Values offered when the search space has no grid for a field (padding is not sampled). */
const EXTRA: Record<string, (number | string)[]> = { padding: ["valid", "same"] };

/** Starting values when no grid is known (the search space failed to load). */
const FALLBACK: Record<string, number | string> = { filters: 32, kernel: 3, padding: "valid", size: 2, units: 64, function: "relu", rate: 0.5 };

/** The values a field may take in the editor: its grid (plus the current value when off-grid). */
export function fieldOptions(grids: Grids, type: LayerType, field: string, current?: number | string): (number | string)[] {
  const grid = grids[type]?.[field as Hyperparameter] ?? EXTRA[field] ?? [];
  const list = [...grid];
  if (current !== undefined && !list.includes(current)) list.push(current);
  return list;
}

/** A new layer of `type`, each field at the middle value of its grid. */
export function defaultLayer(type: LayerType, grids: Grids): HandLayer {
  const layer: HandLayer = { type };
  for (const field of FIELDS[type]) {
    const grid = fieldOptions(grids, type, field);
    layer[field] = grid.length ? grid[Math.floor((grid.length - 1) / 2)] : field === "stride" ? (type === "conv2d" ? 1 : 2) : FALLBACK[field];
  }
  return layer;
}

/** The index a layer dragged from `from` takes when dropped at `slot` (slot N = before layer N). */
export function slotToIndex(from: number, slot: number): number {
  return slot > from ? slot - 1 : slot;
}

/** Sets one field of one layer (numbers given as text are read as numbers). */
export function setField(layers: HandLayer[], index: number, field: string, value: number | string): HandLayer[] {
  const layer = layers[index];
  if (!layer || !FIELDS[layer.type].includes(field)) return layers;
  const v = typeof value === "string" && field !== "padding" && field !== "function" && value.trim() !== "" && isFinite(Number(value)) ? Number(value) : value;
  if (fieldValue(layer, field) === v) return layers;
  return layers.map((l, i) => (i === index ? { ...l, [field]: v } : l));
}

/** Input shape and classes of an architecture (from the inspected model). */
export interface ArchBase {
  input: { height: number; width: number; channels: number };
  classes: number;
}

export function archBase(architecture: unknown): ArchBase | null {
  const a = architecture as Partial<ArchBase> | null;
  if (!a || typeof a !== "object" || !a.input || typeof a.classes !== "number") return null;
  return { input: { ...a.input }, classes: a.classes };
}

/** The hidden layers of an architecture JSON (merges and `inputs` included), each with only
 * the fields its type takes. */
export function layersOf(architecture: unknown): HandLayer[] {
  const list = (architecture as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(list)) return [];
  return list
    .filter((l): l is HandLayer => !!l && typeof l === "object" && (l as HandLayer).type in FIELDS)
    .map((l) => {
      const out: HandLayer = { type: l.type };
      for (const f of FIELDS[l.type]) if (l[f] !== undefined) out[f] = l[f];
      if (Array.isArray(l.inputs)) out.inputs = [...l.inputs];
      return out;
    });
}

export function toArchitecture(base: ArchBase, layers: HandLayer[]) {
  return { input: base.input, classes: base.classes, layers };
}

/** A chip's short text: `conv2d(k3,f32)`-like, for labels only. */
export function layerText(l: HandLayer): string {
  switch (l.type) {
    case "conv2d":
      return `k${l.kernel} f${l.filters}${Number(l.stride) !== 1 ? ` s${l.stride}` : ""}${l.padding === "same" ? " same" : ""}`;
    case "maxpool2d":
    case "avgpool2d":
      return `${l.size}${Number(l.stride) !== 2 ? ` s${l.stride}` : ""}`;
    case "dense":
      return String(l.units);
    case "activation":
      return String(l.function);
    case "dropout":
      return String(l.rate);
    // A merge's text is what it joins, as the JSON lists it: `3 + 1`, `2 ‖ input`.
    case "add":
      return (l.inputs ?? []).join(" + ");
    case "concat":
      return (l.inputs ?? []).join(" ‖ ");
  }
}

// ---------------------------------------------------------------------------------------------
// Undo / redo

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

export const LIMIT = 200;

export function history<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new present; the old one can be undone to. An unchanged value records nothing. */
export function record<T>(h: History<T>, next: T): History<T> {
  if (next === h.present) return h;
  return { past: [...h.past, h.present].slice(-LIMIT), present: next, future: [] };
}

export function undo<T>(h: History<T>): History<T> {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] };
}

export function redo<T>(h: History<T>): History<T> {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) };
}
