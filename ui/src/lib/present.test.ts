import { describe, expect, it } from "vitest";
import {
  applyProgress, axisTicks, confusionColours, datasetString, errorText, formatDuration, logTickLabel, mix,
  modelsCsv, nextSort, parseClasses, progressFraction, signedParams, signedPoints, sortModels, trainingProgressText, viewPoints,
} from "./present";
import { model, overview, session } from "../test/fixtures";

describe("viewPoints", () => {
  const ov = overview([model(1), model(2), model(3, { val_accuracy: null, per_class_accuracy: null, status: "queued" })]);
  it("places MDS views at Rust's coordinates, shaded by validation accuracy, without untrained models", () => {
    const pts = viewPoints(ov, "prediction", null);
    expect(pts).toEqual([
      { id: 1, x: 0, y: 0, value: 0.51, params: 1000 },
      { id: 2, x: 1, y: 0.5, value: 0.52, params: 2000 },
    ]);
    expect(viewPoints(ov, "structure", null).map((p) => [p.x, p.y])).toEqual([[-0, 0], [-1, 1]]);
  });
  it("places the size view at Rust's accuracy / log10 parameters and shades by a class", () => {
    const pts = viewPoints(ov, "size", 2);
    expect(pts.map((p) => p.id)).toEqual([1, 2]);
    expect(pts[0].y).toBeCloseTo(3);
    expect(pts[1].x).toBe(0.52);
    expect(pts[0].value).toBe(0.1);
  });
});

describe("viewPoints under focus classes", () => {
  const models = [model(1, { focus_accuracy: 0.9 }), model(2, { focus_accuracy: 0.7 }), model(3, { retrain_to_focus: true })];
  it("shades by focus accuracy, a model to retrain to focus unranked, and a hovered class still by its accuracy", () => {
    const ov = overview(models, { focus: ["face", "nose"] });
    expect(viewPoints(ov, "prediction", null).map((p) => p.value)).toEqual([0.9, 0.7, null]);
    expect(viewPoints(ov, "prediction", 1).map((p) => p.value)).toEqual([0.5, 0.5, 0.5]);
    expect(viewPoints(overview(models), "prediction", null).map((p) => p.value)).toEqual([0.51, 0.52, 0.53]);
  });
  it("sorts the drawer by focus accuracy when focused, retrain-to-focus models last", () => {
    const ms = [model(1, { val_accuracy: 0.9, focus_accuracy: 0.6 }), model(2, { val_accuracy: 0.8, retrain_to_focus: true }), model(3, { val_accuracy: 0.7, focus_accuracy: 0.95 })];
    expect(sortModels(ms, "accuracy", "desc", true).map((m) => m.id)).toEqual([3, 1, 2]);
    expect(sortModels(ms, "accuracy", "asc", true).map((m) => m.id)).toEqual([1, 3, 2]);
    expect(sortModels(ms, "accuracy", "desc").map((m) => m.id)).toEqual([1, 2, 3]);
  });
});

describe("axis ticks", () => {
  it("puts log ticks on decades, and on 2× and 5× for short ranges", () => {
    expect(axisTicks(2.5, 6.1, true)).toEqual([3, 4, 5, 6]);
    expect(axisTicks(3.1, 4.0, true).map((t) => Math.round(10 ** t))).toEqual([2000, 5000, 10000]);
  });
  it("puts linear ticks on round steps", () => {
    expect(axisTicks(0.42, 0.9, false)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9]);
  });
  it("labels log ticks as counts", () => {
    expect(logTickLabel(3)).toBe("1k");
    expect(logTickLabel(Math.log10(50000))).toBe("50k");
    expect(logTickLabel(6)).toBe("1M");
    expect(logTickLabel(2)).toBe("100");
  });
});

describe("drawer sorting", () => {
  const ms = [model(1, { val_accuracy: 0.7, params: 500 }), model(2, { val_accuracy: null, params: 100 }), model(3, { val_accuracy: 0.9, params: 300 })];
  it("sorts by accuracy with untrained last, either way", () => {
    expect(sortModels(ms, "accuracy", "desc").map((m) => m.id)).toEqual([3, 1, 2]);
    expect(sortModels(ms, "accuracy", "asc").map((m) => m.id)).toEqual([1, 3, 2]);
  });
  it("sorts by parameters and flips on a second click", () => {
    expect(sortModels(ms, "params", "asc").map((m) => m.id)).toEqual([2, 3, 1]);
    expect(nextSort({ key: "params", dir: "asc" }, "params")).toEqual({ key: "params", dir: "desc" });
    expect(nextSort({ key: "params", dir: "asc" }, "accuracy")).toEqual({ key: "accuracy", dir: "desc" });
  });
});

describe("exports", () => {
  it("writes the models table as CSV with quoting and per-class columns", () => {
    const csv = modelsCsv([model(1, { summary: 'conv, "relu"', changes: ["a", "b"] })], ["face", "pear", "nose"]).trim().split("\n");
    expect(csv[0]).toBe("id,origin,parent,status,params,val_accuracy,train_accuracy,epochs_done,epochs,summary,changes,acc_face,acc_pear,acc_nose");
    expect(csv[1]).toBe('1,sampled,,done,1000,0.51,0.6,10,10,"conv, ""relu""",a; b,0.9,0.5,0.1');
  });
});

describe("confusion colours", () => {
  it("shades the diagonal towards blue and confusions towards red", () => {
    const c = confusionColours([[8, 2], [0, 10]]);
    expect(c[1][1]).toBe(mix("#ffffbf", "#b9d6e8", 1));
    expect(c[1][1]).toBe("rgb(185,214,232)");
    expect(c[0][1]).toBe("rgb(249,182,161)");
    expect(c[1][0]).toBe("rgb(255,255,191)");
  });
});

describe("queue progress", () => {
  it("tracks batches, moves on after an epoch and forgets finished jobs", () => {
    let live = applyProgress({}, { type: "batch", job_id: 7, epoch: 2, epochs: 4, batch: 5, batches: 10, eta_seconds: 30 });
    expect(progressFraction(live[7])).toBeCloseTo(0.375);
    live = applyProgress(live, {
      type: "epoch", job_id: 7, epochs: 4, eta_seconds: 20,
      metrics: { epoch: 2, train_loss: 1, train_accuracy: 0.5, val_loss: 1, val_accuracy: 0.5, seconds: 3 },
    });
    expect(progressFraction(live[7])).toBeCloseTo(0.5);
    expect(live[7].eta).toBe(20);
    live = applyProgress(live, { type: "job", job_id: 7, session_id: 1, model_id: 1, status: "done", error: null });
    expect(live[7]).toBeUndefined();
  });
  it("formats durations", () => {
    expect(formatDuration(42.4)).toBe("42 s");
    expect(formatDuration(185)).toBe("3 min 5 s");
    expect(formatDuration(3600 * 2 + 60 * 5)).toBe("2 h 5 min");
    expect(formatDuration(null)).toBe("–");
  });
  it("says how far the preprocessing stage is", () => {
    expect(trainingProgressText(session({ models: 3, trained: 1, finished: 1, pending: 2 }))).toBe("Training: 1 of 3 models trained…");
    expect(trainingProgressText(session({ models: 1, trained: 1, finished: 1, pending: 0 }))).toBeNull();
    expect(trainingProgressText(session({ models: 0, trained: 0, finished: 0, pending: 0 }))).toBe("Sampling models…");
  });
});

describe("small formatters", () => {
  it("signs differences", () => {
    expect(signedParams(-1500)).toBe("−1.5k");
    expect(signedParams(20)).toBe("+20");
    expect(signedPoints(0.023)).toBe("+2.3 pp");
    expect(signedPoints(-0.1)).toBe("−10.0 pp");
    expect(signedPoints(null)).toBe("–");
  });
  it("builds data set strings and class lists", () => {
    expect(datasetString("mnist", " /d/mnist ")).toBe("mnist:/d/mnist");
    expect(parseClasses(" cat, ,bird ")).toEqual(["cat", "bird"]);
    expect(parseClasses("  ")).toBeNull();
  });
  it("reads error values", () => {
    expect(errorText("boom")).toBe("boom");
    expect(errorText(new Error("bad"))).toBe("bad");
    expect(errorText({ message: "m" })).toBe("m");
    expect(errorText({ code: 3 })).toBe('{"code":3}');
  });
});
