import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));

import ModelDrawer from "./ModelDrawer.svelte";
import ModelOverview from "./ModelOverview.svelte";
import { remap } from "../lib/session.svelte";
import { callsOf, handlers, resetTauri } from "../test/tauri-mock";
import { RecordingContext } from "../test/canvas";
import { model, overview, session } from "../test/fixtures";

// The overview and the drawer together: models dragged off the map land in the drawer; hovering a
// drawer row inspects it only while hovered.

const MODELS = [model(1), model(2, { origin: "ablation", parent: 1 }), model(3, { origin: "variation", parent: 1 })];
let drawer: number[] = [];

async function openWith(kept: number[]) {
  drawer = [...kept];
  handlers.overview = () => overview(MODELS);
  handlers.drawer = () => [...drawer];
  handlers.add_to_drawer = ({ modelIds }: { modelIds: number[] }) => void drawer.push(...modelIds.filter((id) => !drawer.includes(id)));
  handlers.queue = () => [];
  handlers.queue_status = () => ({ paused: false, running: [] });
  await remap.open(session());
}

const original = HTMLCanvasElement.prototype.getContext;
beforeEach(() => {
  resetTauri();
  remap.reset();
  remap.starting = false;
  HTMLCanvasElement.prototype.getContext = (() => new RecordingContext()) as unknown as HTMLCanvasElement["getContext"];
});
afterEach(() => {
  HTMLCanvasElement.prototype.getContext = original;
});

const frames = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rows = (c: HTMLElement) => [...c.querySelectorAll("tr[data-model-id]")].map((r) => Number(r.getAttribute("data-model-id")));

describe("dragging from the overview to the drawer", () => {
  it("adds the dragged model to the drawer, which is marked while the model is carried", async () => {
    await openWith([]);
    const ov = render(ModelOverview);
    const dr = render(ModelDrawer);
    const drop = dr.container.querySelector<HTMLElement>('[data-drop="drawer"]')!;
    expect(drop).not.toBeNull(); // the empty drawer takes drops too
    // The drawer lies right of the map (jsdom has no layout).
    document.elementFromPoint = (x: number) => (x > 1000 ? drop.firstElementChild : document.body);
    await frames(700);
    const at = (window as unknown as { __remapPointScreen: (id: number) => { x: number; y: number } }).__remapPointScreen(2);
    const canvas = ov.getByTestId("overview-canvas");
    await fireEvent.pointerDown(canvas, { clientX: at.x, clientY: at.y, button: 0 });
    await fireEvent.pointerMove(document.body, { clientX: 1100, clientY: 500 });
    expect(drop.hasAttribute("data-drop-over")).toBe(true);
    expect(ov.getByTestId("drag-ghost").textContent).toBe("#2");
    await fireEvent.pointerUp(document.body, { clientX: 1100, clientY: 500, button: 0 });
    await waitFor(() => expect(rows(dr.container)).toEqual([2]));
    expect(callsOf("add_to_drawer")).toEqual([{ modelIds: [2] }]);
    expect(drop.hasAttribute("data-drop-over")).toBe(false);
    expect(remap.inspected).toBeNull(); // a drag is not a click
  });
});

describe("hovering a drawer row", () => {
  it("inspects it only while hovered; the chosen model (the Generate tab's) stays", async () => {
    await openWith([1, 2, 3]);
    remap.inspect(1); // clicked on the map
    const { container } = render(ModelDrawer);
    const row = (id: number) => container.querySelector<HTMLElement>(`tr[data-model-id="${id}"]`)!;
    await fireEvent.mouseEnter(row(3));
    expect([remap.inspected, remap.chosen]).toEqual([3, 1]);
    await fireEvent.mouseEnter(row(2));
    expect([remap.inspected, remap.chosen]).toEqual([2, 1]);
    await fireEvent.mouseLeave(container.querySelector("tbody")!);
    expect([remap.inspected, remap.chosen]).toEqual([1, 1]);
  });

  it("keeps a clicked row inspected, by a click on the row or its # button, not on its controls", async () => {
    await openWith([1, 2, 3]);
    handlers.remove_from_drawer = () => undefined;
    remap.inspect(1);
    const { container, getByRole } = render(ModelDrawer);
    const row = (id: number) => container.querySelector<HTMLElement>(`tr[data-model-id="${id}"]`)!;
    await fireEvent.mouseEnter(row(2));
    await fireEvent.click(row(2).querySelector(".snac-cell")!);
    await fireEvent.mouseLeave(container.querySelector("tbody")!);
    expect([remap.inspected, remap.chosen]).toEqual([2, 2]);
    await fireEvent.click(getByRole("button", { name: "#3" }));
    expect(remap.chosen).toBe(3);
    await fireEvent.mouseEnter(row(1));
    await fireEvent.click(row(1).querySelector("input.compare-pick")!);
    await fireEvent.click(getByRole("button", { name: "Remove #1" }));
    await fireEvent.mouseLeave(container.querySelector("tbody")!);
    expect([remap.inspected, remap.chosen]).toEqual([3, 3]);
  });

  it("forgets the chosen model with the session", async () => {
    await openWith([1]);
    remap.inspect(1);
    await remap.open(session({ id: 2 }));
    remap.preview(null);
    expect([remap.inspected, remap.chosen]).toEqual([null, null]);
  });
});
