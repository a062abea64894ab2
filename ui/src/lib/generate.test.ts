import { describe, expect, it } from "vitest";
import type { Grids } from "./api";
import { ablationRequest, clickSelect, defaultOptions, gridValues, possibleOps, rangeKeys, selectionItems, variationRequest, type Selection } from "./generate";

const GRIDS: Grids = {
  conv2d: { kernel: [1, 3, 5], filters: [16, 32], stride: [1] },
  maxpool2d: { size: [5, 3, 2], stride: [2] },
  activation: { function: ["tanh", "relu", "sigmoid"] },
};

describe("selection on the SNAC", () => {
  it("orders layers and gaps, selects by click, extends by shift and toggles by ctrl", () => {
    expect(selectionItems(2)).toEqual(["G0", "L0", "G1", "L1", "G2"]);
    expect(rangeKeys(3, "L2", "L0")).toEqual(["L0", "G1", "L1", "G2", "L2"]);
    let s: Selection = { keys: [], anchor: null };
    s = clickSelect(s, "L1", 3);
    expect(s.keys).toEqual(["L1"]);
    s = clickSelect(s, "G3", 3, { shift: true });
    expect(s.keys).toEqual(["L1", "G2", "L2", "G3"]);
    s = clickSelect(s, "G2", 3, { toggle: true });
    expect(s.keys).toEqual(["L1", "L2", "G3"]);
    s = clickSelect({ keys: ["L0"], anchor: "L0" }, "L0", 3);
    expect(s.keys).toEqual([]);
  });

  it("ablates the selected layers (gaps ignored), or all when none is selected", () => {
    expect(ablationRequest(["G0", "L2", "L0"])).toEqual({ layers: [0, 2], max_params: null });
    expect(ablationRequest(["G1"])).toEqual({ layers: null, max_params: null });
    expect(ablationRequest([], 5000)).toEqual({ layers: null, max_params: 5000 });
  });
});

describe("variation requests", () => {
  it("asks for every position freely when nothing is selected", () => {
    const r = variationRequest({ keys: [], options: {}, grids: GRIDS, count: 5, maxChanges: 3, seed: 7, maxParams: null });
    expect(r).toEqual({ count: 5, max_changes: 3, seed: 7, layers: null, max_params: null });
  });

  it("builds per-layer restrictions from the toggles, writing only what narrows", () => {
    const opts1 = { ...defaultOptions(), ops: ["remove", "reparametrize"] as const };
    const opts2 = { ...defaultOptions(), types: ["conv2d", "activation"] as ("conv2d" | "activation")[], values: { kernel: [3, 5], filters: [16, 32] } };
    const r = variationRequest({
      keys: ["L0", "L1", "G2", "G3"],
      options: { 1: { ...opts1, ops: [...opts1.ops] }, 2: opts2 },
      grids: GRIDS, count: 4, maxChanges: 2, seed: 42, maxParams: 100000,
    });
    expect(r.layers).toEqual([0, 1, 2, 3]);
    expect(r.max_params).toBe(100000);
    expect(r.per_layer).toEqual({
      0: {},
      1: { ops: ["remove", "reparametrize"] },
      // a gap inserts a layer or a skip; filters keeps its whole grid so it is not written
      2: { ops: ["insert", "skip"], types: ["conv2d", "activation"], values: { kernel: [3, 5] } },
      3: { ops: ["insert", "skip"] },
    });
  });

  it("gives the possible operations of a position and merges grids over layer types", () => {
    expect(possibleOps(["L1"], 1)).toEqual(["insert", "remove", "replace", "reparametrize", "skip"]);
    expect(possibleOps(["G1"], 1)).toEqual(["insert", "skip"]);
    expect(possibleOps(["G1"], 0)).toEqual([]);
    expect(gridValues(GRIDS).stride).toEqual([1, 2]);
    expect(gridValues(GRIDS).size).toEqual([2, 3, 5]);
  });
});
