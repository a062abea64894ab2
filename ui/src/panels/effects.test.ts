// The Effects tab: one row per kind of edit, a shared Δ-accuracy axis, selection by row.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));

import EditEffects from "./EditEffects.svelte";
import { remap } from "../lib/session.svelte";
import { callsOf, handlers, resetTauri } from "../test/tauri-mock";
import { model, overview, session } from "../test/fixtures";
import type { EditEffect, Effects } from "../lib/api";

const spread = (min: number, q1: number, median: number, q3: number, max: number) => ({ min, q1, median, q3, max });
const kind = (name: string, points: [number, number | null, number][], over: Partial<EditEffect> = {}): EditEffect => {
  const compared = points.filter(([, d]) => d !== null).length;
  return {
    kind: name, count: points.length, compared, delta_accuracy: null, delta_params: spread(0, 0, 0, 0, 0),
    improved: compared ? points.filter(([, d]) => d !== null && d > 0).length / compared : null,
    points: points.map(([m, d, p]) => ({ model: m, parent: 1, delta_accuracy: d, delta_params: p })), ...over,
  };
};

const EFFECTS: Effects = {
  children: 5,
  kinds: [
    kind("remove dropout", [[2, 0.01, -130], [3, 0.04, -130], [4, null, -130]], { delta_accuracy: spread(0.01, 0.0175, 0.025, 0.0325, 0.04), delta_params: spread(-130, -130, -130, -130, -130) }),
    kind("widen dense", [[5, -0.02, 12000], [6, 0.005, 12400]], { delta_accuracy: spread(-0.02, -0.014, -0.008, -0.001, 0.005), delta_params: spread(12000, 12100, 12200, 12300, 12400) }),
  ],
};

async function openWith(effects: Effects) {
  handlers.overview = () => overview([1, 2, 3, 4, 5, 6].map((i) => model(i)));
  handlers.drawer = () => [];
  handlers.queue = () => [];
  handlers.add_to_drawer = () => undefined;
  handlers.effects = () => effects;
  await remap.open(session());
}

beforeEach(() => {
  resetTauri();
  remap.reset();
  remap.starting = false;
});

describe("Edit effects", () => {
  it("shows one row per kind, most frequent first, with counts, improved share and medians", async () => {
    await openWith(EFFECTS);
    const { container } = render(EditEffects);
    await waitFor(() => expect(container.querySelectorAll("button.row").length).toBe(2));
    expect(callsOf("effects")).toEqual([{ sessionId: 1 }]);
    const rows = [...container.querySelectorAll("button.row")];
    expect(rows.map((r) => r.getAttribute("data-kind"))).toEqual(["remove dropout", "widen dense"]);
    const text = (r: Element, sel: string) => r.querySelector(sel)!.textContent;
    expect(text(rows[0], ".count")).toBe("3 children · 2 compared");
    expect(text(rows[0], ".improved")).toBe("2 of 2 improved");
    expect(text(rows[0], ".acc")).toBe("+2.5 pp");
    expect(text(rows[0], ".params")).toBe("−130");
    expect(text(rows[1], ".count")).toBe("2 children");
    expect(text(rows[1], ".improved")).toBe("1 of 2 improved");
    expect(text(rows[1], ".acc")).toBe("−0.8 pp");
    expect(text(rows[1], ".params")).toBe("+12k");
  });

  it("places dots in proportion to Δ accuracy on one shared axis around zero, coloured by improvement", async () => {
    await openWith(EFFECTS);
    const { container } = render(EditEffects);
    await waitFor(() => expect(container.querySelectorAll("circle[data-model]").length).toBe(4)); // #4 is not compared
    const zero = Number(container.querySelector('[data-kind="remove dropout"] .zero')!.getAttribute("x1"));
    const off = (id: number) => Number(container.querySelector(`circle[data-model="${id}"]`)!.getAttribute("cx")) - zero;
    expect(off(2)).toBeGreaterThan(0);
    expect(off(3)).toBeCloseTo(4 * off(2));
    expect(off(5)).toBeCloseTo(-2 * off(2)); // the other row shares the axis
    expect(Number(container.querySelector('[data-kind="widen dense"] .zero')!.getAttribute("x1"))).toBe(zero);
    expect(container.querySelector('circle[data-model="3"]')!.classList.contains("up")).toBe(true);
    expect(container.querySelector('circle[data-model="5"]')!.classList.contains("up")).toBe(false);
    expect(container.querySelector('circle[data-model="3"] title')!.textContent).toBe("model #3 (parent #1): +4.0 pp, −130 params");
    // The box spans q1..q3 on the same scale.
    const box = container.querySelector('[data-kind="remove dropout"] rect.box')!;
    expect(Number(box.getAttribute("x")) - zero).toBeCloseTo(1.75 * off(2));
    expect(Number(box.getAttribute("width"))).toBeCloseTo(1.5 * off(2));
  });

  it("clicking a row selects its children (brushed, kept in the drawer)", async () => {
    await openWith(EFFECTS);
    const { container } = render(EditEffects);
    await waitFor(() => expect(container.querySelector('[data-kind="remove dropout"]')).toBeTruthy());
    const row = container.querySelector('[data-kind="remove dropout"]')!;
    await fireEvent.click(row);
    expect(remap.brushed).toEqual([2, 3, 4]);
    await waitFor(() => expect(callsOf("add_to_drawer")).toEqual([{ modelIds: [2, 3, 4] }]));
    expect(row.getAttribute("aria-pressed")).toBe("true");
  });

  it("explains an empty session and shows nothing without one", async () => {
    const { container } = render(EditEffects);
    expect(container.textContent!.trim()).toBe("");
    await openWith({ children: 0, kinds: [] });
    expect(await screen.findByText(/Generate ablations or variations to see what each kind of edit does/)).toBeTruthy();
  });

  it("fetches again once after a burst of overview reloads", async () => {
    await openWith(EFFECTS);
    const { container } = render(EditEffects);
    await waitFor(() => expect(container.querySelectorAll("button.row").length).toBe(2));
    handlers.effects = () => ({ ...EFFECTS, kinds: EFFECTS.kinds.slice(1) });
    for (let i = 0; i < 3; i++) {
      remap.overviewVersion++;
      await new Promise((r) => setTimeout(r, 50)); // well within the debounce
    }
    await waitFor(() => expect(container.querySelectorAll("button.row").length).toBe(1));
    expect(callsOf("effects").length).toBe(2);
  });
});
