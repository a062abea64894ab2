import { describe, expect, it } from "vitest";
import type { Grids } from "./api";
import { defaultLayer, history, layerText, layersOf, record, redo, setField, slotToIndex, toArchitecture, undo, type HandLayer } from "./handcraft";

const GRIDS: Grids = {
  conv2d: { kernel: [1, 3, 5], filters: [16, 32, 64, 128], stride: [1] },
  maxpool2d: { size: [5, 3, 2], stride: [2] },
  dense: { units: [16, 64, 128, 256] },
  activation: { function: ["tanh", "relu", "sigmoid"] },
  dropout: { rate: [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875] },
};

const types = (l: HandLayer[]) => l.map((x) => x.type);

describe("handcrafted layer edits", () => {
  it("makes new layers with grid values, and converts drop slots to indices", () => {
    expect(defaultLayer("conv2d", GRIDS)).toEqual({ type: "conv2d", filters: 32, kernel: 3, stride: 1, padding: "valid" });
    expect(defaultLayer("activation", GRIDS)).toEqual({ type: "activation", function: "relu" });
    expect(defaultLayer("dense", GRIDS)).toEqual({ type: "dense", units: 64 });
    expect(defaultLayer("maxpool2d", GRIDS)).toEqual({ type: "maxpool2d", size: 3, stride: 2 });
    // Dropping layer 0 at slot 3 (before layer 3) puts it at index 2.
    expect(slotToIndex(0, 3)).toBe(2);
    expect(slotToIndex(3, 1)).toBe(1);
  });

  it("sets a field (numbers from text), ignoring fields the type lacks, keeping inputs", () => {
    const l = [defaultLayer("conv2d", GRIDS), defaultLayer("dense", GRIDS)];
    const s = setField(l, 0, "kernel", "5");
    expect(s[0].kernel).toBe(5);
    expect(l[0].kernel).toBe(3);
    expect(setField(l, 0, "padding", "same")[0].padding).toBe("same");
    expect(setField(l, 1, "kernel", 5)).toBe(l);
    expect(setField(l, 1, "units", 64)).toBe(l);
    const read = [{ ...defaultLayer("dense", GRIDS), inputs: ["input" as const] }];
    expect(setField(read, 0, "units", 16)[0]).toEqual({ type: "dense", units: 16, inputs: ["input"] });
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

describe("layersOf", () => {
  it("keeps merges and every layer's inputs", () => {
    const net = {
      input: { height: 8, width: 8, channels: 1 },
      classes: 2,
      layers: [{ type: "conv2d", filters: 4, kernel: 3, padding: "same" }, { type: "add", inputs: [0, "input"] }, { type: "dense", units: 3, inputs: ["input"] }],
    };
    expect(layersOf(net)).toEqual([
      { type: "conv2d", filters: 4, kernel: 3, padding: "same" },
      { type: "add", inputs: [0, "input"] },
      { type: "dense", units: 3, inputs: ["input"] },
    ]);
    expect(layersOf(null)).toEqual([]);
  });

  it("labels a merge chip with what it joins", () => {
    expect(layerText({ type: "add", inputs: [3, 1] })).toBe("3 + 1");
    expect(layerText({ type: "concat", inputs: [2, "input"] })).toBe("2 ‖ input");
  });
});
