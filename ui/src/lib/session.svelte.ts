// The app's state as one runes object: the open session and its Overview, the drawer, the
// inspected model, the selected class and focus classes, the current view, live queue progress
// and errors.
// Every api call goes through `call`, which shows failures in the error bar with their reason.
import { api, type ModelView, type NewSessionRequest, type Overview, type QueueEvent, type QueueJob, type SessionInfo } from "./api";
import { MIN_FOCUS, nextFocus, rankingFocus } from "./overview";
import { FINISHED, applyProgress, errorText, queueAhead, type LiveProgress, type ViewId } from "./present";
import { BATCH_NOTIFY, batchText, notify } from "./notify";
import { TEST_HOOKS } from "./testhooks";

export interface AppError {
  id: number;
  message: string;
}

/** How long an in-app toast stays. */
export const TOAST_MS = 8000;

/** How long queue events are gathered before the overview is fetched again. */
export const REFRESH_MS = 1000;

export class RemapState {
  session = $state<SessionInfo | null>(null);
  sessions = $state<SessionInfo[]>([]);
  overview = $state<Overview | null>(null);
  drawer = $state<number[]>([]);
  inspected = $state<number | null>(null);
  /**
   * The model the user chose to inspect (a click on the map, a drawer row, the Queue). A hovered
   * drawer row is `inspected` only while hovered; the Generate tab acts on this one.
   */
  chosen = $state<number | null>(null);
  /** The models of the last brush or lasso on the overview (also added to the drawer). */
  brushed = $state<number[]>([]);
  /** A class under the mouse in the Data Selector (wins over the sticky one while hovered). */
  hoveredClass = $state<number | null>(null);
  /**
   * The focus classes chosen in the Data Selector (spec §9.3), in the order chosen. From two
   * classes on the overview ranks by their focus accuracy; a one-class focus is the sticky class.
   */
  focus = $state<string[]>([]);
  view = $state<ViewId>("prediction");
  errors = $state<AppError[]>([]);
  live = $state<Record<number, LiveProgress>>({});
  /** The open session's jobs, in queue order, as Rust last answered (the Queue tab shows them). */
  jobs = $state<QueueJob[]>([]);
  /** Whether `jobs` holds an answer for the open session. */
  jobsLoaded = $state(false);
  /** Bump to reload the queue (`reloadQueue` does it directly). */
  queueVersion = $state(0);
  /** Bumped when the overview was fetched again; the Inspector refreshes its detail. */
  overviewVersion = $state(0);
  queuePaused = $state(false);
  /** A pause or resume is on its way to Rust. */
  pausing = $state(false);
  /** In-app messages that go away by themselves (notification fallback, confirmations). */
  toasts = $state<AppError[]>([]);
  /** The welcome form is shown over an open session ("New session…" in the session menu). */
  welcome = $state(false);
  /** True until the first `lastSession` answer (the welcome state waits for it). */
  starting = $state(true);

  modelsById = $derived(new Map<number, ModelView>((this.overview?.models ?? []).map((m) => [m.id, m])));
  classes = $derived(this.overview?.session.classes ?? this.session?.classes ?? []);
  /** A one-class focus: that class shades the overview by its accuracy (hover wins over it). */
  stickyClass = $derived(this.focus.length === 1 && this.classes.includes(this.focus[0]) ? this.classes.indexOf(this.focus[0]) : null);
  selectedClass = $derived(this.hoveredClass ?? this.stickyClass);
  /** The focus the overview is fetched with (none below two classes). */
  rankFocus = $derived(rankingFocus(this.focus));
  /** The focus the shown overview was computed for (Rust echoes it): what the panels rank by. */
  shownFocus = $derived(this.overview?.focus ?? []);

  private nextError = 1;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private overviewLoads = 0;
  private queueLoads = 0;
  private queueTimer: ReturnType<typeof setTimeout> | null = null;
  private unlisten: (() => void) | null = null;
  /** Jobs finished since the queue was last idle (id → status), for the batch notification. */
  private batch = new Map<number, string>();

  /** Runs an api call; a failure is shown with `what` and its reason, and gives `undefined`. */
  async call<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.report(`${what}: ${errorText(e)}`);
      return undefined;
    }
  }

  report(message: string) {
    this.errors = [...this.errors, { id: this.nextError++, message }];
  }

  dismiss(id: number) {
    this.errors = this.errors.filter((e) => e.id !== id);
  }

  toast(message: string) {
    const id = this.nextError++;
    this.toasts = [...this.toasts, { id, message }];
    setTimeout(() => this.dismissToast(id), TOAST_MS);
  }

  dismissToast(id: number) {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Reads whether the queue is paused. */
  async loadQueueState() {
    const s = await this.call("Cannot read the queue state", () => api.queueStatus());
    if (s) this.queuePaused = s.paused;
  }

  /** Pauses a running queue or resumes a paused one. */
  async togglePause() {
    if (this.pausing) return;
    this.pausing = true;
    const resume = this.queuePaused;
    const s = await this.call(resume ? "Cannot resume the queue" : "Cannot pause the queue", () => (resume ? api.resumeQueue() : api.pauseQueue()));
    this.pausing = false;
    if (s) this.queuePaused = s.paused;
  }

  /** Subscribes to queue events and opens the session shown last. */
  async start() {
    this.starting = true;
    const unlisten = await this.call("Cannot listen to the training queue", () => api.onQueueEvent((ev) => this.onQueueEvent(ev)));
    if (unlisten) this.unlisten = unlisten;
    const last = await this.call("Cannot load the last session", () => api.lastSession());
    this.starting = false;
    if (last) await this.open(last);
  }

  stop() {
    this.unlisten?.();
    this.unlisten = null;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.queueTimer) clearTimeout(this.queueTimer);
    this.refreshTimer = this.queueTimer = null;
  }

  /** Back to a blank state (tests, and after the open session is deleted). */
  reset() {
    this.stop();
    this.session = null;
    this.sessions = [];
    this.overview = null;
    this.drawer = [];
    this.inspect(null);
    this.brushed = [];
    this.hoveredClass = null;
    this.focus = [];
    this.view = "prediction";
    this.errors = [];
    this.live = {};
    this.jobs = [];
    this.jobsLoaded = false;
    this.queueVersion = 0;
    this.overviewVersion = 0;
    this.queuePaused = false;
    this.pausing = false;
    this.toasts = [];
    this.batch.clear();
    this.welcome = false;
    this.starting = true;
  }

  async open(info: SessionInfo) {
    this.welcome = false;
    this.session = info;
    this.overview = null;
    this.drawer = [];
    this.inspect(null);
    this.brushed = [];
    this.hoveredClass = null;
    // The session keeps its focus (Rust screens by it); reopening restores it.
    this.focus = [...info.focus];
    this.live = {};
    this.jobs = [];
    this.jobsLoaded = false;
    await Promise.all([this.refresh(), this.loadDrawer()]);
  }

  async loadSessions() {
    const list = await this.call("Cannot list sessions", () => api.sessions());
    if (list) this.sessions = list;
  }

  async createSession(request: NewSessionRequest): Promise<boolean> {
    const info = await this.call(`Cannot create the session "${request.name}"`, () => api.createSession(request));
    if (!info) return false;
    await this.open(info);
    void this.loadSessions();
    return true;
  }

  async renameSession(id: number, name: string) {
    const info = await this.call("Cannot rename the session", () => api.renameSession(id, name));
    if (!info) return;
    if (this.session?.id === id) this.session = info;
    // Only the name: the overview's counts stay those of its own models until it reloads.
    if (this.overview && this.overview.session.id === id) this.overview = { ...this.overview, session: { ...this.overview.session, name: info.name } };
    await this.loadSessions();
  }

  async deleteSession(id: number) {
    const ok = await this.call("Cannot delete the session", async () => {
      await api.deleteSession(id);
      return true;
    });
    if (!ok) return;
    if (this.session?.id === id) {
      this.session = null;
      this.overview = null;
      this.drawer = [];
      this.inspect(null);
      this.brushed = [];
      this.hoveredClass = null;
      this.focus = [];
      this.live = {};
      this.jobs = [];
      this.jobsLoaded = false;
    }
    await this.loadSessions();
  }

  /**
   * Fetches the open session's Overview and its queue together and applies both at once, so the
   * overview and the Queue tab show the same jobs finished. Of overlapping reloads only the
   * newest answer of each is applied (an older, slower one may arrive last).
   */
  async refresh() {
    const id = this.session?.id;
    if (id === undefined) return;
    const [overviewLoad, queueLoad] = [++this.overviewLoads, ++this.queueLoads];
    const focus = [...this.rankFocus];
    const [ov, jobs] = await Promise.all([
      this.call("Cannot load the model overview", () => api.overview(id, focus)),
      this.call("Cannot load the queue", () => api.queue(id)),
    ]);
    if (this.session?.id !== id) return;
    if (ov && overviewLoad === this.overviewLoads) {
      this.overview = ov;
      this.session = ov.session;
      this.overviewVersion++;
    }
    if (jobs && queueLoad === this.queueLoads) this.setJobs(jobs);
  }

  /**
   * Fetches the queue alone (progress, order). An answer that shows a job finished which the
   * overview does not know yet is not applied on its own: overview and queue are reloaded
   * together instead, so the two never disagree.
   */
  async reloadQueue() {
    const id = this.session?.id;
    if (id === undefined) return;
    const load = ++this.queueLoads;
    const jobs = await this.call("Cannot load the queue", () => api.queue(id));
    if (!jobs || load !== this.queueLoads || this.session?.id !== id) return;
    if (this.overview && queueAhead(jobs, this.overview)) await this.refresh();
    else this.setJobs(jobs);
  }

  private setJobs(jobs: QueueJob[]) {
    this.jobs = [...jobs].sort((a, b) => a.position - b.position);
    this.jobsLoaded = true;
  }

  async loadDrawer() {
    const id = this.session?.id;
    if (id === undefined) return;
    const ids = await this.call("Cannot load the drawer", () => api.drawer(id));
    if (ids && this.session?.id === id) this.drawer = ids;
  }

  async addToDrawer(ids: number[]) {
    if (!ids.length) return;
    const ok = await this.call("Cannot add to the drawer", async () => {
      await api.addToDrawer(ids);
      return true;
    });
    if (ok) await this.loadDrawer();
  }

  async removeFromDrawer(id: number) {
    const ok = await this.call("Cannot remove from the drawer", async () => {
      await api.removeFromDrawer(id);
      return true;
    });
    if (ok) this.drawer = this.drawer.filter((d) => d !== id);
  }

  /** A brush or lasso on the map: remember the set (for its actions) and keep it in the drawer. */
  async brush(ids: number[]) {
    this.brushed = ids;
    await this.addToDrawer(ids);
  }

  /**
   * Queues screened models to train to the end (next in the queue, from their checkpoint), then
   * reloads the overview and the queue; resolves to how many were queued (undefined on error).
   */
  async trainToEnd(ids: number[]): Promise<number | undefined> {
    if (!ids.length) return 0;
    const what = ids.length === 1 ? `Cannot train #${ids[0]} to the end` : `Cannot train ${ids.length} screened models to the end`;
    const queued = await this.call(what, () => api.trainToEnd(ids));
    if (queued === undefined) return undefined;
    this.toast(queued === 0 ? "No screened model to train to the end." : `${queued} screened model${queued === 1 ? "" : "s"} queued to train to the end, next in the queue.`);
    this.queueVersion++;
    await this.refresh();
    return queued;
  }

  inspect(id: number | null) {
    this.inspected = this.chosen = id;
  }

  /** A drawer row under the mouse is inspected while hovered; null goes back to the chosen model. */
  preview(id: number | null) {
    this.inspected = id ?? this.chosen;
  }

  /** A click on the map: keep the model in the drawer and inspect it. */
  async pick(id: number) {
    this.inspect(id);
    if (!this.drawer.includes(id)) await this.addToDrawer([id]);
  }

  /**
   * Sets the focus classes and keeps them with the session (screening ranks by them from two
   * on); the overview is fetched again when what it ranks by changes.
   */
  async setFocus(names: string[]) {
    const before = this.rankFocus.join("\n");
    const id = this.session?.id;
    this.focus = [...new Set(names)];
    const kept = [...this.focus];
    await Promise.all([
      id === undefined ? null : this.call("Cannot keep the focus classes", () => api.setFocus(id, kept)),
      this.rankFocus.join("\n") !== before ? this.refresh() : null,
    ]);
  }

  /** A click on a class card focuses on it alone (or clears it); shift-click adds or removes it. */
  clickClass(name: string, add: boolean) {
    return this.setFocus(nextFocus(this.focus, name, add));
  }

  /**
   * "New session on these classes": a session of the data set restricted to the focus, seeded
   * with the architectures of the drawer's models; opens it. True when Rust created it.
   */
  async sessionOnFocus(): Promise<boolean> {
    const id = this.session?.id;
    const [classes, models] = [[...this.focus], [...this.drawer]];
    if (id === undefined || classes.length < MIN_FOCUS || !models.length) return false;
    const info = await this.call(`Cannot start a session on ${classes.join(", ")}`, () => api.sessionOnClasses(id, classes, models));
    if (!info) return false;
    await this.open(info);
    void this.loadSessions();
    return true;
  }

  hoverClass(index: number | null) {
    this.hoveredClass = index;
  }

  onQueueEvent(ev: QueueEvent) {
    this.live = applyProgress(this.live, ev);
    if (TEST_HOOKS && ev.type === "job" && ev.status === "running") {
      // The order jobs started in, for end-to-end tests of reordering (test builds only).
      const w = globalThis as unknown as { __remapStartOrder?: number[] };
      (w.__remapStartOrder ??= []).push(ev.job_id);
    }
    switch (ev.type) {
      case "job":
        if (FINISHED.includes(ev.status)) this.batch.set(ev.job_id, ev.status);
        if (this.session && ev.session_id !== this.session.id) return;
        // Any change of a job's state (queued, running, finished) changes the overview's counts
        // too: one reload of both.
        this.scheduleRefresh();
        break;
      case "epoch":
      case "reordered":
        this.scheduleQueue();
        break;
      case "paused":
        this.queuePaused = true;
        break;
      case "resumed":
        this.queuePaused = false;
        break;
      case "idle":
        if (this.batch.size >= BATCH_NOTIFY) notify("REMAP training finished", batchText([...this.batch.values()]), (text) => this.toast(text));
        this.batch.clear();
        this.scheduleRefresh();
        break;
    }
  }

  /** Gathers job changes for up to a second, then reloads the overview and the queue once. */
  private scheduleRefresh() {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, REFRESH_MS);
  }

  private scheduleQueue() {
    if (this.queueTimer) return;
    this.queueTimer = setTimeout(() => {
      this.queueTimer = null;
      void this.reloadQueue();
    }, REFRESH_MS);
  }

  /** Sets (or with null lifts) the open session's parameter budget; true when Rust took it. */
  async setBudget(budget: number | null): Promise<boolean> {
    const id = this.session?.id;
    if (id === undefined) return false;
    const info = await this.call("Cannot set the parameter budget", () => api.setBudget(id, budget));
    if (!info) return false;
    if (this.session?.id === id) this.session = info;
    return true;
  }
}

/** The app's one state. */
export const remap = new RemapState();
