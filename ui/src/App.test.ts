import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("./test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("./test/tauri-mock")).listen }));

import App from "./App.svelte";
import { callsOf, emitEvent, handlers, resetTauri } from "./test/tauri-mock";
import { model, overview, session } from "./test/fixtures";
import { remap } from "./lib/session.svelte";
import { importer } from "./lib/importer.svelte";

beforeEach(() => {
  resetTauri();
  remap.reset();
  handlers.app_info = () => ({
    version: "0.1.0",
    data_dir: "/tmp/remap",
    device: "CPU (flex)",
    licence: "Apache-2.0",
    credits: [
      { name: "burn", version: "0.22.1", purpose: "models and training", licence: "MIT OR Apache-2.0" },
      { name: "WebKitGTK", version: null, purpose: "renders the interface (system library)", licence: "LGPL-2.1-or-later" },
    ],
  });
  handlers.last_session = () => null;
  handlers.sessions = () => [];
});
afterEach(() => remap.reset());

describe("App layout", () => {
  it("shows the overview and drawer on the left and six tools as tabs", async () => {
    render(App);
    expect(screen.getByRole("region", { name: "Model Overview" })).toBeTruthy();
    expect(screen.getByRole("region", { name: "Model Drawer" })).toBeTruthy();
    const tabs = screen.getAllByRole("tab").map((t) => t.textContent);
    expect(tabs).toEqual(["Data Selector", "Model Inspector", "Generate Models", "Queue", "Workers", "Effects"]);
    expect(await screen.findByText("CPU (flex)")).toBeTruthy();
  });

  it("switches the right-hand tool when a tab is clicked", async () => {
    render(App);
    await fireEvent.click(screen.getByRole("tab", { name: "Queue" }));
    expect(screen.getByRole("tab", { name: "Queue" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByText("The queue is empty")).toBeTruthy();
  });
});

describe("About", () => {
  it("shows the version, the data directory and the credited licences, and closes on Escape", async () => {
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "About" }));
    const dialog = screen.getByRole("dialog", { name: "REMAP 0.1.0" });
    expect(dialog.textContent).toContain("/tmp/remap");
    expect(dialog.textContent).toContain("Apache-2.0");
    const rows = [...dialog.querySelectorAll("tbody tr")].map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent));
    expect(rows).toEqual([
      ["burn", "0.22.1", "models and training", "MIT OR Apache-2.0"],
      ["WebKitGTK", "system", "renders the interface (system library)", "LGPL-2.1-or-later"],
    ]);
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.queryByRole("dialog", { name: "REMAP 0.1.0" })).toBeNull();
  });
});

describe("Welcome", () => {
  it("creates and opens the built-in sketches session", async () => {
    const m = [model(1), model(2)];
    handlers.create_session = () => session({ models: 2 });
    handlers.overview = () => overview(m);
    handlers.drawer = () => [];
    handlers.queue = () => [];
    handlers.class_samples = () => [];
    render(App);
    const start = await screen.findByRole("button", { name: "Start with the built-in sketches" });
    expect(start.id).toBe("start-sketches");
    await fireEvent.click(start);
    await waitFor(() => expect(callsOf("create_session")).toEqual([{ request: { name: "Sketches", dataset: "sketches", new_name_if_taken: true } }]));
    const canvas = await screen.findByTestId("overview-canvas");
    expect(canvas.getAttribute("data-point-count")).toBe("2");
    expect(document.querySelector("#start-sketches")).toBeNull();
  });

  it("creates a session from the data set form", async () => {
    handlers.create_session = () => session();
    handlers.overview = () => overview([]);
    handlers.drawer = () => [];
    handlers.queue = () => [];
    handlers.class_samples = () => [];
    const { container } = render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Choose a data set…" }));
    const form = container.querySelector("form[aria-label='New session from a data set']") as HTMLFormElement;
    await fireEvent.change(form.querySelector("select")!, { target: { value: "cifar10" } });
    await fireEvent.input(form.querySelector("input[name=path]")!, { target: { value: "/data/cifar/" } });
    await fireEvent.input(form.querySelector("input[name=classes]")!, { target: { value: "cat, bird" } });
    await fireEvent.input(form.querySelector("input[name=limit]")!, { target: { value: "1000" } });
    await fireEvent.input(form.querySelector("input[name=models]")!, { target: { value: "20" } });
    const screening = form.querySelector("select[name=screening]") as HTMLSelectElement;
    expect(screening.value).toBe("halving"); // successive halving unless the user turns it off
    await fireEvent.change(screening, { target: { value: "off" } });
    await fireEvent.submit(form);
    await waitFor(() => expect(callsOf("create_session").length).toBe(1));
    expect(callsOf("create_session")[0].request).toEqual({
      name: "cifar", dataset: "cifar10:/data/cifar/", classes: ["cat", "bird"], limit: 1000, models: 20, epochs: 10, screening: "off", space: "remap-2019",
    });
    expect(await screen.findByText("Sampling models…")).toBeTruthy();
  });

  it("shows why creating a session failed", async () => {
    handlers.create_session = () => {
      throw "no such folder: /nope";
    };
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Start with the built-in sketches" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("no such folder: /nope");
    await fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("Session menu", () => {
  beforeEach(() => {
    handlers.last_session = () => session();
    handlers.overview = () => overview([model(1)]);
    handlers.drawer = () => [];
    handlers.queue = () => [];
    handlers.class_samples = () => [];
    handlers.sessions = () => [session(), session({ id: 2, name: "Birds", dataset: "cifar10:/d" })];
  });

  it("lists sessions and switches to another", async () => {
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: /Sketches/ }));
    const item = await screen.findByRole("menuitem", { name: /Birds/ });
    handlers.overview = () => ({ ...overview([]), session: session({ id: 2, name: "Birds" }) });
    await fireEvent.click(item);
    await waitFor(() => expect(callsOf("overview").at(-1)).toEqual({ sessionId: 2, focus: [] }));
    expect(remap.session?.name).toBe("Birds");
  });

  it("deletes a session only after confirmation", async () => {
    handlers.delete_session = () => undefined;
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: /Sketches/ }));
    await fireEvent.click(await screen.findByRole("button", { name: "Delete Birds" }));
    expect(callsOf("delete_session")).toEqual([]);
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toContain("Delete “Birds”?");
    await fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(callsOf("delete_session")).toEqual([{ id: 2 }]));
    expect(screen.queryByRole("alertdialog")).toBeNull();
  });

  it("renames a session", async () => {
    handlers.rename_session = ({ id, name }: { id: number; name: string }) => session({ id, name });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: /Sketches/ }));
    await fireEvent.click(await screen.findByRole("button", { name: "Rename Sketches" }));
    const input = screen.getByRole("textbox", { name: "New name" });
    await fireEvent.input(input, { target: { value: "Doodles" } });
    await fireEvent.submit(input.closest("form")!);
    await waitFor(() => expect(callsOf("rename_session")).toEqual([{ id: 1, name: "Doodles" }]));
    expect(remap.session?.name).toBe("Doodles");
  });
});

describe("Errors", () => {
  it("shows an unreachable core in the error bar", async () => {
    handlers.app_info = () => {
      throw "plugin not found";
    };
    render(App);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Cannot reach the REMAP core: plugin not found");
  });
});

describe("Import", () => {
  // The one importer outlives a rendered App: each test starts with its dialog closed.
  beforeEach(() => importer.close());

  const imported = {
    format: "onnx",
    architecture: { input: { height: 8, width: 8, channels: 1 }, classes: 3, layers: [] },
    summary: "C3x4 relu M2 D16 relu",
    snac: model(1).snac,
    params: 1234,
    notes: ["weights are not imported: REMAP explores the architecture"],
  };

  it("opens a dropped ONNX file in the import dialog, with its size and what was left out", async () => {
    handlers.import_architecture = () => imported;
    render(App);
    await waitFor(() => expect(callsOf("app_info").length).toBe(1));
    emitEvent("tauri://drag-drop", { paths: ["/tmp/notes.txt", "/home/u/net.onnx"], position: { x: 10, y: 10 } });
    const dialog = await screen.findByTestId("import-dialog");
    expect(callsOf("import_architecture")).toEqual([{ path: "/home/u/net.onnx" }]);
    expect(dialog.textContent).toContain("net.onnx");
    expect(screen.getByTestId("import-net").dataset.params).toBe("1234");
    expect(dialog.textContent).toContain("weights are not imported");
    // Without an open session there is no editor to open it in; a session around it is offered.
    expect((dialog.querySelector("#import-edit") as HTMLButtonElement).disabled).toBe(true);
    expect(dialog.querySelector("#import-around-start")).not.toBeNull();
  });

  it("shows Rust's refusal, naming the op and node", async () => {
    handlers.import_architecture = () => {
      throw "BatchNormalization node /norm/BatchNormalization: not expressible; fold it into the preceding Conv before export";
    };
    render(App);
    await waitFor(() => expect(callsOf("app_info").length).toBe(1));
    emitEvent("tauri://drag-drop", { paths: ["/home/u/bn.onnx"], position: { x: 10, y: 10 } });
    const refusal = await screen.findByTestId("import-refusal");
    expect(refusal.textContent).toContain("/norm/BatchNormalization");
  });

  it("leaves drops of other files alone", async () => {
    handlers.import_architecture = () => imported;
    render(App);
    await waitFor(() => expect(callsOf("app_info").length).toBe(1));
    // A drop is handled as it arrives: an importable path would be asked for at once.
    emitEvent("tauri://drag-drop", { paths: ["/tmp/photo.png"], position: { x: 10, y: 10 } });
    expect(callsOf("import_architecture")).toEqual([]);
    expect(screen.queryByTestId("import-dialog")).toBeNull();
  });
});
