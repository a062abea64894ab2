// The Workers tab (training on other machines through a shared database) and the Database dialog.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));
import App from "../App.svelte";
import Workers, { WORKERS_REFRESH_MS, ago, requestOf, startedText } from "./Workers.svelte";
import DatabaseDialog from "../components/DatabaseDialog.svelte";
import { remap } from "../lib/session.svelte";
import { callsOf, handlers, resetTauri } from "../test/tauri-mock";
import { model, overview, session } from "../test/fixtures";
import type { DatabaseView, WorkersView, WorkerView } from "../lib/api";

const POSTGRES: DatabaseView = { kind: "postgres", location: "postgres://remap@db:5432/remap", artifacts: "database" };
const SQLITE: DatabaseView = { kind: "sqlite", location: "/home/me/.local/share/remap/remap.db", artifacts: "/home/me/.local/share/remap/artifacts" };

const worker = (id: string, over: Partial<WorkerView> = {}): WorkerView => ({
  id, host: "node3", device: "cuda:0", engine: "slurm", engine_job: "12_0", sessions: null, current_job: null,
  started_at: Date.now() - 60_000, heartbeat: Date.now() - 3000, stopped_at: null, status: "running", engine_state: "RUNNING", ...over,
});

function serve(view: Partial<WorkersView> = {}) {
  const v: WorkersView = { database: POSTGRES, workers: [], slurm_here: true, ...view };
  handlers.workers = () => v;
  return v;
}

const input = (id: string) => document.querySelector(`#${id}`) as HTMLInputElement;
const rows = (c: HTMLElement) => [...c.querySelectorAll<HTMLTableRowElement>("tr.worker")];

beforeEach(() => {
  resetTauri();
  remap.reset();
  remap.starting = false;
});
afterEach(() => {
  vi.useRealTimers();
  remap.reset();
});

describe("the workers table", () => {
  it("shows one row per worker with its status as text, engine, job and heartbeat", async () => {
    serve({
      workers: [
        worker("slurm-12_0@node3", { current_job: 7 }),
        worker("slurm-12_1@node4", { host: "node4", engine_job: "12_1", status: "lost", engine_state: null }),
        worker("local-4242@here", { host: "here", device: "cpu", engine: "local", engine_job: "4242", status: "stopped", engine_state: null, sessions: ["1"] }),
      ],
    });
    const { container } = render(Workers);
    await waitFor(() => expect(rows(container)).toHaveLength(3));
    expect(rows(container).map((r) => [r.dataset.workerId, r.dataset.workerStatus, r.querySelector(".status-text")!.textContent])).toEqual([
      ["slurm-12_0@node3", "running", "running"],
      ["slurm-12_1@node4", "lost", "lost"],
      ["local-4242@here", "stopped", "stopped"],
    ]);
    const cells = (r: HTMLTableRowElement) => [...r.querySelectorAll("td")].map((td) => td.textContent!.trim());
    const [first, lost, stopped] = rows(container);
    expect(cells(first)).toEqual(["slurm-12_0@node3", "node3", "cuda:0", "Slurm 12_0", "running", "RUNNING", "#7", "3 s ago", "Stop"]);
    expect(cells(lost).slice(5, 7)).toEqual(["—", "—"]);
    expect(cells(stopped)[3]).toBe("this machine 4242");
    // Each status has its own dot, and only running workers can be stopped.
    expect(rows(container).map((r) => r.querySelector(".dot")!.className)).toEqual([expect.stringContaining("running"), expect.stringContaining("lost"), expect.stringContaining("stopped")]);
    expect(rows(container).map((r) => !!r.querySelector("button.stop-worker"))).toEqual([true, false, false]);
    expect(screen.getByTestId("workers-database").textContent).toContain("PostgreSQL postgres://remap@db:5432/remap");
    expect(screen.getByTestId("workers-database").textContent).toContain("weights and checkpoints in the database");
  });

  it("explains workers and the command line when there are none", async () => {
    serve();
    render(Workers);
    const empty = await screen.findByTestId("workers-empty");
    expect(empty.textContent).toContain("remap workers submit --slurm --count N --db URL");
    expect(document.querySelector("#workers-stop-all")).toBeNull();
  });

  it("asks again every 2 s while shown, and stops when closed", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    serve();
    const { unmount } = render(Workers);
    await waitFor(() => expect(callsOf("workers")).toHaveLength(1));
    vi.advanceTimersByTime(WORKERS_REFRESH_MS);
    await waitFor(() => expect(callsOf("workers")).toHaveLength(2));
    unmount();
    vi.advanceTimersByTime(3 * WORKERS_REFRESH_MS);
    expect(callsOf("workers")).toHaveLength(2);
  });

  it("reads heartbeats relative to now", () => {
    expect(ago(10_000, 13_400)).toBe("3 s ago");
    expect(ago(0, 5 * 60_000 + 10_000)).toBe("5 min ago");
    expect(ago(0, 2 * 3600_000)).toBe("2 h ago");
    expect(ago(20_000, 10_000)).toBe("0 s ago");
    expect(startedText(["12_0", "12_1"])).toBe("Started 2 workers: 12_0, 12_1");
    expect(startedText(["4242"])).toBe("Started 1 worker: 4242");
  });
});

describe("adding workers", () => {
  it("submits exactly the Slurm request the form shows: only the fields filled in", async () => {
    serve();
    handlers.submit_workers = () => ["12_0", "12_1"];
    render(Workers);
    await waitFor(() => expect(input("workers-engine-slurm").checked).toBe(true));
    await fireEvent.input(input("workers-count"), { target: { value: "2" } });
    await fireEvent.input(input("workers-partition"), { target: { value: " gpu " } });
    await fireEvent.input(input("workers-gres"), { target: { value: "gpu:1" } });
    await fireEvent.change(document.querySelector("#workers-device")!, { target: { value: "gpu" } });
    const workersCalls = callsOf("workers").length;
    await fireEvent.click(input("workers-submit"));
    await waitFor(() => expect(callsOf("submit_workers")).toEqual([{ request: { engine: "slurm", count: 2, partition: "gpu", gres: "gpu:1", device: "gpu" } }]));
    expect((await screen.findByTestId("workers-result")).textContent).toBe("Started 2 workers: 12_0, 12_1");
    await waitFor(() => expect(callsOf("workers").length).toBeGreaterThan(workersCalls)); // refreshed right away

    // Time limit, CPUs and a via prefix, then this machine: the Slurm fields stay out.
    await fireEvent.input(input("workers-time"), { target: { value: "2:00:00" } });
    await fireEvent.input(input("workers-cpus"), { target: { value: "4" } });
    await fireEvent.input(input("workers-via"), { target: { value: "ssh login" } });
    await fireEvent.click(input("workers-submit"));
    await waitFor(() => expect(callsOf("submit_workers")[1]).toEqual({ request: { engine: "slurm", count: 2, partition: "gpu", gres: "gpu:1", time: "2:00:00", cpus_per_task: 4, via: "ssh login", device: "gpu" } }));
    await fireEvent.click(input("workers-engine-local"));
    await fireEvent.click(input("workers-submit"));
    await waitFor(() => expect(callsOf("submit_workers")[2]).toEqual({ request: { engine: "local", count: 2, device: "gpu" } }));
  });

  it("shows why starting failed, and refuses a count below 1", async () => {
    serve();
    handlers.submit_workers = () => Promise.reject("sbatch: error: invalid partition specified: gpux");
    render(Workers);
    await waitFor(() => expect(input("workers-engine-slurm").checked).toBe(true));
    await fireEvent.click(input("workers-submit"));
    expect((await screen.findByTestId("workers-error")).textContent).toBe("Cannot start the workers: sbatch: error: invalid partition specified: gpux");
    expect(screen.getByTestId("workers-error").getAttribute("role")).toBe("alert");
    await fireEvent.input(input("workers-count"), { target: { value: "0" } });
    expect(await screen.findByText("The number of workers must be a whole number, 1 or more.")).toBeTruthy();
    expect(input("workers-submit").disabled).toBe(true);
  });

  it("disables Slurm on an SQLite database and says why", async () => {
    serve({ database: SQLITE });
    handlers.submit_workers = () => ["4242"];
    render(Workers);
    expect((await screen.findByTestId("workers-sqlite-note")).textContent).toContain("PostgreSQL");
    expect(input("workers-engine-slurm").disabled).toBe(true);
    expect(input("workers-engine-slurm").closest("label")!.title).toContain("need a PostgreSQL database");
    expect(input("workers-engine-local").checked).toBe(true);
    expect(screen.getByTestId("workers-database").textContent).toContain("SQLite /home/me/.local/share/remap/remap.db");
    await fireEvent.click(input("workers-submit"));
    await waitFor(() => expect(callsOf("submit_workers")).toEqual([{ request: { engine: "local", count: 1 } }]));
    expect((await screen.findByTestId("workers-result")).textContent).toBe("Started 1 worker: 4242");
  });

  it("disables Slurm without sbatch here until a via prefix is typed", async () => {
    serve({ slurm_here: false });
    render(Workers);
    await waitFor(() => expect(input("workers-engine-slurm").disabled).toBe(true));
    expect(input("workers-engine-slurm").closest("label")!.title).toContain("sbatch is not on this machine's PATH");
    await fireEvent.input(input("workers-via"), { target: { value: "ssh login-host" } });
    expect(input("workers-engine-slurm").disabled).toBe(false);
    expect(input("workers-engine-slurm").checked).toBe(true);
  });

  it("builds requests without empty or non-Slurm fields", () => {
    const form = { count: 3, partition: "", gres: " ", time: "", cpus: null, via: "", device: "" as const };
    expect(requestOf(form, "slurm")).toEqual({ engine: "slurm", count: 3 });
    expect(requestOf({ ...form, partition: "p", via: "ssh x" }, "local")).toEqual({ engine: "local", count: 3 });
  });
});

describe("stopping workers", () => {
  it("Stop on a row asks that worker; Stop all asks every running one", async () => {
    serve({ workers: [worker("slurm-12_0@node3"), worker("slurm-12_1@node4", { engine_job: "12_1" })] });
    handlers.stop_workers = ({ ids }: { ids: string[] }) => (ids.length ? ids : ["slurm-12_0@node3", "slurm-12_1@node4"]);
    const { container } = render(Workers);
    await waitFor(() => expect(rows(container)).toHaveLength(2));
    await fireEvent.click(container.querySelector("tr.worker[data-worker-id='slurm-12_1@node4'] button.stop-worker")!);
    await waitFor(() => expect(callsOf("stop_workers")).toEqual([{ ids: ["slurm-12_1@node4"] }]));
    expect((await screen.findByTestId("workers-result")).textContent).toBe("Asked slurm-12_1@node4 to stop.");
    await fireEvent.click(input("workers-stop-all"));
    await waitFor(() => expect(callsOf("stop_workers")[1]).toEqual({ ids: [] }));
    await waitFor(() => expect(screen.getByTestId("workers-result").textContent).toBe("Asked 2 workers to stop: slurm-12_0@node3, slurm-12_1@node4"));
  });
});

describe("the Database dialog", () => {
  it("connects with the URL and password typed; an error is shown and what was typed kept", async () => {
    handlers.database = () => SQLITE;
    handlers.connect_database = ({ url }: { url: string }) =>
      url.includes("wrong") ? Promise.reject("password authentication failed for user \"remap\"") : { ...POSTGRES, location: url };
    const onconnected = vi.fn();
    const onclose = vi.fn();
    render(DatabaseDialog, { onconnected, onclose });
    expect((await screen.findByTestId("database-current")).textContent).toContain("SQLite");
    const password = input("database-password");
    expect(password.type).toBe("password");
    expect(password.getAttribute("autocomplete")).toBe("off");
    expect(screen.getByTestId("database-dialog").textContent).toContain("Not saved: type it again after a restart");
    expect(input("database-url").placeholder).toBe("postgres://user@host:5432/remap");

    await fireEvent.input(input("database-url"), { target: { value: "postgres://remap@wrong:5432/remap" } });
    await fireEvent.input(password, { target: { value: "s3cret" } });
    await fireEvent.click(input("database-connect"));
    await waitFor(() => expect(callsOf("connect_database")).toEqual([{ url: "postgres://remap@wrong:5432/remap", password: "s3cret" }]));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe('Cannot connect: password authentication failed for user "remap"');
    expect(input("database-url").value).toBe("postgres://remap@wrong:5432/remap");
    expect(input("database-password").value).toBe("s3cret");
    expect(onconnected).not.toHaveBeenCalled();
    expect(onclose).not.toHaveBeenCalled();

    await fireEvent.input(input("database-url"), { target: { value: "postgres://remap@db:5432/remap" } });
    await fireEvent.click(input("database-connect"));
    await waitFor(() => expect(onconnected).toHaveBeenCalledWith({ ...POSTGRES, location: "postgres://remap@db:5432/remap" }));
    expect(callsOf("connect_database")[1]).toEqual({ url: "postgres://remap@db:5432/remap", password: "s3cret" });
    expect(onclose).toHaveBeenCalled();
  });

  it("goes back to this machine's database with an empty URL and no password, and closes on Escape", async () => {
    handlers.database = () => POSTGRES;
    handlers.connect_database = () => SQLITE;
    const onconnected = vi.fn();
    const onclose = vi.fn();
    render(DatabaseDialog, { onconnected, onclose });
    await waitFor(() => expect(input("database-url").value).toBe("postgres://remap@db:5432/remap")); // starts at the one in use
    await fireEvent.input(input("database-password"), { target: { value: "x" } });
    await fireEvent.click(input("database-local"));
    await waitFor(() => expect(callsOf("connect_database")).toEqual([{ url: "", password: null }]));
    await waitFor(() => expect(onconnected).toHaveBeenCalledWith(SQLITE));
    onclose.mockClear();
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(onclose).toHaveBeenCalled();
  });
});

describe("the Workers tab in the app", () => {
  beforeEach(() => {
    handlers.app_info = () => ({ version: "0.1.0", data_dir: "/tmp/remap", device: "CPU", licence: "Apache-2.0", credits: [] });
    handlers.overview = () => overview([model(1)]);
    handlers.drawer = () => [];
    handlers.queue = () => [];
    handlers.queue_status = () => ({ paused: false, running: [] });
    handlers.class_samples = () => [];
  });

  it("opens with W, and a switch of database reloads the sessions and drops the open one", async () => {
    const old = session({ id: 1, name: "Old sketches" });
    handlers.last_session = () => old;
    handlers.sessions = () => [old];
    serve({ database: SQLITE });
    render(App);
    await waitFor(() => expect(remap.session?.name).toBe("Old sketches"));
    await fireEvent.keyDown(window, { key: "w" });
    expect(screen.getByRole("tab", { name: "Workers" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("tab", { name: "Workers" }).title).toBe("Workers (W): training on other machines");
    await screen.findByTestId("workers-sqlite-note");

    // The cluster's database has no session yet.
    handlers.last_session = () => null;
    handlers.sessions = () => [];
    handlers.connect_database = () => POSTGRES;
    serve({ database: POSTGRES, workers: [worker("slurm-12_0@node3")] });
    const [lastCalls, sessionCalls] = [callsOf("last_session").length, callsOf("sessions").length];
    await fireEvent.click(input("workers-open-database"));
    await fireEvent.input(input("database-url"), { target: { value: "postgres://remap@db:5432/remap" } });
    await fireEvent.click(input("database-connect"));
    await waitFor(() => expect(callsOf("last_session").length).toBeGreaterThan(lastCalls));
    await waitFor(() => expect(callsOf("sessions").length).toBeGreaterThan(sessionCalls));
    await waitFor(() => expect(remap.session).toBeNull());
    expect(screen.queryByTestId("database-dialog")).toBeNull();
    // Still on the Workers tab, now showing the new database's workers.
    expect(screen.getByRole("tab", { name: "Workers" }).getAttribute("aria-selected")).toBe("true");
    await waitFor(() => expect(document.querySelectorAll("tr.worker")).toHaveLength(1));
    expect(screen.getByTestId("workers-database").textContent).toContain("PostgreSQL");
    expect(document.querySelector("#session-menu")!.textContent).toContain("No session");
  });
});
