import { describe, expect, it } from "vitest";
import {
  FitAnimator, MAX_ASPECT_STRETCH, focusLabel, nextFocus, rankingFocus, score, scoreText, PointIndex, SIZE_STEPS, blendFit, bounds, countWithin, fitView, sameView, greyScale, insidePolygon, limitText, lineage,
  offscreenSide, paramRange, radiusScale, sliderLimit, sliderPosition, toData, toScreen, withinLimit, zoomAt, type OverviewPoint,
} from "./overview";
import { model } from "../test/fixtures";

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

describe("lineage", () => {
  const pt = (id: number, parent: number | null): OverviewPoint => ({ id, x: id, y: 0, value: 0.5, params: 1000, parent });
  // 1 → 2 → 4, 1 → 3; 5 alone; 6's parent is not on the map.
  const points = [pt(1, null), pt(2, 1), pt(3, 1), pt(4, 2), pt(5, null), pt(6, 99)];

  it("finds a model's parent and children among the points, as indices", () => {
    expect(lineage(points, 1)).toEqual({ self: 0, parent: -1, children: [1, 2] });
    expect(lineage(points, 2)).toEqual({ self: 1, parent: 0, children: [3] });
    expect(lineage(points, 4)).toEqual({ self: 3, parent: 1, children: [] });
  });

  it("is null for a model with no relative on the map, or one not shown", () => {
    expect(lineage(points, 5)).toBeNull();
    expect(lineage(points, 6)).toBeNull();
    expect(lineage(points, 42)).toBeNull();
  });
});

describe("the size filter", () => {
  const range: [number, number] = [1_000, 10_000_000];

  it("spans the models' parameter range", () => {
    expect(paramRange([{ params: 5000 }, { params: 120 }, { params: 9e5 }])).toEqual([120, 9e5]);
    expect(paramRange([])).toBeNull();
  });

  it("maps the slider on a log scale, rounded to two digits, the last position meaning no limit", () => {
    expect(sliderLimit(0, range)).toBe(1_000);
    expect(sliderLimit(SIZE_STEPS / 4, range)).toBe(10_000); // one decade of four
    expect(sliderLimit(SIZE_STEPS / 2, range)).toBe(100_000);
    expect(sliderLimit(SIZE_STEPS - 1, range)).toBe(9_900_000);
    expect(sliderLimit(SIZE_STEPS, range)).toBeNull();
    expect(sliderLimit(321, range)).toBe(19_000);
  });

  it("puts a limit back at its slider position", () => {
    expect(sliderPosition(null, range)).toBe(SIZE_STEPS);
    expect(sliderPosition(100_000, range)).toBe(SIZE_STEPS / 2);
    expect(sliderLimit(sliderPosition(100_000, range), range)).toBe(100_000);
    expect(sliderPosition(10, range)).toBe(0);
    expect(sliderPosition(2e7, range)).toBe(SIZE_STEPS); // a budget above every model: no model over it
    expect(sliderPosition(9_999_999, range)).toBe(SIZE_STEPS - 1); // a real limit never reads as none
    expect(sliderPosition(4000, [5000, 5000])).toBe(0); // models all one size
    expect(sliderPosition(5000, [5000, 5000])).toBe(SIZE_STEPS);
  });

  it("tells which models pass and how many", () => {
    const pts = [{ params: 900 }, { params: 100_000 }, { params: 100_001 }];
    expect(withinLimit(100_000, 100_000)).toBe(true);
    expect(withinLimit(100_001, 100_000)).toBe(false);
    expect(withinLimit(1e9, null)).toBe(true);
    expect(countWithin(pts, 100_000)).toBe(2);
    expect(countWithin(pts, null)).toBe(3);
  });

  it("labels the limit", () => {
    expect(limitText(100_000)).toBe("≤ 100k params");
    expect(limitText(1_500)).toBe("≤ 1.5k params");
    expect(limitText(2_400_000)).toBe("≤ 2.4M params");
    expect(limitText(950)).toBe("≤ 950 params");
    expect(limitText(null)).toBe("any size");
  });
});

describe("focus classes", () => {
  it("focuses on a clicked class alone, and adds or removes classes with shift", () => {
    expect(nextFocus([], "cat", false)).toEqual(["cat"]);
    expect(nextFocus(["cat", "bird"], "dog", false)).toEqual(["dog"]);
    expect(nextFocus(["cat", "bird"], "cat", false)).toEqual(["cat"]);
    expect(nextFocus(["cat"], "cat", false)).toEqual([]);
    expect(nextFocus(["cat"], "bird", true)).toEqual(["cat", "bird"]);
    expect(nextFocus(["cat", "bird"], "cat", true)).toEqual(["bird"]);
    expect(nextFocus([], "cat", true)).toEqual(["cat"]);
  });
  it("ranks by focus accuracy from two classes on", () => {
    expect(rankingFocus([])).toEqual([]);
    expect(rankingFocus(["cat"])).toEqual([]);
    expect(rankingFocus(["cat", "bird"])).toEqual(["cat", "bird"]);
    expect(focusLabel(["cat", "bird"])).toBe("focus accuracy (cat, bird)");
  });
  it("scores by focus accuracy when focused and validation accuracy otherwise", () => {
    const m = model(1, { val_accuracy: 0.6, focus_accuracy: 0.935 });
    expect(score(m, false)).toBe(0.6);
    expect(score(m, true)).toBe(0.935);
    expect(score(model(2), true)).toBeNull();
    expect(scoreText(m, true)).toBe("93.5%");
    expect(scoreText(m, false)).toBe("60.0%");
  });
  it("says to retrain a model whose run kept no class probabilities, never a made-up value", () => {
    const old = model(1, { val_accuracy: 0.6, retrain_to_focus: true });
    expect(score(old, true)).toBeNull();
    expect(scoreText(old, true)).toBe("retrain to focus");
    expect(scoreText(old, false)).toBe("60.0%");
    expect(scoreText(model(2, { val_accuracy: null }), true, "queued")).toBe("queued");
  });
});
