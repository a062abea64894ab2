import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));

import ModelOverview from "./ModelOverview.svelte";
import { SIZE_STEPS } from "../lib/overview";
import { remap } from "../lib/session.svelte";
import { handlers, resetTauri } from "../test/tauri-mock";
import { model, overview, session } from "../test/fixtures";

// The overview's size filter: a "max size" slider on a log scale over the models' parameters;
// models over it fade in every view, and the label says the limit and how many pass.

const MODELS = [model(1, { params: 1_000 }), model(2, { params: 12_000 }), model(3, { params: 100_000 }), model(4, { params: 1_000_000 })];

async function openWith(budget: number | null = null) {
  handlers.overview = () => ({ ...overview(MODELS), session: { ...overview(MODELS).session, budget } });
  handlers.drawer = () => [];
  handlers.queue = () => [];
  handlers.queue_status = () => ({ paused: false, running: [] });
  await remap.open(session({ budget }));
  render(ModelOverview);
}

beforeEach(() => {
  resetTauri();
  remap.reset();
  remap.starting = false;
});

const slider = () => document.querySelector<HTMLInputElement>("#size-limit")!;
const label = () => screen.getByTestId("size-filter").querySelector("output")!.textContent;
const faded = () => screen.getByTestId("overview-canvas").getAttribute("data-faded");

describe("the size filter", () => {
  it("has no limit by default", async () => {
    await openWith();
    await screen.findByTestId("size-filter");
    expect(Number(slider().value)).toBe(SIZE_STEPS);
    expect(label()).toBe("any size · 4 of 4");
    expect(faded()).toBe("");
  });

  it("fades the models over the limit set on a log scale, in every view", async () => {
    await openWith();
    await screen.findByTestId("size-filter");
    // Half way along 1k … 1M (log scale): about 32k.
    await fireEvent.input(slider(), { target: { value: String(SIZE_STEPS / 2) } });
    expect(label()).toBe("≤ 32k params · 2 of 4");
    expect(faded()).toBe("3,4");
    for (const view of ["structure", "size"]) {
      await fireEvent.click(document.querySelector(`#view-${view}`)!);
      expect(faded()).toBe("3,4");
    }
    // All the way right: no limit again.
    await fireEvent.input(slider(), { target: { value: String(SIZE_STEPS) } });
    expect(label()).toBe("any size · 4 of 4");
    expect(faded()).toBe("");
  });

  it("starts at the session's budget", async () => {
    await openWith(100_000);
    await screen.findByTestId("size-filter");
    expect(label()).toBe("≤ 100k params · 3 of 4");
    expect(faded()).toBe("4");
    expect(Number(slider().value)).toBe(Math.round(SIZE_STEPS * (2 / 3)));
  });
});
