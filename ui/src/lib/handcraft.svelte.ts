// The handcrafted editor's state (kept while the tab is closed): the net with its history,
// the input, classes and parameter budget it is checked against, the model it started from,
// and Rust's verdict on it, fetched after every edit. Inserting, moving and removing layers
// and drawing or erasing skips are Rust's edits (`api.editArchitecture`), so every `inputs`
// list stays right. Mouse, keyboard and `window.__remapHand` all call the same methods.
import { api, type ArchitectureCheck, type ArchitectureEdit, type Grids, type LayerType, type MergeKind, type SearchSpace } from "./api";
import {
  defaultLayer, history, layersOf, record, redo, setField, toArchitecture, undo,
  type ArchBase, type HandLayer, type History,
} from "./handcraft";
import { remap } from "./session.svelte";
import { TEST_HOOKS, exposeHook } from "./testhooks";

export class HandEditor {
  history = $state<History<HandLayer[]>>(history([]));
  base = $state<ArchBase | null>(null);
  /** The model the chain started from (its parent when trained), or null. */
  parent = $state<number | null>(null);
  grids = $state<Grids>({});
  /** The parameter budget in force (the Generate form's, else the session's), or null. */
  budget = $state<number | null>(null);
  check = $state<ArchitectureCheck | null>(null);
  checking = $state(false);
  /** How a skip drawn by drag joins the layer it is dropped on. */
  merge = $state<MergeKind>("add");

  layers = $derived(this.history.present);
  canUndo = $derived(this.history.past.length > 0);
  canRedo = $derived(this.history.future.length > 0);

  private seq = 0;
  private spaceLoad: Promise<SearchSpace | undefined> | null = null;
  private spaceSession: number | null = null;

  /** Loads the open session's search space once per session (its grids feed the value
   * pickers and new layers' defaults). */
  loadSpace(): Promise<SearchSpace | undefined> {
    const session = remap.session?.id ?? null;
    if (!this.spaceLoad || this.spaceSession !== session) {
      this.spaceSession = session;
      const load = remap.call("Cannot load the search space", () => api.searchSpace(session)).then((s) => {
        if (this.spaceLoad !== load) return s;
        if (s) this.grids = s.grids;
        else this.spaceLoad = null;
        return s;
      });
      this.spaceLoad = load;
    }
    return this.spaceLoad;
  }

  /** The input and classes to build for; a change checks the chain again. */
  setBase(base: ArchBase | null) {
    if (JSON.stringify(base) === JSON.stringify(this.base)) return;
    this.base = base;
    void this.validate();
  }

  /** The budget to check against; a change checks the chain again. */
  setBudget(budget: number | null) {
    if (budget === this.budget) return;
    this.budget = budget;
    void this.validate();
  }

  architecture() {
    return this.base ? toArchitecture(this.base, this.layers) : null;
  }

  /** Records an edit and asks Rust about the result; false when nothing changed. */
  apply(next: HandLayer[]): boolean {
    const before = this.history;
    this.history = record(this.history, next);
    if (this.history === before) return false;
    void this.validate();
    return true;
  }

  private pending: Promise<boolean> = Promise.resolve(true);

  /** Asks Rust for the net after the edit `make` gives for the layers as they are when its turn
   * comes (edits run one at a time, in the order asked) and records it; false when there was
   * nothing to do, it did not apply (the reason is shown) or it changed nothing. */
  edit(make: (layers: HandLayer[]) => ArchitectureEdit | null): Promise<boolean> {
    const run = async () => {
      const arch = this.architecture();
      const edit = make(this.layers);
      if (!arch || !edit) return false;
      const before = this.history;
      const next = await remap.call("Cannot edit the model", () => api.editArchitecture(arch, edit));
      // An edit made meanwhile (a field set, a reset) wins over this late answer.
      if (!next || this.history !== before) return false;
      const layers = layersOf(next);
      if (JSON.stringify(layers) === JSON.stringify(this.layers)) return false;
      return this.apply(layers);
    };
    this.pending = this.pending.then(run, run);
    return this.pending;
  }

  add = (type: LayerType, slot: number) =>
    this.edit((layers) => ({ op: "insert", at: Math.min(Math.max(Math.round(slot), 0), layers.length), layer: defaultLayer(type, this.grids) }));
  move = (from: number, to: number) =>
    this.edit((layers) => {
      const target = Math.min(Math.max(Math.round(to), 0), layers.length - 1);
      return from < 0 || from >= layers.length || target === from ? null : { op: "move", from, to: target };
    });
  remove = (index: number) => this.edit((layers) => (index >= 0 && index < layers.length ? { op: "remove", at: index } : null));
  /** A skip from layer `from` (`null`: the input) into layer `to`, joined by `merge`. */
  skip = (from: number | null, to: number) => this.edit(() => ({ op: "skip", from, to, merge: this.merge }));
  /** Erases the skip from `from` (`null`: the input) into merge `to`. */
  unskip = (from: number | null, to: number) => this.edit(() => ({ op: "unskip", from, to }));
  set = (index: number, field: string, value: number | string) => this.apply(setField(this.layers, index, field, value));

  /** Replaces the net (start from a model, load a template) as one undoable edit, its skips
   * and merges included. */
  load(architecture: unknown, parent: number | null) {
    this.parent = parent;
    const next = layersOf(architecture);
    if (JSON.stringify(next) === JSON.stringify(this.layers)) return;
    this.apply(next);
  }

  undo = () => {
    if (!this.canUndo) return false;
    this.history = undo(this.history);
    void this.validate();
    return true;
  };

  redo = () => {
    if (!this.canRedo) return false;
    this.history = redo(this.history);
    void this.validate();
    return true;
  };

  /** Rust's verdict on the current chain; an older answer arriving late is dropped. */
  async validate() {
    const arch = this.architecture();
    const seq = ++this.seq;
    if (!arch) {
      this.check = null;
      this.checking = false;
      return;
    }
    this.checking = true;
    const verdict = await remap.call("Cannot check the architecture", () => api.checkArchitecture(JSON.stringify(arch), this.budget));
    if (seq !== this.seq) return;
    this.checking = false;
    this.check = verdict ?? null;
  }

  reset() {
    this.history = history([]);
    this.base = null;
    this.parent = null;
    this.budget = null;
    this.check = null;
    this.checking = false;
    this.seq++;
    this.spaceLoad = null;
    this.spaceSession = null;
    this.grids = {};
    this.merge = "add";
  }
}

/** The app's one editor. */
export const hand = new HandEditor();

declare global {
  interface Window {
    __remapHand?: {
      add(type: LayerType, slot: number): Promise<boolean>;
      move(from: number, to: number): Promise<boolean>;
      remove(index: number): Promise<boolean>;
      skip(from: number | null, to: number): Promise<boolean>;
      unskip(from: number | null, to: number): Promise<boolean>;
      set(index: number, field: string, value: number | string): boolean;
    };
  }
}

if (TEST_HOOKS) exposeHook("__remapHand", { add: hand.add, move: hand.move, remove: hand.remove, skip: hand.skip, unskip: hand.unskip, set: hand.set });
