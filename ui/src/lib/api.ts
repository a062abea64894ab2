// Every call from the UI to Rust goes through this module. The types are generated from the
// Rust ones (`bindings.ts`, by ts-rs: `make bindings`), so a change on one side that the other
// has not followed fails `make test`.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AppInfo,
  ArchitectureCheck,
  ClassSamples,
  Comparison,
  AblationRequest,
  GenerationPreview,
  JobStatus,
  ModelDetail,
  NewSessionRequest,
  Overview,
  QueueEvent,
  QueueJob,
  QueueState,
  Queued,
  SearchSpace,
  SessionInfo,
  Template,
  VariationRequest,
  WrittenFile,
} from "./bindings";

export type * from "./bindings";
/** A layer type as the architecture format names it. */
export type { LayerKind as LayerType } from "./bindings";

export const EXPORT_FORMATS = ["json", "safetensors", "onnx", "pytorch", "card"] as const;

const S = "plugin:remap-session|";

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  checkArchitecture: (json: string) => invoke<ArchitectureCheck>(`${S}check_architecture`, { json }),

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
  searchSpace: (sessionId: number | null) => invoke<SearchSpace>(`${S}search_space`, { sessionId }),
  /** Writes the model's formats into `folder`; a non-empty folder needs `force`. */
  exportModel: (modelId: number, formats: string[], folder: string, force: boolean) =>
    invoke<WrittenFile[]>(`${S}export_model`, { modelId, formats, folder, force }),
  onQueueEvent: (handler: (event: QueueEvent) => void): Promise<UnlistenFn> =>
    listen<QueueEvent>("remap://queue", (e) => handler(e.payload)),
};
