import { describe, expect, it } from "vitest";
import { axisExtent, compactParams, countText, improvedText, lanes, pointTitle, ppTick, xScale } from "./effects";
import type { EditEffect } from "./api";

const kind = (deltas: (number | null)[], spread: [number, number] | null = null): EditEffect => ({
  kind: "k", count: deltas.length, compared: deltas.filter((d) => d !== null).length,
  delta_accuracy: spread && { min: spread[0], q1: spread[0], median: 0, q3: spread[1], max: spread[1] },
  delta_params: { min: 0, q1: 0, median: 0, q3: 0, max: 0 }, improved: null,
  points: deltas.map((d, i) => ({ model: i + 10, parent: 1, delta_accuracy: d, delta_params: 0 })),
});

describe("edit effects", () => {
  it("shares one symmetric, tidy axis over all kinds", () => {
    expect(axisExtent([kind([0.01, null]), kind([-0.034])])).toBeCloseTo(0.05);
    expect(axisExtent([kind([0.004], [-0.012, 0.004])])).toBeCloseTo(0.02);
    expect(axisExtent([kind([0, null])])).toBeCloseTo(0.01);
    expect(axisExtent([])).toBeCloseTo(0.01);
  });

  it("scales linearly with zero in the middle", () => {
    const x = xScale(0.05, 200, 10);
    expect(x(0)).toBe(100);
    expect(x(0.05)).toBeCloseTo(190);
    expect(x(-0.05)).toBeCloseTo(10);
    expect(x(0.04) - x(0)).toBeCloseTo(4 * (x(0.01) - x(0)));
  });

  it("puts close dots in different lanes", () => {
    expect(lanes([10, 50, 90], 6)).toEqual([0, 0, 0]);
    expect(lanes([10, 12, 14, 11, 13, 10], 6)).toEqual([0, -1, 1, -2, 2, 0]);
  });

  it("formats signed compact parameters and pp ticks", () => {
    expect(compactParams(-12_000)).toBe("−12k");
    expect(compactParams(4512)).toBe("+4.5k");
    expect(compactParams(350)).toBe("+350");
    expect(compactParams(-1_234_567)).toBe("−1.2M");
    expect(compactParams(0.2)).toBe("±0");
    expect(ppTick(-0.05)).toBe("−5");
    expect(ppTick(0.025)).toBe("+2.5");
    expect(ppTick(0)).toBe("0");
  });

  it("says how many were compared and improved", () => {
    expect(countText({ count: 5, compared: 5 })).toBe("5 children");
    expect(countText({ count: 5, compared: 3 })).toBe("5 children · 3 compared");
    expect(countText({ count: 1, compared: 1 })).toBe("1 child");
    expect(improvedText({ compared: 5, improved: 0.6 })).toBe("3 of 5 improved");
    expect(improvedText({ compared: 0, improved: null })).toBe("none compared yet");
  });

  it("titles a dot with the child, its parent and both deltas", () => {
    expect(pointTitle({ model: 12, parent: 3, delta_accuracy: 0.021, delta_params: 4512 })).toBe("model #12 (parent #3): +2.1 pp, +4,512 params");
    expect(pointTitle({ model: 4, parent: 3, delta_accuracy: -0.005, delta_params: -80 })).toBe("model #4 (parent #3): −0.5 pp, −80 params");
  });
});
