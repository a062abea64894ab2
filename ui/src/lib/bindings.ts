// Generated from REMAP's Rust types by ts-rs (src-tauri/tests/bindings.rs).
// Do not edit: change the Rust type and run `make bindings`.

/**
 * What to ablate.
 */
export type AblationRequest = { 
/**
 * Hidden-layer indices to remove one at a time; `None` means every hidden layer.
 */
layers?: Array<number> | null, 
/**
 * Children with more parameters are not returned (listed in `skipped` with the reason,
 * and counted in `dropped_over_budget`).
 */
max_params?: number | null, 
/**
 * Hashes of models the session already has; children equal to one are skipped.
 */
existing?: Array<string>, };

/**
 * An activation function.
 */
export type Activation = "relu" | "tanh" | "sigmoid";

/**
 * One row: indices into the first (`a`) and second (`b`) chain, `None` for a gap.
 */
export type AlignedRow = { kind: RowKind, a: number | null, b: number | null, };

/**
 * What the app knows about itself (the header and the About dialog show it).
 */
export type AppInfo = { version: string, data_dir: string, device: string, licence: string, credits: Array<Credit>, };

/**
 * The verdict on an architecture: its shapes and parameters, or why it is invalid.
 */
export type ArchitectureCheck = { valid: true, params: number, hash: string, summary: string, 
/**
 * The hidden layers, then the head.
 */
layers: Array<LayerCheck>, 
/**
 * Parameters over the budget it was checked against, if over.
 */
over_budget: number | null, 
/**
 * Why it is over the budget ("… over the budget of 100,000 by 20,000"), if over.
 */
budget_note: string | null, 
/**
 * Its skips, as the SNAC draws them.
 */
arcs: Array<SnacArc>, } | { valid: false, error: string, 
/**
 * The hidden layer the error is about, if any.
 */
layer: number | null, 
/**
 * Its skips as written (none when the JSON does not parse), so the editor draws them
 * while the net is invalid.
 */
arcs: Array<SnacArc>, };

/**
 * One edit of the handcraft editor (spec §9.4). Rust applies it, so every layer's `inputs`
 * stay on the layers they joined; the editor never renumbers them itself.
 */
export type ArchitectureEdit = { "op": "insert", at: number, layer: unknown, } | { "op": "move", from: number, to: number, } | { "op": "remove", at: number, } | { "op": "skip", from: number | null, to: number, merge: MergeKind, } | { "op": "unskip", from: number | null, to: number, };

/**
 * A generated child before it is stored.
 */
export type ChildPreview = { architecture: unknown, snac: Snac, params: number, hash: string, changes: Array<string>, 
/**
 * Child − parent parameters.
 */
delta_params: number, };

/**
 * A few held-out images of one class, as `data:image/png;base64,…` URLs.
 */
export type ClassSamples = { name: string, images: Array<string>, };

/**
 * Two models side by side: aligned layers and what changed (b − a).
 */
export type Comparison = { a: ModelView, b: ModelView, rows: Array<AlignedRow>, 
/**
 * Changes of the wiring from a to b (skips added, removed or moved), as change texts;
 * empty when both read their layers alike.
 */
wiring: Array<string>, delta_params: number, delta_accuracy: number | null, delta_per_class: Array<number | null>, classes: Array<string>, };

/**
 * One credited dependency.
 */
export type Credit = { 
/**
 * The project's name as its authors write it.
 */
name: string, 
/**
 * The locked version, or `None` for system libraries the package depends on.
 */
version: string | null, 
/**
 * What REMAP uses it for.
 */
purpose: string, 
/**
 * SPDX licence expression.
 */
licence: string, };

/**
 * The database the window works on, as the Database dialog and the Workers panel show it.
 */
export type DatabaseView = { 
/**
 * `sqlite` or `postgres`.
 */
kind: string, 
/**
 * The file, or the URL without its password.
 */
location: string, 
/**
 * Where weights and checkpoints go: `database` or a directory.
 */
artifacts: string, };

/**
 * What one kind of edit did, over every child whose edit from its parent includes it.
 */
export type EditEffect = { 
/**
 * "remove dropout", "insert conv", "widen dense", "enlarge kernel", …
 */
kind: string, 
/**
 * Children with this kind of edit.
 */
count: number, 
/**
 * Of those, the ones compared with their parent (both trained at least one epoch).
 */
compared: number, 
/**
 * Δ accuracy of the compared children.
 */
delta_accuracy: Spread | null, 
/**
 * Δ parameters of all of them.
 */
delta_params: Spread, 
/**
 * Share of the compared children more accurate than their parent.
 */
improved: number | null, 
/**
 * Each child, in the order they were added.
 */
points: Array<EffectPoint>, };

/**
 * One child's share in an edit kind.
 */
export type EffectPoint = { model: number, parent: number, 
/**
 * Child − parent validation accuracy after the same number of epochs (the fewer both
 * have trained), once both have trained one.
 */
delta_accuracy: number | null, 
/**
 * Child − parent parameters.
 */
delta_params: number, };

/**
 * A session's edit effects, most frequent kind first.
 */
export type Effects = { 
/**
 * Children (models with a parent) in the session.
 */
children: number, kinds: Array<EditEffect>, };

/**
 * What one epoch of training measured (spec §5).
 */
export type EpochMetrics = { 
/**
 * 1-based.
 */
epoch: number, train_loss: number, train_accuracy: number, val_loss: number, val_accuracy: number, seconds: number, };

/**
 * What a generation request would make.
 */
export type GenerationPreview = { children: Array<ChildPreview>, skipped: Array<Skipped>, dropped_over_budget: number, };

/**
 * Hyperparameter grids: for each layer type, the values each of its hyperparameters is
 * drawn from (uniformly).
 */
export type Grids = { [key in LayerKind]?: { [key in Hyperparameter]?: Array<HValue> } };

/**
 * One hyperparameter value: a whole number, a dropout rate or an activation function.
 */
export type HValue = number | number | Activation;

/**
 * A hyperparameter of some layer type. `size` and `stride` are shared by both pools
 * (and `stride` by conv2d), so one restriction applies to all layers that have it.
 */
export type Hyperparameter = "kernel" | "filters" | "size" | "stride" | "units" | "function" | "rate";

/**
 * The format of an imported file.
 */
export type ImportFormat = "onnx" | "json";

/**
 * An imported architecture and what the import left out, folded or assumed.
 */
export type ImportedNet = { format: ImportFormat, 
/**
 * The architecture JSON (spec §2).
 */
architecture: unknown, summary: string, 
/**
 * Its chips, as every panel draws a net.
 */
snac: Snac, params: number, 
/**
 * One line each: weights not imported, Softmax dropped, normalisation dropped, ….
 */
notes: Array<string>, };

/**
 * A queue job's state.
 */
export type JobStatus = "queued" | "running" | "done" | "failed" | "cancelled" | "diverged" | "screened";

/**
 * One layer's output shape and parameters, as the architecture crate infers them.
 */
export type LayerCheck = { type: string, output: Array<number>, params: number, };

/**
 * The type of a layer without its hyperparameters.
 */
export type LayerKind = "conv2d" | "maxpool2d" | "avgpool2d" | "dense" | "activation" | "dropout" | "add" | "concat";

/**
 * The machine's training settings, as `ui.json` keeps them.
 */
export type MachineSettings = { 
/**
 * Jobs trained at once; `None` is automatic (see [`Parallelism::of`]).
 */
jobs?: number | null, 
/**
 * Overrides every session's device; `None` keeps each session's.
 */
device?: "auto" | "cpu" | "gpu" | null, 
/**
 * Overrides every session's batch size; `None` keeps each session's (REMAP's by default).
 */
batch?: number | null, };

/**
 * How this machine trains: what the Settings dialog shows.
 */
export type MachineView = { settings: MachineSettings, 
/**
 * Jobs at once and threads per job that follow from the settings here.
 */
parallelism: Parallelism, cores: number, };

/**
 * How a skip drawn in the editor joins: summed or stacked.
 */
export type MergeKind = "add" | "concat";

/**
 * The Model Inspector's facts about one model.
 */
export type ModelDetail = { model: ModelView, parent: ModelView | null, classes: Array<string>, 
/**
 * Finished epochs (so far, for a job still training).
 */
epochs: Array<EpochMetrics>, 
/**
 * `confusion[true][predicted]` counts on the held-out images.
 */
confusion: Array<Array<number>> | null, 
/**
 * Validation accuracy per log₁₀ parameters, once trained.
 */
accuracy_per_log_params: number | null, device: string | null, error: string | null, };

/**
 * A model and its validation accuracy.
 */
export type ModelScoreView = { model: number, val_accuracy: number, };

/**
 * One model with its latest job and result.
 */
export type ModelView = { id: number, hash: string, origin: Origin, parent: number | null, 
/**
 * Change texts relative to the parent (e.g. "removed conv2d(k3,f32) at 2").
 */
changes: Array<string>, params: number, summary: string, 
/**
 * The architecture JSON (spec §2).
 */
architecture: unknown, snac: Snac, job: number | null, status: JobStatus | null, epochs: number, epochs_done: number, 
/**
 * Screening stopped it at a rung (`epochs_done` of `epochs`); "train to the end"
 * continues it.
 */
screened: boolean, val_accuracy: number | null, train_accuracy: number | null, 
/**
 * Held-out accuracy per class (label order) once trained; `None` for a class without
 * held-out images.
 */
per_class_accuracy: Array<number | null> | null, 
/**
 * With focus classes (spec §9.3): the focus accuracy once trained.
 */
focus_accuracy: number | null, 
/**
 * With focus classes: trained, but its run kept no class probabilities, so its focus
 * accuracy is unknown until it is retrained.
 */
retrain_to_focus: boolean, };

/**
 * What "new session" asks for; unset options take REMAP's defaults.
 */
export type NewSessionRequest = { name: string, 
/**
 * `sketches`, `quickdraw:DIR`, `cifar10:DIR`, `mnist:DIR` or `folder:DIR`.
 */
dataset: string, 
/**
 * Initial models (distinct architectures).
 */
models?: number | null, 
/**
 * Epochs each initial model trains (early stopping may end sooner).
 */
epochs?: number | null, 
/**
 * Seed of sampling and training.
 */
seed?: number | null, 
/**
 * Batch size (default: 256 up to 28×28 images, 32 above).
 */
batch?: number | null, 
/**
 * `auto`, `cpu` or `gpu`.
 */
device?: string | null, 
/**
 * `halving` (screen by successive halving, the default) or `off` (train every model
 * fully, REMAP's protocol).
 */
screening?: string | null, 
/**
 * Keep only these classes, labelled in this order.
 */
classes?: Array<string> | null, 
/**
 * Keep the first N images of each class.
 */
limit?: number | null, 
/**
 * Generated sketches per class (sketches only).
 */
per_class?: number | null, 
/**
 * Generation seed of the sketches.
 */
data_seed?: number | null, 
/**
 * A built-in search space (`remap-2019`, or `residual` with residual blocks) or a JSON/TOML search-space file.
 */
space?: string | null, 
/**
 * The session's parameter budget: sampled models have at most this many parameters,
 * and its ablations, variations and handcrafted models are checked against it.
 */
max_params?: number | null, 
/**
 * When the name is taken, name the session `NAME 2`, `NAME 3`, … instead of failing.
 */
new_name_if_taken?: boolean | null, };

/**
 * An edit a variation may make at a position.
 */
export type Operation = "insert" | "remove" | "replace" | "reparametrize" | "skip";

/**
 * How a model came to be.
 */
export type Origin = "sampled" | "ablation" | "variation" | "handcrafted" | "suggested";

/**
 * Everything the Model Overview needs at once.
 */
export type Overview = { session: SessionInfo, 
/**
 * The focus classes it was computed for (empty: none); with them, the size view and
 * the Pareto front rank by focus accuracy.
 */
focus: Array<string>, models: Array<ModelView>, prediction: OverviewLayout, structure: OverviewLayout, size: OverviewLayout, 
/**
 * Ids on the Pareto front of accuracy against parameters, by increasing parameters.
 */
pareto: Array<number>, };

/**
 * A 2-D map of the trained models (only models with results are placed).
 */
export type OverviewLayout = { view: OverviewView, ids: Array<number>, coords: Array<[number, number]>, stress: number, };

/**
 * Which map of the overview.
 */
export type OverviewView = "prediction" | "structure" | "size";

/**
 * Jobs trained at once and the threads of each job's pool.
 */
export type Parallelism = { jobs: number, threads: number, };

/**
 * An event of the queue, sent on a tokio broadcast channel.
 */
export type QueueEvent = { "type": "job", job_id: number, session_id: number, model_id: number, status: JobStatus, error: string | null, } | { "type": "reordered", session_id: number, } | { "type": "epoch", job_id: number, metrics: EpochMetrics, epochs: number, eta_seconds: number | null, } | { "type": "batch", job_id: number, epoch: number, epochs: number, batch: number, batches: number, eta_seconds: number | null, } | { "type": "paused" } | { "type": "resumed" } | { "type": "idle" };

/**
 * A queue job, for the Queue tab.
 */
export type QueueJob = { id: number, model_id: number, position: number, status: JobStatus, epochs: number, epochs_done: number, 
/**
 * Epochs of the screening rung it trains to (`None`: unscreened, to the end).
 */
rung: number | null, progress: Array<EpochMetrics>, error: string | null, };

/**
 * Whether the queue is paused, and what it trains now.
 */
export type QueueState = { paused: boolean, running: Array<number>, };

/**
 * What a generation request stored and queued.
 */
export type Queued = { 
/**
 * The new models, in generation order.
 */
models: Array<QueuedModel>, skipped: Array<Skipped>, dropped_over_budget: number, };

/**
 * A model just stored and queued.
 */
export type QueuedModel = { id: number, job: number, hash: string, origin: Origin, parent: number | null, params: number, changes: Array<string>, architecture: unknown, };

/**
 * Residual blocks (spec §9.4), the one way a space samples skips: after each activation
 * drawn before the first dense layer, with `probability` the sampler appends
 * `conv2d(k, same) → relu → conv2d(k, same) → add(that, the activation)`, keeping the
 * channels, with `k` drawn uniformly from `kernel`; the chain then goes on as after a conv.
 */
export type Residual = { 
/**
 * Chance of a block after each pre-dense activation, in [0, 1].
 */
probability: number, 
/**
 * Kernel sizes of the block's convolutions (odd, so `same` padding is symmetric).
 */
kernel: Array<number>, };

/**
 * What may be done at one position. Empty or absent fields allow everything.
 */
export type Restriction = { 
/**
 * Allowed operations; `None` allows all of them.
 */
ops?: Array<Operation> | null, 
/**
 * Layer types an insert or replace may create; `None` allows every type.
 */
types?: Array<LayerKind> | null, 
/**
 * Allowed values per hyperparameter, for new layers and reparametrizing; a
 * hyperparameter not named may take any value of its grid.
 */
values?: { [key in Hyperparameter]?: Array<HValue> }, };

/**
 * How one aligned row relates the two chains.
 */
export type RowKind = "same" | "changed" | "inserted" | "removed";

/**
 * A complete search space: grids plus the pre-dense and post-dense transition tables.
 *
 * Serialises to (and deserialises from, with validation) the file format:
 * `{"name", "grids": {"conv2d": {"kernel": [1,3,5], …}, …}, "pre_dense": {"start": [...],
 * "conv2d": [...], …}, "post_dense": {"dense": [...], …}}`.
 */
export type SearchSpace = { name: string, grids: Grids, pre_dense: { [key in string]: Array<string> }, post_dense: { [key in string]: Array<string> }, residual?: Residual, };

/**
 * A session as the session list shows it.
 */
export type SessionInfo = { id: number, name: string, 
/**
 * `sketches`, `quickdraw:DIR`, `cifar10:DIR`, `mnist:DIR` or `folder:DIR`.
 */
dataset: string, 
/**
 * The classes, when known without loading the data set.
 */
classes: Array<string>, models: number, 
/**
 * Models with a trained result (to the end, or to a screening rung).
 */
trained: number, 
/**
 * Of those, the ones screening stopped at a rung.
 */
screened: number, 
/**
 * Models whose job has ended in any way (done, failed, diverged, cancelled).
 */
finished: number, 
/**
 * Models queued or training now.
 */
pending: number, 
/**
 * The trained model with the best validation accuracy, if any.
 */
best: ModelScoreView | null, 
/**
 * Seeds its sampling and training (drawn afresh when the user gave none).
 */
seed: number, 
/**
 * Parameter budget of its models (spec §9.3), if any.
 */
budget: number | null, 
/**
 * The focus classes it keeps (spec §9.3), in the order chosen; screening ranks by their
 * focus accuracy from two on.
 */
focus: Array<string>, 
/**
 * Unix milliseconds.
 */
created_at: number, };

/**
 * A child that was not produced, and why.
 */
export type Skipped = { 
/**
 * The parent's layer the child was about (for ablations), if any.
 */
layer: number | null, 
/**
 * Why it was not produced.
 */
reason: string, };

/**
 * A whole net: input shape, hidden layers in order, the arcs of its skips, head.
 */
export type Snac = { input: Array<number>, layers: Array<SnacLayer>, 
/**
 * Skips and branches; empty for a chain.
 */
arcs: Array<SnacArc>, head: SnacHead, };

/**
 * A connection the chain order does not draw (spec §9.4): an arc over the chips from
 * `from`'s output into layer `to`, usually a merge.
 */
export type SnacArc = { 
/**
 * The hidden layer the arc leaves, or `null` for the input.
 */
from: number | null, 
/**
 * The hidden layer it enters.
 */
to: number, };

/**
 * The classifier head of a SNAC.
 */
export type SnacHead = { classes: number, params: number, 
/**
 * `params` as a share of the whole model's parameters, 0–1.
 */
share: number, tensor_size: number, };

/**
 * One hidden layer of a SNAC.
 */
export type SnacLayer = { 
/**
 * The layer's `type` (`conv2d`, `maxpool2d`, …).
 */
type: LayerKind, 
/**
 * `conv2d(k3,f32)` etc.
 */
text: string, 
/**
 * `[h, w, c]` or `[n]`.
 */
output: Array<number>, 
/**
 * Elements of the output tensor (sets the chip's length).
 */
tensor_size: number, params: number, 
/**
 * `params` as a share of the whole model's parameters, 0–1 (spec §9.3).
 */
share: number, 
/**
 * The activation function, for activation layers.
 */
function?: Activation, };

/**
 * Minimum, quartiles and maximum of some values.
 */
export type Spread = { min: number, q1: number, median: number, q3: number, max: number, };

/**
 * Workers to start from the Workers panel.
 */
export type SubmitWorkersRequest = { 
/**
 * `slurm` or `local`.
 */
engine: string, count: number, partition?: string, 
/**
 * E.g. `gpu:1`.
 */
gres?: string, 
/**
 * E.g. `2:00:00`.
 */
time?: string, cpus_per_task?: number, 
/**
 * A command prefix that reaches the cluster, e.g. `ssh login-host`.
 */
via?: string, 
/**
 * `auto`, `cpu` or `gpu`; none: each session's.
 */
device?: string, 
/**
 * Seconds without a job before a worker exits (default 300).
 */
idle_exit?: number, };

/**
 * A handcrafted architecture template.
 */
export type Template = { name: string, architecture: unknown, updated_at: number, };

/**
 * What variations to make.
 */
export type VariationRequest = { 
/**
 * Number of children (REMAP's slider: 1–20).
 */
count?: number, 
/**
 * K: each child gets Uniform{1..K} changes (REMAP's slider: 1–5).
 */
max_changes?: number, 
/**
 * Seed of the random draws.
 */
seed?: number, 
/**
 * Positions that may change: hidden-layer indices, and the parent's layer count for
 * the slot before the head (insert only). `None` means all of them.
 */
layers?: Array<number> | null, 
/**
 * The restriction of every position not in `per_layer`.
 */
restriction?: Restriction, 
/**
 * Restrictions of single positions (parent indices), replacing `restriction` there.
 */
per_layer?: { [key in number]: Restriction }, 
/**
 * Children with more parameters are not returned (counted in `dropped_over_budget`).
 */
max_params?: number | null, 
/**
 * Hashes of models the session already has; no child equals one of them.
 */
existing?: Array<string>, 
/**
 * Re-draws of one child before it is reported as not made.
 */
max_attempts?: number, };

/**
 * A worker as the Workers list (`remap workers list`, the Workers tab) shows it.
 */
export type WorkerView = { 
/**
 * `running`, `stopped` (exited cleanly) or `lost` (no heartbeat for a while).
 */
status: string, 
/**
 * The engine's own word, where it was reachable (e.g. Slurm's `RUNNING`, `PENDING`).
 */
engine_state: string | null, 
/**
 * The name it claims jobs under, e.g. `slurm-12_0@node3`.
 */
id: string, host: string, device: string, 
/**
 * `local` or `slurm`.
 */
engine: string, 
/**
 * The engine's id of the process, e.g. Slurm's `123_4`.
 */
engine_job: string | null, 
/**
 * The sessions it serves; `None`: every session.
 */
sessions: Array<string> | null, current_job: number | null, started_at: number, 
/**
 * Its last sign of life (Unix ms).
 */
heartbeat: number, 
/**
 * When it exited cleanly; `None` while it runs (or after it died).
 */
stopped_at: number | null, };

/**
 * The Workers panel: the database's workers and what can start more.
 */
export type WorkersView = { database: DatabaseView, workers: Array<WorkerView>, 
/**
 * `sbatch` is on this machine's PATH.
 */
slurm_here: boolean, };

/**
 * One file an export wrote.
 */
export type WrittenFile = { 
/**
 * `json`, `safetensors`, `onnx`, `pytorch` or `card`.
 */
format: string, path: string, bytes: number, };
