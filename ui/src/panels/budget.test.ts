// The session's seed and parameter budget (spec §9.3): set at creation, shown and changed in
// the top bar, used by the Generate tab; over-budget children listed with their reason.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", async () => ({ invoke: (await import("../test/tauri-mock")).invoke }));
vi.mock("@tauri-apps/api/event", async () => ({ listen: (await import("../test/tauri-mock")).listen }));

import Welcome from "./Welcome.svelte";
import GenerateModels from "./GenerateModels.svelte";
import SessionMenu from "../components/SessionMenu.svelte";
import ChildTable from "../components/ChildTable.svelte";
import { hand } from "../lib/handcraft.svelte";
import { remap } from "../lib/session.svelte";
import { callsOf, handlers, resetTauri } from "../test/tauri-mock";
import { model, overview, session, snac } from "../test/fixtures";
import type { SessionInfo } from "../lib/api";

function answerSession(info: SessionInfo) {
  handlers.overview = () => ({ ...overview([model(1)]), session: info });
  handlers.drawer = () => [];
  handlers.queue = () => [];
  handlers.sessions = () => [info];
}

beforeEach(() => {
  resetTauri();
  remap.reset();
  hand.reset();
  remap.starting = false;
});

describe("New session", () => {
  it("asks for a new name when the sketches' name is taken", async () => {
    handlers.create_session = () => session({ name: "Sketches 2" });
    answerSession(session({ name: "Sketches 2" }));
    render(Welcome);
    await fireEvent.click(screen.getByRole("button", { name: "Start with the built-in sketches" }));
    await waitFor(() => expect(callsOf("create_session")).toEqual([{ request: { name: "Sketches", dataset: "sketches", new_name_if_taken: true } }]));
    await waitFor(() => expect(remap.session?.name).toBe("Sketches 2"));
  });

  it("sends the parameter budget and leaves a blank seed to Rust", async () => {
    handlers.create_session = () => session({ budget: 100000 });
    answerSession(session({ budget: 100000 }));
    const { container } = render(Welcome);
    await fireEvent.click(screen.getByRole("button", { name: "Choose a data set…" }));
    const budget = container.querySelector("#new-budget") as HTMLInputElement;
    expect(budget.placeholder).toBe("no limit");
    await fireEvent.input(budget, { target: { value: "-5" } });
    expect((container.querySelector("#new-create") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(budget, { target: { value: "100000" } });
    expect((container.querySelector("#new-create") as HTMLButtonElement).disabled).toBe(false);
    await fireEvent.submit(container.querySelector("form")!);
    await waitFor(() => expect(callsOf("create_session").length).toBe(1));
    const request = callsOf("create_session")[0].request as Record<string, unknown>;
    expect(request.max_params).toBe(100000);
    expect("seed" in request).toBe(false);
  });

  it("sends the chosen search space, remap-2019 unless changed", async () => {
    handlers.create_session = () => session();
    answerSession(session());
    const { container } = render(Welcome);
    await fireEvent.click(screen.getByRole("button", { name: "Choose a data set…" }));
    const space = container.querySelector("#new-space") as HTMLSelectElement;
    expect([...space.options].map((o) => o.value)).toEqual(["remap-2019", "residual"]);
    expect(space.value).toBe("remap-2019");
    await fireEvent.change(space, { target: { value: "residual" } });
    expect(container.textContent).toContain("residual blocks");
    await fireEvent.submit(container.querySelector("form")!);
    await waitFor(() => expect(callsOf("create_session").length).toBe(1));
    expect((callsOf("create_session")[0].request as Record<string, unknown>).space).toBe("residual");
  });

  it("sends no budget when the field is left empty", async () => {
    handlers.create_session = () => session();
    answerSession(session());
    const { container } = render(Welcome);
    await fireEvent.click(screen.getByRole("button", { name: "Choose a data set…" }));
    await fireEvent.submit(container.querySelector("form")!);
    await waitFor(() => expect(callsOf("create_session").length).toBe(1));
    expect("max_params" in (callsOf("create_session")[0].request as object)).toBe(false);
  });
});

describe("Session seed and budget in the top bar", () => {
  it("shows the open session's seed and budget", async () => {
    answerSession(session({ seed: 987654, budget: 100000 }));
    await remap.open(session({ seed: 987654, budget: 100000 }));
    const { container } = render(SessionMenu);
    expect(container.querySelector("#session-seed")!.textContent).toBe("seed 987654");
    expect(container.querySelector("#session-budget")!.textContent).toBe("budget 100,000 params");
  });

  it("sets the budget, then lifts it with an empty field", async () => {
    answerSession(session());
    await remap.open(session());
    handlers.set_budget = ({ budget }: { budget: number | null }) => session({ budget });
    const { container } = render(SessionMenu);
    const button = () => container.querySelector("#session-budget");
    expect(button()!.textContent).toBe("no budget");
    await fireEvent.click(button()!);
    const input = () => container.querySelector("#session-budget-input") as HTMLInputElement;
    await fireEvent.input(input(), { target: { value: "50000" } });
    await fireEvent.submit(input().closest("form")!);
    await waitFor(() => expect(button()?.textContent).toBe("budget 50,000 params"));
    expect(callsOf("set_budget")).toEqual([{ sessionId: 1, budget: 50000 }]);
    expect(remap.session?.budget).toBe(50000);

    await fireEvent.click(button()!);
    expect(input().value).toBe("50000");
    await fireEvent.input(input(), { target: { value: "" } });
    await fireEvent.submit(input().closest("form")!);
    await waitFor(() => expect(button()?.textContent).toBe("no budget"));
    expect(callsOf("set_budget").at(-1)).toEqual({ sessionId: 1, budget: null });
  });

  it("shows why the budget could not be set and keeps the form open", async () => {
    answerSession(session());
    await remap.open(session());
    handlers.set_budget = () => {
      throw "the budget must be positive";
    };
    const { container } = render(SessionMenu);
    await fireEvent.click(container.querySelector("#session-budget")!);
    await fireEvent.input(container.querySelector("#session-budget-input")!, { target: { value: "10" } });
    await fireEvent.submit(container.querySelector("#session-budget-input")!.closest("form")!);
    await waitFor(() => expect(remap.errors.map((e) => e.message)).toEqual(["Cannot set the parameter budget: the budget must be positive"]));
    expect(container.querySelector("#session-budget-input")).not.toBeNull();
  });
});

describe("Budget in the Generate tab", () => {
  it("shows the session's budget as the empty field's meaning", async () => {
    answerSession(session({ budget: 100000 }));
    handlers.search_space = () => ({ name: "remap-2019", grids: {}, pre_dense: {}, post_dense: {} });
    handlers.check_architecture = () => ({ valid: true, params: 650, hash: "x", summary: "", layers: [], over_budget: null, budget_note: null, arcs: [] });
    await remap.open(session({ budget: 100000 }));
    remap.inspect(1);
    const { container } = render(GenerateModels);
    await fireEvent.click(container.querySelector("#gen-mode-variations")!);
    const field = container.querySelector("#vary-budget") as HTMLInputElement;
    await fireEvent.input(field, { target: { value: "" } });
    expect(field.placeholder).toBe("session budget: 100,000");
    remap.session = session({ budget: null });
    await waitFor(() => expect(field.placeholder).toBe("no limit"));
  });

  it("lists over-budget children among the skipped ones, with no separate count", () => {
    const preview = {
      children: [{ architecture: {}, snac: snac(1), params: 900, hash: "a", changes: ["removed dense"], delta_params: -100 }],
      skipped: [{ layer: 2, reason: "120,000 parameters: over the budget of 100,000 by 20,000" }],
      dropped_over_budget: 1,
    };
    render(ChildTable, { preview });
    const items = [...screen.getByTestId("child-skipped").querySelectorAll("li")].map((li) => li.textContent);
    expect(items).toEqual(["Layer 2: 120,000 parameters: over the budget of 100,000 by 20,000"]);
  });
});
