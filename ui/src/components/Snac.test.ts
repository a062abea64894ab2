import { describe, expect, it } from "vitest";
import { render } from "@testing-library/svelte";
import Snac from "./Snac.svelte";
import { chipLengths, type SnacModel } from "../lib/snac";

const model: SnacModel = {
  input: [28, 28, 1],
  layers: [
    { type: "conv2d", text: "conv2d(k3,f32)", output: [26, 26, 32], tensorSize: 21632, params: 320 },
    { type: "activation", text: "activation(relu)", output: [26, 26, 32], tensorSize: 21632, params: 0, function: "relu" },
    { type: "maxpool2d", text: "maxpool2d(2)", output: [13, 13, 32], tensorSize: 5408, params: 0 },
    { type: "dropout", text: "dropout(0.25)", output: [13, 13, 32], tensorSize: 5408, params: 0 },
    { type: "dense", text: "dense(128)", output: [128], tensorSize: 128, params: 692352 },
  ],
  head: { classes: 10, params: 1290, tensorSize: 10 },
};

describe("chipLengths", () => {
  it("maps the smallest tensor to the base length and the largest to twice it", () => {
    const l = chipLengths([10, 100, 1000], 20);
    expect(l[0]).toBe(20);
    expect(l[2]).toBe(40);
    expect(l[1]).toBeGreaterThan(20);
    expect(l[1]).toBeLessThan(40);
  });
  it("uses the base length when all tensors are equal", () => {
    expect(chipLengths([5, 5], 12)).toEqual([12, 12]);
  });
});

describe("Snac", () => {
  it("draws one chip per layer plus the head, in spec colours", () => {
    const { container } = render(Snac, { model, size: "large" });
    const chips = [...container.querySelectorAll("g.chip")];
    expect(chips.map((c) => c.getAttribute("data-type"))).toEqual(["conv2d", "activation", "maxpool2d", "dropout", "dense", "head"]);
    const fill = (i: number) => chips[i].querySelector("rect")!.getAttribute("fill");
    expect([fill(0), fill(1), fill(2), fill(3), fill(4)]).toEqual(["#fbb4ae", "#ccebc5", "#fed9a6", "#decbe4", "#b3cde3"]);
    expect(container.textContent).toContain("28×28×1");
  });

  it("gives dropout a dotted border and activations a glyph instead of a letter", () => {
    const { container } = render(Snac, { model });
    const chips = [...container.querySelectorAll("g.chip")];
    expect(chips[3].querySelector("rect")!.getAttribute("stroke-dasharray")).toBeTruthy();
    expect(chips[0].querySelector("rect")!.getAttribute("stroke-dasharray")).toBeNull();
    expect(chips[1].querySelector("path")).toBeTruthy();
    expect(chips[1].querySelector("text")).toBeNull();
    expect(chips[0].querySelector("text")!.textContent).toBe("C");
  });

  it("names type, tensor size and hyperparameters in each chip's tooltip", () => {
    const { container } = render(Snac, { model });
    const title = container.querySelector("g.chip title")!.textContent!;
    expect(title).toContain("conv2d(k3,f32)");
    expect(title).toContain("26×26×32");
    expect(title).toContain("21,632");
  });
});
