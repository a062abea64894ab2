// Every call from the UI to Rust goes through this module, typed once. The types mirror the
// serde types of `src-tauri` and `plugins/session/tauri` (camelCase), except queue events,
// which are the store's `QueueEvent` as is (snake_case fields).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { SnacModel } from "./snac";

/** A major dependency the About dialog credits (`version` is null for system libraries). */
export interface Credit {
  name: string;
  version: string | null;
  purpose: string;
  licence: string;
}

/** What the app knows about itself (version, where user data lives, training device, credits). */
export interface AppInfo {
  version: string;
  dataDir: string;
  device: string;
  licence: string;
  credits: Credit[];
}

/** One layer's output shape and parameter count, as the Rust architecture crate infers them. */
export interface LayerReport {
  type: string;
  output: number[];
  params: number;
}

/** The Rust side's verdict on an architecture: shapes and parameters, or why it is invalid. */
export type ArchitectureCheck =
  | { valid: true; params: number; hash: string; summary: string; layers: LayerReport[] }
  | { valid: false; error: string; layer: number | null };

export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled" | "diverged";
export type Origin = "sampled" | "ablation" | "variation" | "handcrafted";

/** A session as the session list shows it. */
export interface SessionInfo {
  id: number;
  name: string;
  /** `sketches`, `quickdraw:DIR`, `cifar10:DIR`, `mnist:DIR`, `folder:DIR`. */
  dataset: string;
  classes: string[];
  models: number;
  /** Models with a finished training run. */
  trained: number;
  /** Models whose job has ended (done, failed, diverged or cancelled). */
  finished: number;
  /** Models queued or training now. */
  pending: number;
  createdAt: number;
}

/** What "new session" sends. Unset options take REMAP's defaults. */
export interface NewSessionRequest {
  name: string;
  dataset: string;
  models?: number;
  epochs?: number;
  seed?: number;
  classes?: string[] | null;
  /** Generated sketches per class (sketches only). */
  perClass?: number | null;
  /** First N images per class (every data set). */
  limit?: number | null;
}

/** One model of a session with its latest job and result. */
export interface ModelView {
  id: number;
  hash: string;
  origin: Origin;
  parent: number | null;
  /** Change texts relative to the parent (e.g. "removed conv2d(k3,f32) at 2"). */
  changes: string[];
  params: number;
  summary: string;
  /** The architecture JSON (spec §2). */
  architecture: unknown;
  snac: SnacModel;
  job: number | null;
  status: JobStatus | null;
  epochs: number;
  epochsDone: number;
  valAccuracy: number | null;
  trainAccuracy: number | null;
  /** Held-out accuracy per class (label order) once trained. */
  perClassAccuracy: number[] | null;
}

/** A 2-D layout of the trained models of a session (only models with results are placed). */
export interface OverviewLayout {
  /** size: x = validation accuracy, y = log₁₀ parameters (spec §6.3). */
  view: "prediction" | "structure" | "size";
  ids: number[];
  coords: [number, number][];
  stress: number;
}

/** Everything the Overview needs at once. */
export interface Overview {
  session: SessionInfo;
  models: ModelView[];
  prediction: OverviewLayout;
  structure: OverviewLayout;
  size: OverviewLayout;
  /** Ids on the Pareto front of accuracy vs. parameters, by increasing parameters. */
  pareto: number[];
}

/** One epoch's metrics, as the store keeps them (snake_case, like the queue events). */
export interface EpochMetrics {
  epoch: number;
  train_loss: number;
  train_accuracy: number;
  val_loss: number;
  val_accuracy: number;
  seconds: number;
}

/** The Model Inspector's facts about one model. */
export interface ModelDetail {
  model: ModelView;
  parent: ModelView | null;
  classes: string[];
  epochs: EpochMetrics[];
  /** confusion[true][predicted] counts on the held-out images. */
  confusion: number[][] | null;
  /** Validation accuracy per log₁₀ parameters (computed in Rust), once trained. */
  accuracyPerLogParams: number | null;
  device: string | null;
  error: string | null;
}

/** A few held-out images of one class, as `data:image/png;base64,…` URLs. */
export interface ClassSamples {
  name: string;
  images: string[];
}

/** One aligned row of a layer-by-layer comparison (Rust aligns the chains). */
export interface ComparedLayer {
  kind: "same" | "changed" | "inserted" | "removed";
  /** Index of the layer in model a / b (null where the other side has a gap). */
  a: number | null;
  b: number | null;
}

/** Two models side by side: aligned layers and what changed. */
export interface Comparison {
  a: ModelView;
  b: ModelView;
  rows: ComparedLayer[];
  /** b − a. */
  deltaParams: number;
  deltaAccuracy: number | null;
  deltaPerClass: (number | null)[];
  classes: string[];
}

/** A queue job with its model, for the Queue tab. */
export interface QueueJob {
  id: number;
  modelId: number;
  position: number;
  status: JobStatus;
  epochs: number;
  epochsDone: number;
  progress: EpochMetrics[];
  error: string | null;
}

/** The store's queue events, as Rust sends them on `remap://queue` (snake_case). */
export type QueueEvent =
  | { type: "job"; job_id: number; session_id: number; model_id: number; status: JobStatus; error: string | null }
  | { type: "reordered"; session_id: number }
  | {
      type: "epoch";
      job_id: number;
      metrics: EpochMetrics;
      epochs: number;
      eta_seconds: number | null;
    }
  | { type: "batch"; job_id: number; epoch: number; epochs: number; batch: number; batches: number; eta_seconds: number | null }
  | { type: "paused" }
  | { type: "resumed" }
  | { type: "idle" };

/** Which layers to ablate (`layers: null` = every hidden layer). */
export interface AblationRequest {
  layers?: number[] | null;
  max_params?: number | null;
}

export type Operation = "insert" | "remove" | "replace" | "reparametrize";
export type LayerType = "conv2d" | "maxpool2d" | "avgpool2d" | "dense" | "activation" | "dropout";
export type Hyperparameter = "kernel" | "filters" | "size" | "stride" | "units" | "function" | "rate";

/** What may change at a position; absent fields allow everything. */
export interface Restriction {
  ops?: Operation[] | null;
  types?: LayerType[] | null;
  /** Allowed values per hyperparameter (numbers, or activation names for `function`). */
  values?: Partial<Record<Hyperparameter, (number | string)[]>>;
}

/** REMAP's variation request (Rust's field names). */
export interface VariationRequest {
  count: number;
  max_changes: number;
  seed: number;
  /** Positions that may change: hidden-layer indices, plus the layer count for "before the head". */
  layers?: number[] | null;
  restriction?: Restriction;
  /** Per-position restrictions, keyed by parent layer index. */
  per_layer?: Record<number, Restriction>;
  max_params?: number | null;
}

export interface Skipped {
  layer: number | null;
  reason: string;
}

/** A generated child before it is stored. */
export interface ChildPreview {
  architecture: unknown;
  snac: SnacModel;
  params: number;
  hash: string;
  changes: string[];
  deltaParams: number;
}

export interface GenerationPreview {
  children: ChildPreview[];
  skipped: Skipped[];
  droppedOverBudget: number;
}

export interface Queued {
  models: number[];
  skipped: Skipped[];
  droppedOverBudget: number;
}

/** A handcrafted architecture saved by name (shared by all sessions). */
export interface Template {
  name: string;
  architecture: unknown;
  updated_at: number;
}

export interface QueueState {
  paused: boolean;
  running: number[];
}

/** Grid values per layer type and hyperparameter (`plugins/sampling/src/space.rs`, `Grids`). */
export type Grids = Partial<Record<LayerType, Partial<Record<Hyperparameter, (number | string)[]>>>>;

/** A search space as the sampling plugin serialises it (grids and the two transition tables). */
export interface SearchSpace {
  name: string;
  grids: Grids;
  pre_dense: Record<string, string[]>;
  post_dense: Record<string, string[]>;
}

/** One file an export wrote. */
export interface WrittenFile {
  format: string;
  path: string;
  bytes: number;
}

export const EXPORT_FORMATS = ["json", "safetensors", "onnx", "pytorch", "card"] as const;

const S = "plugin:remap-session|";

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  checkArchitecture: (json: string) => invoke<ArchitectureCheck>("check_architecture", { json }),

  sessions: () => invoke<SessionInfo[]>(`${S}sessions`),
  createSession: (request: NewSessionRequest) => invoke<SessionInfo>(`${S}create_session`, { request }),
  renameSession: (id: number, name: string) => invoke<SessionInfo>(`${S}rename_session`, { id, name }),
  deleteSession: (id: number) => invoke<void>(`${S}delete_session`, { id }),
  /** The session the app showed last (null on first launch). */
  lastSession: () => invoke<SessionInfo | null>(`${S}last_session`),
  overview: (sessionId: number) => invoke<Overview>(`${S}overview`, { sessionId }),
  modelDetail: (modelId: number) => invoke<ModelDetail>(`${S}model_detail`, { modelId }),
  classSamples: (sessionId: number, perClass: number) =>
    invoke<ClassSamples[]>(`${S}class_samples`, { sessionId, perClass }),
  drawer: (sessionId: number) => invoke<number[]>(`${S}drawer`, { sessionId }),
  addToDrawer: (modelIds: number[]) => invoke<void>(`${S}add_to_drawer`, { modelIds }),
  removeFromDrawer: (modelId: number) => invoke<void>(`${S}remove_from_drawer`, { modelId }),
  compare: (a: number, b: number) => invoke<Comparison>(`${S}compare`, { a, b }),
  queue: (sessionId: number) => invoke<QueueJob[]>(`${S}queue`, { sessionId }),
  previewAblations: (modelId: number, request: AblationRequest) =>
    invoke<GenerationPreview>(`${S}preview_ablations_of`, { modelId, request }),
  queueAblations: (modelId: number, request: AblationRequest) =>
    invoke<Queued>(`${S}queue_ablations`, { modelId, request }),
  previewVariations: (modelId: number, request: VariationRequest) =>
    invoke<GenerationPreview>(`${S}preview_variations_of`, { modelId, request }),
  queueVariations: (modelId: number, request: VariationRequest) =>
    invoke<Queued>(`${S}queue_variations`, { modelId, request }),
  /** Stores and queues a handcrafted architecture; resolves to its model id. */
  queueHandcrafted: (sessionId: number, architecture: unknown, parent: number | null, epochs: number | null = null) =>
    invoke<number>(`${S}queue_handcrafted`, { sessionId, architecture, parent, epochs }),
  templates: () => invoke<Template[]>(`${S}templates`),
  saveTemplate: (name: string, architecture: unknown) => invoke<Template>(`${S}save_template`, { name, architecture }),
  deleteTemplate: (name: string) => invoke<void>(`${S}delete_template`, { name }),
  queueStatus: () => invoke<QueueState>(`${S}queue_status`),
  moveJob: (jobId: number, index: number) => invoke<void>(`${S}move_job`, { jobId, index }),
  cancelJob: (jobId: number) => invoke<JobStatus>(`${S}cancel_job`, { jobId }),
  retryJob: (jobId: number) => invoke<void>(`${S}retry_job`, { jobId }),
  pauseQueue: () => invoke<QueueState>(`${S}pause_queue`),
  resumeQueue: () => invoke<QueueState>(`${S}resume_queue`),
  /** The session's search space (grids for the Generate tab's value pickers); without a
   * session, the built-in `remap-2019` space. */
  searchSpace: (sessionId: number | null) =>
    sessionId === null
      ? invoke<SearchSpace>("plugin:remap-sampling|search_space")
      : invoke<SearchSpace>(`${S}search_space`, { sessionId }),
  /** Writes the model's formats into `folder`; a non-empty folder needs `force`. */
  exportModel: (modelId: number, formats: string[], folder: string, force: boolean) =>
    invoke<WrittenFile[]>(`${S}export_model`, { modelId, formats, folder, force }),
  onQueueEvent: (handler: (event: QueueEvent) => void): Promise<UnlistenFn> =>
    listen<QueueEvent>("remap://queue", (e) => handler(e.payload)),
};
