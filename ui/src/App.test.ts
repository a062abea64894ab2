import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(async (cmd: string) => {
    if (cmd === "app_info") return { version: "0.1.0", dataDir: "/tmp/remap", device: "CPU (flex)" };
    throw new Error(`unexpected command ${cmd}`);
  }),
}));

import App from "./App.svelte";

describe("App layout", () => {
  it("shows the overview and drawer on the left and four tools as tabs", async () => {
    render(App);
    expect(screen.getByRole("region", { name: "Model Overview" })).toBeTruthy();
    expect(screen.getByRole("region", { name: "Model Drawer" })).toBeTruthy();
    const tabs = screen.getAllByRole("tab").map((t) => t.textContent);
    expect(tabs).toEqual(["Data Selector", "Model Inspector", "Generate Models", "Queue"]);
    expect(await screen.findByText("CPU (flex)")).toBeTruthy();
  });

  it("switches the right-hand tool when a tab is clicked", async () => {
    render(App);
    await fireEvent.click(screen.getByRole("tab", { name: "Queue" }));
    expect(screen.getByRole("tab", { name: "Queue" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByText("The queue is empty")).toBeTruthy();
  });
});
