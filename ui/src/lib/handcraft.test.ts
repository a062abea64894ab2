import { describe, expect, it } from "vitest";
import type { Grids } from "./api";
import { addLayer, defaultLayer, history, isGraph, layersOf, moveLayer, record, redo, removeLayer, setField, slotToIndex, toArchitecture, undo, type HandLayer } from "./handcraft";

const GRIDS: Grids = {
  conv2d: { kernel: [1, 3, 5], filters: [16, 32, 64, 128], stride: [1] },
  maxpool2d: { size: [5, 3, 2], stride: [2] },
  dense: { units: [16, 64, 128, 256] },
  activation: { function: ["tanh", "relu", "sigmoid"] },
  dropout: { rate: [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875] },
};

const types = (l: HandLayer[]) => l.map((x) => x.type);

describe("handcrafted chain edits", () => {
  it("adds a layer with grid values at a slot (slot N = before layer N)", () => {
    let l: HandLayer[] = [];
    l = addLayer(l, "dense", 0, GRIDS);
    l = addLayer(l, "conv2d", 0, GRIDS);
    l = addLayer(l, "activation", 1, GRIDS);
    l = addLayer(l, "dropout", 99, GRIDS); // clamped to the end
    expect(types(l)).toEqual(["conv2d", "activation", "dense", "dropout"]);
    expect(l[0]).toEqual({ type: "conv2d", filters: 32, kernel: 3, stride: 1, padding: "valid" });
    expect(l[1]).toEqual({ type: "activation", function: "relu" });
    expect(l[2]).toEqual({ type: "dense", units: 64 });
    expect(defaultLayer("maxpool2d", GRIDS)).toEqual({ type: "maxpool2d", size: 3, stride: 2 });
  });

  it("moves a layer to its new index, and converts drop slots to indices", () => {
    const l = ["conv2d", "activation", "maxpool2d", "dense"].map((t) => defaultLayer(t as HandLayer["type"], GRIDS));
    expect(types(moveLayer(l, 0, 2))).toEqual(["activation", "maxpool2d", "conv2d", "dense"]);
    expect(types(moveLayer(l, 3, 0))).toEqual(["dense", "conv2d", "activation", "maxpool2d"]);
    expect(moveLayer(l, 1, 1)).toBe(l);
    expect(moveLayer(l, 9, 0)).toBe(l);
    // Dropping layer 0 at slot 3 (before layer 3) puts it at index 2.
    expect(slotToIndex(0, 3)).toBe(2);
    expect(slotToIndex(3, 1)).toBe(1);
    expect(types(moveLayer(l, 0, slotToIndex(0, 4)))).toEqual(["activation", "maxpool2d", "dense", "conv2d"]);
  });

  it("removes a layer and sets a field (numbers from text), ignoring fields the type lacks", () => {
    const l = [defaultLayer("conv2d", GRIDS), defaultLayer("dense", GRIDS)];
    expect(types(removeLayer(l, 0))).toEqual(["dense"]);
    expect(removeLayer(l, 5)).toBe(l);
    const s = setField(l, 0, "kernel", "5");
    expect(s[0].kernel).toBe(5);
    expect(l[0].kernel).toBe(3);
    expect(setField(l, 0, "padding", "same")[0].padding).toBe("same");
    expect(setField(l, 1, "kernel", 5)).toBe(l);
    expect(setField(l, 1, "units", 64)).toBe(l);
  });

  it("reads the layers of an architecture and builds one back", () => {
    const arch = { input: { height: 28, width: 28, channels: 1 }, classes: 3, layers: [{ type: "dense", units: 16, extra: 1 }, { type: "bogus" }] };
    const l = layersOf(arch);
    expect(l).toEqual([{ type: "dense", units: 16 }]);
    expect(toArchitecture({ input: arch.input, classes: 3 }, l)).toEqual({ input: arch.input, classes: 3, layers: [{ type: "dense", units: 16 }] });
  });
});

describe("undo and redo", () => {
  it("walks back and forth; a new edit clears the redo list", () => {
    let h = history<number[]>([]);
    h = record(h, [1]);
    h = record(h, [1, 2]);
    expect(record(h, h.present)).toBe(h);
    h = undo(h);
    expect(h.present).toEqual([1]);
    h = undo(h);
    expect(h.present).toEqual([]);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toEqual([1]);
    h = record(h, [1, 3]);
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
    expect(undo(h).present).toEqual([1]);
  });
});

describe("isGraph", () => {
  it("tells nets with skips or merges from chains", () => {
    const chain = { input: { height: 8, width: 8, channels: 1 }, classes: 2, layers: [{ type: "conv2d", filters: 4, kernel: 3 }] };
    expect(isGraph(chain)).toBe(false);
    expect(isGraph({ ...chain, layers: [...chain.layers, { type: "add", inputs: [0, "input"] }] })).toBe(true);
    expect(isGraph({ ...chain, layers: [{ type: "dense", units: 3, inputs: ["input"] }] })).toBe(true);
    expect(isGraph(null)).toBe(false);
  });
});
