// Pure presentation helpers for the panels: mapping the Rust side's facts to points, rows,
// colours, text and files. Nothing here computes a model fact (accuracies, parameter counts,
// layouts, fronts and comparisons all arrive from `api`).
import type { JobStatus, ModelView, Overview, QueueEvent, QueueJob, SessionInfo } from "./api";
import { score, type OverviewPoint } from "./overview";
import { formatAccuracy, formatParams } from "./format";

export type ViewId = "prediction" | "structure" | "size";

export const VIEWS: { id: ViewId; label: string }[] = [
  { id: "prediction", label: "Prediction similarity" },
  { id: "structure", label: "Structural similarity" },
  { id: "size", label: "Accuracy vs. size" },
];

/** Whether a model has a result to show (an untrained model has no accuracy and no place). */
export function isTrained(m: ModelView): boolean {
  return m.val_accuracy !== null;
}

/**
 * The value that sets a model's darkness: its accuracy on `classIndex`, else its score (focus
 * accuracy when `focused`, null for a model to retrain to focus; else validation accuracy).
 */
export function shadeValue(m: ModelView, classIndex: number | null, focused = false): number | null {
  if (classIndex === null) return score(m, focused);
  return m.per_class_accuracy?.[classIndex] ?? null;
}

/**
 * The points of one view, at Rust's coordinates: MDS maps, or x = validation (or focus) accuracy
 * and y = log₁₀(parameters) for the size view. Untrained models are left out; under a focus,
 * models without a focus accuracy are drawn unranked (value null).
 */
export function viewPoints(ov: Overview, view: ViewId, classIndex: number | null): OverviewPoint[] {
  const byId = new Map(ov.models.map((m) => [m.id, m]));
  const focused = ov.focus.length > 0;
  const out: OverviewPoint[] = [];
  const layout = view === "prediction" ? ov.prediction : view === "structure" ? ov.structure : ov.size;
  layout.ids.forEach((id, i) => {
    const m = byId.get(id);
    const c = layout.coords[i];
    if (!m || !c || !isTrained(m)) return;
    out.push({ id, x: c[0], y: c[1], value: shadeValue(m, classIndex, focused), params: m.params, ...(m.screened ? { screened: true } : {}) });
  });
  return out;
}

/** Tick positions for an axis over [lo, hi]: decades (and 2×, 5× when short) on a log₁₀ axis. */
export function axisTicks(lo: number, hi: number, log: boolean): number[] {
  if (!(hi >= lo) || !isFinite(lo) || !isFinite(hi)) return [];
  if (log) {
    const ticks: number[] = [];
    const short = hi - lo < 1.2;
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of short ? [1, 2, 5] : [1]) {
        const t = e + Math.log10(m);
        if (t >= lo - 1e-9 && t <= hi + 1e-9) ticks.push(t);
      }
    }
    return ticks;
  }
  const span = hi - lo || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + 1e-9; t += step) ticks.push(Number(t.toFixed(10)));
  return ticks;
}

/** A log₁₀ tick as a count: 3 → "1k", 4.69897 → "50k", 6 → "1M". */
export function logTickLabel(e: number): string {
  const v = Math.round(10 ** e);
  if (v < 1000) return String(v);
  if (v < 1_000_000) return `${Number((v / 1000).toPrecision(3))}k`;
  return `${Number((v / 1_000_000).toPrecision(3))}M`;
}

// ---------------------------------------------------------------------------------------------
// Drawer table

export type SortKey = "id" | "snac" | "accuracy" | "params";
export type SortDir = "asc" | "desc";

/** Sorts drawer rows by a column (accuracy: focus accuracy when `focused`); missing accuracies go last either way; ties by id. */
export function sortModels(models: ModelView[], key: SortKey, dir: SortDir, focused = false): ModelView[] {
  const value = (m: ModelView): number | null => {
    switch (key) {
      case "id":
        return m.id;
      case "snac":
        return m.snac.layers.length;
      case "accuracy":
        return score(m, focused);
      case "params":
        return m.params;
    }
  };
  const sign = dir === "asc" ? 1 : -1;
  return [...models].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null && vb === null) return a.id - b.id;
    if (va === null) return 1;
    if (vb === null) return -1;
    return va === vb ? a.id - b.id : (va - vb) * sign;
  });
}

/** The next sort state when a column header is clicked. */
export function nextSort(current: { key: SortKey; dir: SortDir }, key: SortKey): { key: SortKey; dir: SortDir } {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: key === "accuracy" ? "desc" : "asc" };
}

// ---------------------------------------------------------------------------------------------
// Export

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The models table as CSV, one row per model, with per-class accuracy columns. */
export function modelsCsv(models: ModelView[], classes: string[]): string {
  const head = ["id", "origin", "parent", "status", "params", "val_accuracy", "train_accuracy", "epochs_done", "epochs", "summary", "changes", ...classes.map((c) => `acc_${c}`)];
  const lines = [head.map(csvCell).join(",")];
  for (const m of models) {
    lines.push(
      [
        m.id, m.origin, m.parent, m.status, m.params, m.val_accuracy, m.train_accuracy, m.epochs_done, m.epochs, m.summary, m.changes.join("; "),
        ...classes.map((_, i) => m.per_class_accuracy?.[i] ?? null),
      ].map(csvCell).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

/** Offers `data` (text or a data URL) as a file download through a temporary link. */
export function download(filename: string, data: string | Blob, type = "text/plain"): void {
  const url = typeof data === "string" && data.startsWith("data:") ? data : URL.createObjectURL(data instanceof Blob ? data : new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (!url.startsWith("data:")) setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---------------------------------------------------------------------------------------------
// Colours

function hex(c: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
}

/** Linear interpolation between two hex colours, t clamped to [0, 1]. */
export function mix(a: string, b: string, t: number): string {
  const u = Math.min(1, Math.max(0, isFinite(t) ? t : 0));
  const ca = hex(a);
  const cb = hex(b);
  const c = ca.map((v, i) => Math.round(v + (cb[i] - v) * u));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export const CONFUSION = { base: "#ffffbf", diagonal: "#b9d6e8", off: "#f9b6a1" };

/**
 * Colours of a confusion matrix (spec §7): the diagonal from #ffffbf to #b9d6e8 by the share of
 * its row, off-diagonal cells from #ffffbf to #f9b6a1 by their share of the row relative to the
 * largest off-diagonal share (so that rare confusions are still visible).
 */
export function confusionColours(matrix: number[][]): string[][] {
  const share = matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
  let maxOff = 0;
  share.forEach((row, i) => row.forEach((v, j) => i !== j && (maxOff = Math.max(maxOff, v))));
  return share.map((row, i) =>
    row.map((v, j) => (i === j ? mix(CONFUSION.base, CONFUSION.diagonal, v) : mix(CONFUSION.base, CONFUSION.off, maxOff > 0 ? v / maxOff : 0))),
  );
}

// ---------------------------------------------------------------------------------------------
// Queue

/** Live progress of a running job, from the queue's batch and epoch events. */
export interface LiveProgress {
  jobId: number;
  /** 1-based epoch in progress. */
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  eta: number | null;
}

/** Applies a batch or epoch event to the live-progress table (a new object; others unchanged). */
export function applyProgress(live: Record<number, LiveProgress>, ev: QueueEvent): Record<number, LiveProgress> {
  if (ev.type === "batch") {
    return { ...live, [ev.job_id]: { jobId: ev.job_id, epoch: ev.epoch, epochs: ev.epochs, batch: ev.batch, batches: ev.batches, eta: ev.eta_seconds } };
  }
  if (ev.type === "epoch") {
    // The epoch is complete: the next one starts with no batches done.
    return { ...live, [ev.job_id]: { jobId: ev.job_id, epoch: ev.metrics.epoch + 1, epochs: ev.epochs, batch: 0, batches: live[ev.job_id]?.batches ?? 1, eta: ev.eta_seconds } };
  }
  if (ev.type === "job" && ev.status !== "running") {
    if (!(ev.job_id in live)) return live;
    const next = { ...live };
    delete next[ev.job_id];
    return next;
  }
  return live;
}

/** Fraction of a job done, in [0, 1]. */
export function progressFraction(p: LiveProgress): number {
  if (p.epochs <= 0) return 0;
  const within = p.batches > 0 ? p.batch / p.batches : 0;
  return Math.min(1, Math.max(0, (p.epoch - 1 + within) / p.epochs));
}

/** Seconds as a short duration: "45 s", "3 min 5 s", "1 h 12 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export const FINISHED: JobStatus[] = ["done", "screened", "failed", "diverged", "cancelled"];

/** "Training: 3 of 50 models trained…" while models wait or train (counts from Rust; several
 * may train at once); null when there is nothing to say. */
export function trainingProgressText(s: SessionInfo): string | null {
  if (!s.models) return "Sampling models…";
  if (s.pending) return `Training: ${s.finished} of ${s.models} models trained…`;
  return null;
}

/** "12 trained (8 screened)", or "12 trained" when screening stopped none. */
export function trainedText(s: Pick<SessionInfo, "trained" | "screened">): string {
  return s.screened ? `${s.trained} trained (${s.screened} screened)` : `${s.trained} trained`;
}

/** The overview's count: "5 of 9 models trained (3 screened)". */
export function trainedOfText(s: Pick<SessionInfo, "trained" | "screened" | "models">): string {
  return `${s.trained} of ${s.models} models trained${s.screened ? ` (${s.screened} screened)` : ""}`;
}

/** The tooltip's epochs of a model: "screened at 3/10 epochs" or "10 / 10". */
export function epochsText(m: Pick<ModelView, "screened" | "epochs_done" | "epochs">): string {
  return m.screened ? `screened at ${m.epochs_done}/${m.epochs} epochs` : `${m.epochs_done} / ${m.epochs}`;
}

/** The Inspector's training line: screened, or trained (part of) its epochs; null untrained. */
export function trainedLine(m: Pick<ModelView, "screened" | "epochs_done" | "epochs" | "val_accuracy">): string | null {
  if (m.screened) return `Trained ${m.epochs_done} of ${m.epochs} epochs — screening stopped it`;
  if (m.val_accuracy === null || m.epochs_done <= 0) return null;
  return `Trained ${m.epochs_done} of ${m.epochs} epochs`;
}

/** The ids of a selection whose models screening stopped (in the selection's order). */
export function screenedIds(ids: number[], models: Map<number, Pick<ModelView, "screened">>): number[] {
  return ids.filter((id) => models.get(id)?.screened === true);
}

/**
 * The legend's ring entry for the screened models shown: "ring: screened — trained 1 or 3 of
 * 10 epochs"; null when none is screened.
 */
export function screenedLegend(models: Pick<ModelView, "screened" | "epochs_done" | "epochs">[]): string | null {
  const byTotal = new Map<number, Set<number>>();
  for (const m of models) {
    if (!m.screened) continue;
    let done = byTotal.get(m.epochs);
    if (!done) byTotal.set(m.epochs, (done = new Set()));
    done.add(m.epochs_done);
  }
  if (!byTotal.size) return null;
  const parts = [...byTotal.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([n, done]) => {
      const k = [...done].sort((a, b) => a - b);
      const list = k.length > 1 ? `${k.slice(0, -1).join(", ")} or ${k[k.length - 1]}` : `${k[0]}`;
      return `${list} of ${n}`;
    });
  return `ring: screened — trained ${parts.join("; ")} epochs`;
}

/** A tooltip line for a model: accuracy, parameters. */
export function modelLine(m: ModelView): string {
  return `${m.val_accuracy === null ? "untrained" : formatAccuracy(m.val_accuracy)} · ${formatParams(m.params)} params`;
}

/** Any thrown value (Tauri rejects with strings) as readable text. */
export function errorText(e: unknown): string {
  if (typeof e === "string") return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === "object" && "message" in e && typeof (e as { message: unknown }).message === "string") return (e as { message: string }).message;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}

/** Signed difference as text: "+1.2k" / "−350" for parameters. */
export function signedParams(d: number): string {
  const s = formatParams(Math.abs(d));
  return d > 0 ? `+${s}` : d < 0 ? `−${s}` : "±0";
}

/** Signed accuracy difference in percentage points: "+2.3 pp". */
export function signedPoints(d: number | null): string {
  if (d === null || !isFinite(d)) return "–";
  const v = (d * 100).toFixed(1);
  return d > 0 ? `+${v} pp` : d < 0 ? `−${v.replace("-", "")} pp` : "±0.0 pp";
}

/**
 * Whether a queue answer is ahead of the overview: it shows a job finished (done, failed, …)
 * that the overview does not show as its model's finished job yet. Applied alone, the Queue tab
 * would say "6 done" while the overview still says "2 of 6 models trained".
 */
export function queueAhead(jobs: QueueJob[], ov: Overview): boolean {
  const byId = new Map(ov.models.map((m) => [m.id, m]));
  return jobs.some((j) => {
    if (!FINISHED.includes(j.status)) return false;
    const m = byId.get(j.model_id);
    if (!m || m.job === null || m.job < j.id) return true;
    return m.job === j.id && m.status !== j.status;
  });
}

/** One signed delta's bar on a shared axis, in percent of the axis' width (zero at 50 %). */
export interface DeltaBar {
  left: number;
  width: number;
}

/**
 * Bars for signed deltas on one shared axis: zero in the middle and ± `extent` at the ends,
 * `extent` being the largest magnitude rounded up to a tidy step (1, 2, 2.5, 5 × 10ᵏ), so bar
 * length is proportional to magnitude (−40 pp draws twice as long as −20 pp).
 */
export function deltaBars(deltas: (number | null)[]): { extent: number; bars: DeltaBar[] } {
  const largest = Math.max(0, ...deltas.map((d) => (d !== null && isFinite(d) ? Math.abs(d) : 0)));
  let extent = 0.01;
  if (largest > 0) {
    const mag = 10 ** Math.floor(Math.log10(largest));
    extent = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => s >= largest * (1 - 1e-9)) ?? largest;
  }
  const bars = deltas.map((d) => {
    const v = d !== null && isFinite(d) ? d : 0;
    const width = (Math.abs(v) / extent) * 50;
    return { left: v < 0 ? 50 - width : 50, width };
  });
  return { extent, bars };
}

/** Dataset strings the Rust side understands, from the welcome form's kind and folder. */
export type DatasetKind = "sketches" | "quickdraw" | "cifar10" | "mnist" | "folder";
export function datasetString(kind: DatasetKind, path: string): string {
  return kind === "sketches" ? "sketches" : `${kind}:${path.trim()}`;
}

/** How a new session screens its sampled and generated models (`NewSessionRequest.screening`). */
export type ScreeningChoice = "halving" | "off";
export const SCREENING_CHOICES: { id: ScreeningChoice; label: string; hint: string }[] = [
  {
    id: "halving",
    label: "Successive halving (fast first map)",
    hint: "Every model trains 1 epoch, the best third 3, the best third of those all epochs; the rest can be trained to the end later.",
  },
  { id: "off", label: "Off: train every model fully (REMAP's protocol)", hint: "Slower to the first map; every model trains all its epochs." },
];

/** The built-in search spaces a new session samples from (Rust's presets, by name). */
export const SPACE_CHOICES: { id: string; label: string; hint: string }[] = [
  { id: "remap-2019", label: "REMAP 2019 (chains)", hint: "REMAP's search space: chains of conv, pool, dense, activation and dropout layers." },
  {
    id: "residual",
    label: "Residual (chains with skip connections)",
    hint: "REMAP's space plus residual blocks: after an activation, often conv → relu → conv added to the activation's output.",
  },
];

/** "face, pear , nose" → ["face", "pear", "nose"]; empty → null (all classes). */
export function parseClasses(text: string): string[] | null {
  const list = text.split(",").map((s) => s.trim()).filter(Boolean);
  return list.length ? list : null;
}
