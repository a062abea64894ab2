// Small hand-made api answers for component tests.
import type { ArchitectureEdit, ModelView, Overview, SessionInfo } from "../lib/api";
import type { SnacModel } from "../lib/snac";

export function snac(layers = 2): SnacModel {
  const all: SnacModel["layers"] = [
    { type: "conv2d", text: "conv2d(k3,f16)", output: [26, 26, 16], tensor_size: 10816, params: 160, share: 0 },
    { type: "activation", text: "activation(relu)", output: [26, 26, 16], tensor_size: 10816, params: 0, share: 0, function: "relu" },
    { type: "maxpool2d", text: "maxpool2d(2)", output: [13, 13, 16], tensor_size: 2704, params: 0, share: 0 },
    { type: "dense", text: "dense(64)", output: [64], tensor_size: 64, params: 173120, share: 0 },
  ];
  // Shares as Rust gives them: of the chosen layers and the head together.
  const chosen = all.slice(0, layers);
  const head = { classes: 3, params: 650, share: 0, tensor_size: 3 };
  const total = chosen.reduce((n, l) => n + l.params, head.params);
  return { input: [28, 28, 1], layers: chosen.map((l) => ({ ...l, share: l.params / total })), arcs: [], head: { ...head, share: head.params / total } };
}

export const CLASSES = ["face", "pear", "nose"];

export function session(over: Partial<SessionInfo> = {}): SessionInfo {
  return { id: 1, name: "Sketches", dataset: "sketches", classes: CLASSES, models: 3, trained: 3, screened: 0, finished: 3, pending: 0, best: null, seed: 123456, budget: null, focus: [], created_at: 0, ...over };
}

export function model(id: number, over: Partial<ModelView> = {}): ModelView {
  return {
    id, hash: `h${id}`, origin: "sampled", parent: null, changes: [], params: 1000 * id, summary: "", architecture: {},
    snac: snac(2), job: id, status: "done", epochs: 10, epochs_done: 10, screened: false, val_accuracy: 0.5 + id / 100, train_accuracy: 0.6,
    per_class_accuracy: [0.9, 0.5, 0.1], focus_accuracy: null, retrain_to_focus: false, ...over,
  };
}

export function overview(models: ModelView[], over: Partial<Overview> = {}): Overview {
  const trained = models.filter((m) => m.val_accuracy !== null);
  return {
    session: session({
      models: models.length,
      trained: trained.length,
      screened: trained.filter((m) => m.screened).length,
      finished: models.filter((m) => m.status !== null && !["queued", "running"].includes(m.status)).length,
      pending: models.filter((m) => m.status === "queued" || m.status === "running").length,
    }),
    focus: [],
    models,
    prediction: { view: "prediction", ids: trained.map((m) => m.id), coords: trained.map((m, i) => [i, i * 0.5]), stress: 0.1 },
    structure: { view: "structure", ids: trained.map((m) => m.id), coords: trained.map((m, i) => [-i, i]), stress: 0.2 },
    size: { view: "size", ids: trained.map((m) => m.id), coords: trained.map((m) => [m.val_accuracy!, Math.log10(m.params)]), stress: 0 },
    pareto: trained.map((m) => m.id),
    ...over,
  };
}

type Net = { input: unknown; classes: number; layers: unknown[] };

/**
 * What Rust's `edit_architecture` gives for the chain edits (insert, move, remove), for the
 * editor's tests: skips and their renumbering are tested in Rust (`remap-architecture`).
 */
export function editChain({ architecture, edit }: { architecture: Net; edit: ArchitectureEdit }): Net {
  const layers = [...architecture.layers];
  switch (edit.op) {
    case "insert":
      layers.splice(edit.at, 0, edit.layer);
      break;
    case "move":
      layers.splice(edit.to, 0, ...layers.splice(edit.from, 1));
      break;
    case "remove":
      layers.splice(edit.at, 1);
      break;
    default:
      throw new Error(`editChain does not draw skips (${edit.op})`);
  }
  return { ...architecture, layers };
}
