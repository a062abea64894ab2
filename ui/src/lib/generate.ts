// Pure helpers of the Generate tab: selecting layers and the gaps between them on a SNAC, and
// turning that selection and the per-position toggles into Rust's requests. Which children
// result (and whether they are valid) is decided by Rust.
import type { AblationRequest, Grids, HValue, Hyperparameter, LayerType, Operation, Restriction, VariationRequest } from "./api";
import { LAYER_TYPES } from "./handcraft";

/** `L3` = hidden layer 3; `G3` = the gap before layer 3 (`G{n}` = the slot before the head). */
export type SelKey = `L${number}` | `G${number}`;

/** Every variation operation; `skip` adds an `add` of the layer before and an earlier layer of
 * the same shape (spec §9.4), where the parent has skips or the search space samples them. */
export const OPERATIONS: Operation[] = ["insert", "remove", "replace", "reparametrize", "skip"];

/** Selectable items left to right: G0 L0 G1 L1 … L(n−1) Gn. */
export function selectionItems(layers: number): SelKey[] {
  const out: SelKey[] = [];
  for (let i = 0; i < layers; i++) out.push(`G${i}`, `L${i}`);
  out.push(`G${layers}`);
  return out;
}

/** The items from `a` to `b` inclusive, in chain order. */
export function rangeKeys(layers: number, a: SelKey, b: SelKey): SelKey[] {
  const items = selectionItems(layers);
  const i = items.indexOf(a);
  const j = items.indexOf(b);
  if (i < 0 || j < 0) return [];
  return items.slice(Math.min(i, j), Math.max(i, j) + 1);
}

export interface Selection {
  keys: SelKey[];
  /** Where a shift-click extends from. */
  anchor: SelKey | null;
}

/** A click: selects one item; shift extends from the anchor; ctrl/⌘ toggles one. */
export function clickSelect(sel: Selection, key: SelKey, layers: number, mods: { shift?: boolean; toggle?: boolean } = {}): Selection {
  if (mods.shift && sel.anchor) return { keys: sortKeys(rangeKeys(layers, sel.anchor, key), layers), anchor: sel.anchor };
  if (mods.toggle) {
    const keys = sel.keys.includes(key) ? sel.keys.filter((k) => k !== key) : sortKeys([...sel.keys, key], layers);
    return { keys, anchor: key };
  }
  if (sel.keys.length === 1 && sel.keys[0] === key) return { keys: [], anchor: null };
  return { keys: [key], anchor: key };
}

export function sortKeys(keys: SelKey[], layers: number): SelKey[] {
  const items = selectionItems(layers);
  return [...new Set(keys)].filter((k) => items.includes(k)).sort((a, b) => items.indexOf(a) - items.indexOf(b));
}

const index = (k: SelKey) => Number(k.slice(1));

/** Ablation request: the selected hidden layers, or null (= every hidden layer) when none. */
export function ablationRequest(keys: SelKey[], maxParams: number | null = null): AblationRequest {
  const layers = keys.filter((k) => k[0] === "L").map(index).sort((a, b) => a - b);
  return { layers: layers.length ? layers : null, max_params: maxParams };
}

/** Positions of the parent that may change, from the selection (sorted, unique). */
export function positions(keys: SelKey[]): number[] {
  return [...new Set(keys.map(index))].sort((a, b) => a - b);
}

/** What may be done at a position given what is selected there: a layer allows all four, a gap inserts. */
export function possibleOps(keys: SelKey[], position: number): Operation[] {
  if (keys.includes(`L${position}`)) return OPERATIONS;
  if (keys.includes(`G${position}`)) return ["insert", "skip"];
  return [];
}

/** A position's toggles in the Variations form. */
export interface PositionOptions {
  ops: Operation[];
  types: LayerType[];
  values: Partial<Record<Hyperparameter, HValue[]>>;
}

export function defaultOptions(): PositionOptions {
  return { ops: [...OPERATIONS], types: [...LAYER_TYPES], values: {} };
}

/** Every grid value per hyperparameter (over all layer types), numbers ascending. */
export function gridValues(grids: Grids): Partial<Record<Hyperparameter, HValue[]>> {
  const out: Partial<Record<Hyperparameter, HValue[]>> = {};
  for (const perType of Object.values(grids)) {
    for (const [hp, values] of Object.entries(perType ?? {}) as [Hyperparameter, HValue[]][]) {
      const list = (out[hp] ??= []);
      for (const v of values) if (!list.includes(v)) list.push(v);
    }
  }
  for (const list of Object.values(out)) list!.sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : 0));
  return out;
}

/** The restriction of one position: only what narrows the defaults is written. */
export function restrictionFor(opts: PositionOptions, possible: Operation[], all: Partial<Record<Hyperparameter, HValue[]>>): Restriction {
  const r: Restriction = {};
  const ops = OPERATIONS.filter((o) => possible.includes(o) && opts.ops.includes(o));
  if (ops.length !== OPERATIONS.length) r.ops = ops;
  const types = LAYER_TYPES.filter((t) => opts.types.includes(t));
  if (types.length !== LAYER_TYPES.length) r.types = types;
  const values: Restriction["values"] = {};
  for (const [hp, chosen] of Object.entries(opts.values) as [Hyperparameter, HValue[]][]) {
    const grid = all[hp] ?? [];
    const kept = grid.filter((v) => chosen.includes(v));
    if (kept.length < grid.length) values[hp] = kept;
  }
  if (Object.keys(values).length) r.values = values;
  return r;
}

export interface VariationForm {
  keys: SelKey[];
  options: Record<number, PositionOptions>;
  grids: Grids;
  count: number;
  maxChanges: number;
  seed: number;
  maxParams: number | null;
}

/** The variation request of a form: no selection lets every position change freely. */
export function variationRequest(f: VariationForm): VariationRequest {
  const req: VariationRequest = { count: f.count, max_changes: f.maxChanges, seed: f.seed, layers: null, max_params: f.maxParams };
  const pos = positions(f.keys);
  if (!pos.length) return req;
  const all = gridValues(f.grids);
  req.layers = pos;
  req.per_layer = {};
  for (const p of pos) req.per_layer[p] = restrictionFor(f.options[p] ?? defaultOptions(), possibleOps(f.keys, p), all);
  return req;
}

/** A fresh random seed (below 2⁵³ so it survives JSON). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

/** A budget field's value: a positive whole number, or null (no budget). */
export function parseBudget(text: string | number | null | undefined): number | null {
  if (text === null || text === undefined || text === "") return null;
  const n = Math.floor(Number(text));
  return isFinite(n) && n > 0 ? n : null;
}
