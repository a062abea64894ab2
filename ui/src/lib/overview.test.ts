import { describe, expect, it } from "vitest";
import { FitAnimator, MAX_ASPECT_STRETCH, PointIndex, blendFit, bounds, fitView, sameView, greyScale, insidePolygon, offscreenSide, radiusScale, toData, toScreen, zoomAt } from "./overview";

describe("greyScale", () => {
  it("spreads REMAP's four grey stops from the lowest to the highest value", () => {
    const s = greyScale(0.2, 0.8);
    expect(s(0.2)).toBe("rgb(247,247,247)");
    expect(s(0.4)).toBe("rgb(204,204,204)");
    expect(s(0.6)).toBe("rgb(150,150,150)");
    expect(s(0.8)).toBe("rgb(82,82,82)");
    expect(s(0.9)).toBe("rgb(82,82,82)");
  });
});

describe("radiusScale", () => {
  it("maps log parameters to 3–7 px", () => {
    const r = radiusScale(1000, 1_000_000);
    expect(r(1000)).toBe(3);
    expect(r(1_000_000)).toBe(7);
    expect(r(31_623)).toBeCloseTo(5, 2);
  });
});

describe("view transform", () => {
  const v = fitView(bounds([{ x: -1, y: -1 }, { x: 1, y: 1 }]), 220, 120, 10, true);
  it("fills the canvas with y upwards, one axis stretched at most twice the other", () => {
    expect(toScreen(v, -1, -1)).toEqual([10, 110]);
    expect(toScreen(v, 1, 1)).toEqual([210, 10]);
    // Four times wider than high: filling the width would stretch x four times; twice is kept.
    const wide = fitView(bounds([{ x: -1, y: -1 }, { x: 1, y: 1 }]), 420, 120, 10, true);
    expect(toScreen(wide, -1, -1)).toEqual([110, 110]);
    expect(toScreen(wide, 1, 1)).toEqual([310, 10]);
    expect(Math.abs(wide.sx / wide.sy)).toBe(MAX_ASPECT_STRETCH);
  });
  it("keeps the point under the cursor fixed when zooming, and inverts exactly", () => {
    const z = zoomAt(v, 10, 110, 4);
    const [x, y] = toScreen(z, -1, -1);
    expect(x).toBeCloseTo(10);
    expect(y).toBeCloseTo(110);
    const [dx, dy] = toData(z, 100, 50);
    const [sx, sy] = toScreen(z, dx, dy);
    expect(sx).toBeCloseTo(100);
    expect(sy).toBeCloseTo(50);
    expect(zoomAt(z, 0, 0, 0.01).k).toBe(1);
  });
});

describe("PointIndex", () => {
  it("finds the nearest point within the radius among 10,000", () => {
    const n = 10_000;
    const xs = new Float64Array(n).map((_, i) => (i % 100) * 10);
    const ys = new Float64Array(n).map((_, i) => Math.floor(i / 100) * 10);
    const idx = new PointIndex(xs, ys);
    expect(idx.nearest(312, 498, 6)).toBe(50 * 100 + 31);
    expect(idx.nearest(315, 495, 3)).toBe(-1);
  });
});

describe("lasso and edges", () => {
  it("tests points against a polygon", () => {
    const square: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
    expect(insidePolygon(5, 5, square)).toBe(true);
    expect(insidePolygon(15, 5, square)).toBe(false);
  });
  it("names the side an off-screen point lies beyond", () => {
    expect(offscreenSide(-3, 50, 100, 100)).toBe("left");
    expect(offscreenSide(50, 130, 100, 100)).toBe("bottom");
    expect(offscreenSide(50, 50, 100, 100)).toBeNull();
  });
});

describe("fitting the view to the data", () => {
  // The first few models, then many more spread four times as wide.
  const few = fitView(bounds([{ x: -1, y: -1 }, { x: 1, y: 1 }]), 600, 400, 18, true);
  const many = fitView(bounds([{ x: -4, y: -3 }, { x: 4, y: 3 }]), 600, 400, 18, true);
  const span = (v: ReturnType<typeof fitView>, lo: number, hi: number) => toScreen(v, hi, 0)[0] - toScreen(v, lo, 0)[0];

  it("centres models that lie on a line or on one spot", () => {
    const line = fitView(bounds([{ x: -2, y: 0.5 }, { x: 2, y: 0.5 }]), 600, 400, 18, true);
    expect(toScreen(line, -2, 0.5)).toEqual([18, 200]);
    expect(toScreen(line, 2, 0.5)).toEqual([582, 200]);
    const spot = fitView(bounds([{ x: 3, y: 4 }]), 600, 400, 18, true);
    expect(toScreen(spot, 3, 4)).toEqual([300, 200]);
    const size = fitView(bounds([{ x: 0.4, y: 3 }, { x: 0.4, y: 5 }]), 600, 400, 60, false);
    expect(toScreen(size, 0.4, 3)[0]).toBe(300);
  });

  it("fits the data with the margin, whatever its extent", () => {
    expect(span(many, -4, 4)).toBeCloseTo(600 - 2 * 18, 6); // the whole width (x stretched 1.16×)
    expect(toScreen(many, 0, 3)[1]).toBeCloseTo(18);
    expect(toScreen(many, 0, -3)[1]).toBeCloseTo(400 - 18);
  });

  it("animates from the old fit to the new one, eased, and then holds it", () => {
    const fit = new FitAnimator(few, 450);
    fit.aim(many, 1000);
    expect(sameView(fit.at(1000), few)).toBe(true);
    expect(fit.moving(1200)).toBe(true);
    const mid = span(fit.at(1225), -4, 4);
    expect(mid).toBeLessThan(span(few, -4, 4));
    expect(mid).toBeGreaterThan(span(many, -4, 4));
    expect(sameView(fit.at(1450), many)).toBe(true);
    expect(fit.moving(1450)).toBe(false);
    expect(sameView(fit.settled, many)).toBe(true);
  });

  it("retargets mid-way from where the view is, without a jump", () => {
    const fit = new FitAnimator(few, 450);
    fit.aim(many, 0);
    const at = fit.at(200);
    fit.aim(few, 200);
    expect(sameView(fit.at(200), at)).toBe(true);
    expect(sameView(fit.at(650), few)).toBe(true);
  });

  it("never moves while the user zooms, pans or brushes, and catches up once they let go", () => {
    const fit = new FitAnimator(few, 450);
    fit.aim(many, 0, { held: true });
    expect(fit.held).toBe(true);
    expect(sameView(fit.at(10_000), few)).toBe(true);
    expect(fit.release(20_000)).toBe(true);
    expect(fit.held).toBe(false);
    expect(sameView(fit.at(20_000), few)).toBe(true);
    expect(sameView(fit.at(20_450), many)).toBe(true);
    expect(fit.release(30_000)).toBe(false);
  });

  it("applies a first fit or a new canvas size at once", () => {
    const fit = new FitAnimator(few, 450);
    fit.aim(many, 0, { instant: true });
    expect(sameView(fit.at(0), many)).toBe(true);
    expect(fit.moving(0)).toBe(false);
  });

  it("blends only the fit, leaving zoom and pan out", () => {
    const b = blendFit({ ...few, k: 3, tx: 5, ty: 5 }, many, 1);
    expect(sameView(b, many)).toBe(true);
  });
});
