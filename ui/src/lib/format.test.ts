import { describe, expect, it } from "vitest";
import { formatAccuracy, formatParams } from "./format";

describe("formatParams", () => {
  it("writes counts the way REMAP's drawer does", () => {
    expect(formatParams(950)).toBe("950");
    expect(formatParams(7860)).toBe("7.9k");
    expect(formatParams(235_700)).toBe("235.7k");
    expect(formatParams(1_182_730)).toBe("1.2M");
  });
});

describe("formatAccuracy", () => {
  it("shows one decimal of a percentage", () => {
    expect(formatAccuracy(0.8766)).toBe("87.7%");
    expect(formatAccuracy(1)).toBe("100.0%");
  });
});
