// The handcrafted editor's state (kept while the tab is closed): the chain with its history,
// the input, classes and parameter budget it is checked against, the model it started from,
// and Rust's verdict on it, fetched after every edit. Mouse, keyboard and `window.__remapHand`
// all call the same methods.
import { api, type ArchitectureCheck, type Grids, type LayerType, type SearchSpace } from "./api";
import {
  addLayer, history, isGraph, layersOf, moveLayer, record, redo, removeLayer, setField, toArchitecture, undo,
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

  add = (type: LayerType, slot: number) => this.apply(addLayer(this.layers, type, slot, this.grids));
  move = (from: number, to: number) => this.apply(moveLayer(this.layers, from, to));
  remove = (index: number) => this.apply(removeLayer(this.layers, index));
  set = (index: number, field: string, value: number | string) => this.apply(setField(this.layers, index, field, value));

  /** Replaces the chain (start from a model, load a template) as one undoable edit; a net with
   * skips is refused with a notice rather than loaded without them. */
  load(architecture: unknown, parent: number | null) {
    if (isGraph(architecture)) {
      remap.toast("This model has skip connections; the editor builds chains, so it cannot edit it without losing them.");
      return;
    }
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
  }
}

/** The app's one editor. */
export const hand = new HandEditor();

declare global {
  interface Window {
    __remapHand?: {
      add(type: LayerType, slot: number): boolean;
      move(from: number, to: number): boolean;
      remove(index: number): boolean;
      set(index: number, field: string, value: number | string): boolean;
    };
  }
}

if (TEST_HOOKS) exposeHook("__remapHand", { add: hand.add, move: hand.move, remove: hand.remove, set: hand.set });
