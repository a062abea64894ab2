// Every call from the UI to Rust goes through this module. The types are generated from the
// Rust ones (`bindings.ts`, by ts-rs: `make bindings`), so a change on one side that the other
// has not followed fails `make test`.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AppInfo,
  ArchitectureCheck,
  ArchitectureEdit,
  ClassSamples,
  Comparison,
  DatabaseView,
  Effects,
  AblationRequest,
  GenerationPreview,
  ImportedNet,
  JobStatus,
  MachineSettings,
  MachineView,
  ModelDetail,
  NewSessionRequest,
  Overview,
  QueueEvent,
  QueueJob,
  QueueState,
  Queued,
  SearchSpace,
  SessionInfo,
  SubmitWorkersRequest,
  Template,
  VariationRequest,
  WorkersView,
  WrittenFile,
} from "./bindings";

export type * from "./bindings";
/** A layer type as the architecture format names it. */
export type { LayerKind as LayerType } from "./bindings";

export const EXPORT_FORMATS = ["json", "safetensors", "onnx", "pytorch", "card"] as const;

const S = "plugin:remap-session|";

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  /** Shapes and parameters of an architecture, checked against `budget` when one is given. */
  checkArchitecture: (json: string, budget: number | null = null) =>
    invoke<ArchitectureCheck>(`${S}check_architecture`, { json, budget }),
  /** The architecture after one handcraft edit, every layer's `inputs` kept right by Rust. */
  editArchitecture: (architecture: unknown, edit: ArchitectureEdit) =>
    invoke<{ input: unknown; classes: number; layers: unknown[] }>(`${S}edit_architecture`, { architecture, edit }),

  sessions: () => invoke<SessionInfo[]>(`${S}sessions`),
  createSession: (request: NewSessionRequest) => invoke<SessionInfo>(`${S}create_session`, { request }),
  /** An ONNX model or architecture JSON file as an architecture (weights are not imported); a
   * node REMAP cannot express is refused by name. */
  importArchitecture: (path: string) => invoke<ImportedNet>(`${S}import_architecture`, { path }),
  /** A new session whose initial models are `architecture` and `count` of its relatives. */
  createSessionAround: (request: NewSessionRequest, architecture: unknown, count: number) =>
    invoke<SessionInfo>(`${S}create_session_around`, { request, architecture, count }),
  renameSession: (id: number, name: string) => invoke<SessionInfo>(`${S}rename_session`, { id, name }),
  deleteSession: (id: number) => invoke<void>(`${S}delete_session`, { id }),
  /** Sets (or with null lifts) a session's parameter budget. */
  setBudget: (sessionId: number, budget: number | null) => invoke<SessionInfo>(`${S}set_budget`, { sessionId, budget }),
  setFocus: (sessionId: number, classes: string[]) => invoke<SessionInfo>(`${S}set_focus`, { sessionId, classes }),
  /** What each kind of edit did over the session's children. */
  effects: (sessionId: number) => invoke<Effects>(`${S}effects`, { sessionId }),
  /** The session the app showed last (null on first launch). */
  lastSession: () => invoke<SessionInfo | null>(`${S}last_session`),
  /** The session's models and maps; with `focus` classes, ranked by focus accuracy. */
  overview: (sessionId: number, focus: string[] = []) => invoke<Overview>(`${S}overview`, { sessionId, focus }),
  /** A new session of the data set restricted to `classes`, from the architectures of `models`. */
  sessionOnClasses: (sessionId: number, classes: string[], models: number[]) =>
    invoke<SessionInfo>(`${S}session_on_classes`, { sessionId, classes, models }),
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
  /** Queues screened models to train to the end (next in the queue, from their checkpoint);
   * resolves to how many were queued. */
  trainToEnd: (models: number[]) => invoke<number>(`${S}train_to_end`, { models }),
  /** How this machine trains: the saved settings, what follows from them, and the cores. */
  machineSettings: () => invoke<MachineView>(`${S}machine_settings`),
  /** Saves the machine's training settings (for jobs started from now on). */
  setMachineSettings: (settings: MachineSettings) => invoke<MachineView>(`${S}set_machine_settings`, { settings }),
  pauseQueue: () => invoke<QueueState>(`${S}pause_queue`),
  resumeQueue: () => invoke<QueueState>(`${S}resume_queue`),
  /** The session's search space (grids for the Generate tab's value pickers); without a
   * session, the built-in `remap-2019` space. */
  searchSpace: (sessionId: number | null) => invoke<SearchSpace>(`${S}search_space`, { sessionId }),
  /** Writes the model's formats into `folder`; a non-empty folder needs `force`. */
  exportModel: (modelId: number, formats: string[], folder: string, force: boolean) =>
    invoke<WrittenFile[]>(`${S}export_model`, { modelId, formats, folder, force }),
  /** The database the window works on (kind, location without password, where artifacts go). */
  database: () => invoke<DatabaseView>(`${S}database`),
  /** The database's training workers, and whether Slurm can be reached from here. */
  workers: () => invoke<WorkersView>(`${S}workers`),
  /** Starts workers (Slurm jobs or processes on this machine); resolves to their engine ids. */
  submitWorkers: (request: SubmitWorkersRequest) => invoke<string[]>(`${S}submit_workers`, { request }),
  /** Asks workers to stop (none given: every running one); resolves to the names asked. */
  stopWorkers: (ids: string[]) => invoke<string[]>(`${S}stop_workers`, { ids }),
  /** Switches the whole app to another database (a postgres:// URL, an SQLite file, or "" for
   * this machine's own); the password is passed apart and never saved. */
  connectDatabase: (url: string, password: string | null) =>
    invoke<DatabaseView>(`${S}connect_database`, { url, password }),
  onQueueEvent: (handler: (event: QueueEvent) => void): Promise<UnlistenFn> =>
    listen<QueueEvent>("remap://queue", (e) => handler(e.payload)),
};
