import { describe, expect, it } from "vitest";
import { render } from "@testing-library/svelte";
import Comparison from "./Comparison.svelte";
import type { Comparison as ComparisonData } from "../lib/api";
import { deltaBars } from "../lib/present";
import { model } from "../test/fixtures";

const classes = ["face", "pear", "nose", "cat", "dog"];
const data = (delta_per_class: (number | null)[]): ComparisonData => ({
  a: model(1), b: model(2), rows: [], wiring: [], delta_params: 0, delta_accuracy: 0, delta_per_class, classes,
});

/** Left edge and width (percent of the shared axis) of each class's bar, from its inline style. */
function bars(container: HTMLElement): { left: number; width: number }[] {
  return [...container.querySelectorAll<HTMLElement>(".per-class .bar")].map((b) => ({
    left: parseFloat(b.style.left),
    width: parseFloat(b.style.width),
  }));
}

describe("Comparison: Δ accuracy per class", () => {
  it("draws bars proportional to magnitude on one shared axis around a zero line", () => {
    const { container } = render(Comparison, { data: data([-0.4, -0.2, 0.3, 0.2, 0]), onclose: () => {} });
    const [m40, m20, p30, p20, zero] = bars(container);
    expect(m40.width).toBeCloseTo(2 * m20.width, 6);
    expect(p30.width / p20.width).toBeCloseTo(1.5, 6);
    expect(m40.width).toBeCloseTo((4 / 3) * p30.width, 6);
    // Negative bars end at zero, positive bars start there.
    expect(m40.left + m40.width).toBeCloseTo(50, 6);
    expect(m20.left + m20.width).toBeCloseTo(50, 6);
    expect(p30.left).toBe(50);
    expect(zero.width).toBe(0);
    // The axis is labelled at both ends with the same extent.
    const axis = container.querySelector(".per-class th.axis")!.textContent!;
    expect(axis).toContain("−50 pp");
    expect(axis).toContain("+50 pp");
    expect(axis).toContain("0");
  });

  it("never lets a bar leave the axis", () => {
    const { bars } = deltaBars([0.93, -0.07, null]);
    for (const b of bars) {
      expect(b.left).toBeGreaterThanOrEqual(0);
      expect(b.left + b.width).toBeLessThanOrEqual(100);
    }
    expect(bars[2].width).toBe(0);
  });
});
