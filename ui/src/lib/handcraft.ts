// The handcrafted editor's pure state: a chain of layers in the architecture format (spec §2),
// edited by add / move / remove / set, with undo and redo. Nothing here decides whether a chain
// is valid or what shapes it gives: that is `api.checkArchitecture`'s verdict.
import type { Grids, Hyperparameter, LayerType } from "./api";

/** One hidden layer as the architecture JSON writes it. */
export type HandLayer = { type: LayerType } & Record<string, number | string>;

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

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Inserts a new layer at `slot` (slot N = before layer N; the layer count = before the head). */
export function addLayer(layers: HandLayer[], type: LayerType, slot: number, grids: Grids): HandLayer[] {
  if (!LAYER_TYPES.includes(type)) return layers;
  const at = clamp(Math.round(slot), 0, layers.length);
  return [...layers.slice(0, at), defaultLayer(type, grids), ...layers.slice(at)];
}

/** Moves layer `from` so that it ends up at index `to` (of the resulting chain). */
export function moveLayer(layers: HandLayer[], from: number, to: number): HandLayer[] {
  if (from < 0 || from >= layers.length) return layers;
  const target = clamp(Math.round(to), 0, layers.length - 1);
  if (target === from) return layers;
  const rest = layers.filter((_, i) => i !== from);
  return [...rest.slice(0, target), layers[from], ...rest.slice(target)];
}

/** The index a layer dragged from `from` takes when dropped at `slot` (slot N = before layer N). */
export function slotToIndex(from: number, slot: number): number {
  return slot > from ? slot - 1 : slot;
}

export function removeLayer(layers: HandLayer[], index: number): HandLayer[] {
  if (index < 0 || index >= layers.length) return layers;
  return layers.filter((_, i) => i !== index);
}

/** Sets one field of one layer (numbers given as text are read as numbers). */
export function setField(layers: HandLayer[], index: number, field: string, value: number | string): HandLayer[] {
  const layer = layers[index];
  if (!layer || !FIELDS[layer.type].includes(field)) return layers;
  const v = typeof value === "string" && field !== "padding" && field !== "function" && value.trim() !== "" && isFinite(Number(value)) ? Number(value) : value;
  if (layer[field] === v) return layers;
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

/**
 * Whether an architecture JSON has skips or merges (spec §9.4). The editor edits chains: its
 * insert, move and remove would have to renumber every `inputs` list, which is Rust's work.
 */
export function isGraph(architecture: unknown): boolean {
  const list = (architecture as { layers?: unknown } | null)?.layers;
  return Array.isArray(list) && list.some((l) => !!l && typeof l === "object" && ("inputs" in l || l.type === "add" || l.type === "concat"));
}

/** The hidden layers of an architecture JSON, with only the fields its type takes. */
export function layersOf(architecture: unknown): HandLayer[] {
  const list = (architecture as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(list)) return [];
  return list
    .filter((l): l is HandLayer => !!l && typeof l === "object" && LAYER_TYPES.includes((l as HandLayer).type))
    .map((l) => {
      const out: HandLayer = { type: l.type };
      for (const f of FIELDS[l.type]) if (l[f] !== undefined) out[f] = l[f];
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
    case "add":
      return "+";
    case "concat":
      return "‖";
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
