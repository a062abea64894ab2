// End-to-end, issue 9: local experimentation on a trained model — ablations queued and
// trained, a handcrafted model (rejected while invalid, then fixed, saved as a template and
// trained), reordering queued jobs and checking the order they train in, cancelling a
// queued and a running job, exporting. Screenshots land in out/e2e/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launch } from "./webdriver.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The second singular value of the centred points over the first: 0 for points on a line. */
function flatness(points) {
  const n = points.length;
  const [cx, cy] = [points.reduce((a, p) => a + p[0], 0) / n, points.reduce((a, p) => a + p[1], 0) / n];
  let [xx, yy, xy] = [0, 0, 0];
  for (const [x, y] of points) {
    xx += (x - cx) ** 2;
    yy += (y - cy) ** 2;
    xy += (x - cx) * (y - cy);
  }
  const [mean, radius] = [(xx + yy) / 2, Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy)];
  return mean + radius > 0 ? Math.sqrt(Math.max(0, mean - radius) / (mean + radius)) : 0;
}

/** The status of every job in the Queue tab, by job id. */
async function statuses(app) {
  return app.script(
    "return Object.fromEntries([...document.querySelectorAll('[data-job-id]')].map(e => [e.dataset.jobId, e.dataset.jobStatus]))",
  );
}

test("local experimentation: ablations, handcrafting, reordering, cancelling", { timeout: 900000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  try {
    await app.find("#choose-dataset", 30000);
    await app.newSketchSession({ name: "local", models: 2, epochs: 1, perClass: 60 });
    const canvas = "[data-testid=overview-canvas]";
    await app.waitFor(async () => Number(await app.attribute(canvas, "data-point-count")) === 2, 300000, "2 trained models");

    // Inspect the model with the most layers (through its point on the map), then ablate it.
    const models = await app.script(
      "return (async () => { const i = window.__TAURI_INTERNALS__.invoke; const s = await i('plugin:remap-session|last_session'); const o = await i('plugin:remap-session|overview', { sessionId: s.id }); return o.models.map(m => [m.id, m.snac.layers.length]); })()",
    );
    const [first] = models.sort((a, b) => b[1] - a[1])[0];
    await app.inspectPoint(first);
    await app.click("#tab-generate");
    await app.click("#gen-mode-ablations");
    await app.click("#ablate-preview");
    await app.find("[data-testid=child-preview] tr[data-hash]");
    const previewed = (await app.findAll("[data-testid=child-preview] tr[data-hash]")).length;
    await app.screenshot("generate-1-ablations");
    await app.click("#ablate-queue");
    await app.click("#tab-queue");
    await app.waitFor(async () => Object.keys(await statuses(app)).length === 2 + previewed, 15000, "ablations queued");
    await app.waitFor(
      async () => Object.values(await statuses(app)).every((s) => s === "done"),
      300000,
      "ablations trained",
    );
    // The overview knows every finished job the Queue shows (one reload for both, issue 21).
    const done = (await app.findAll("[data-job-status=done]")).length;
    await app.waitFor(async () => (await app.text(".legend span")) === `${done} of ${done} models trained`, 15000, `the overview with ${done} trained`);
    await app.screenshot("generate-2-queue-done");

    // Handcrafting: conv → maxpool → dense is valid; a conv after the dense is rejected.
    await app.click("#tab-generate");
    await app.click("#gen-mode-handcrafted");
    await app.find("[data-testid=hand-chain]");
    // The first layer is dragged from the palette with the real mouse; the editor's own
    // functions (the ones the drop handlers call) add the next two.
    await app.drag("[data-palette='conv2d']", "[data-testid=hand-chain]");
    await app.waitFor(async () => (await app.findAll("[data-testid=hand-chain] [data-chip-index]")).length === 1, 5000, "a dragged chip");
    await app.script("window.__remapHand.add('maxpool2d', 1); window.__remapHand.add('dense', 2);");
    const valid = () => app.attribute("[data-testid=hand-validation]", "data-valid");
    await app.waitFor(async () => (await valid()) === "true", 15000, "a valid chain");
    await app.script("window.__remapHand.add('conv2d', 3)");
    await app.waitFor(async () => (await valid()) === "false", 15000, "the invalid chain rejected");
    const reason = await app.text("[data-testid=hand-validation]");
    assert.match(reason, /layer 4|conv2d/i, reason);
    await app.screenshot("generate-3-handcrafted-invalid");
    await app.script("window.__remapHand.remove(3)");
    await app.waitFor(async () => (await valid()) === "true", 15000, "fixed");
    await app.click("#hand-save-template");
    await app.type("#template-name", "e2e template");
    await app.click("#template-save-confirm");
    await app.click("#hand-load-template");
    await app.find("[data-template='e2e template']");

    // Pause, queue the handcrafted model and three variations, reorder, resume.
    await app.click("#tab-queue");
    await app.click("#queue-pause");
    await app.waitFor(async () => (await app.attribute("#queue-pause", "aria-pressed")) === "true", 5000, "paused");
    await app.click("#tab-generate");
    await app.click("#gen-mode-handcrafted");
    await app.click("#hand-train");
    await app.click("#gen-mode-variations");
    await app.click("#vary-preview");
    await app.find("[data-testid=child-preview] tr[data-hash]");
    await app.click("#vary-queue");
    await app.click("#tab-queue");
    const queued = async () =>
      app.script(
        "return [...document.querySelectorAll('[data-job-status=queued]')].sort((a, b) => a.dataset.jobPosition - b.dataset.jobPosition).map(e => Number(e.dataset.jobId))",
      );
    await app.waitFor(async () => (await queued()).length >= 3, 15000, "queued jobs");
    const before = await queued();
    const last = before[before.length - 1];
    await app.script("return window.__remapQueue.move(arguments[0], 0)", [last]);
    await app.waitFor(async () => (await queued())[0] === last, 15000, "the last job moved first");
    await app.screenshot("generate-4-reordered");

    // Cancel one queued job, then resume: the moved job is the first to start.
    const cancelled = before.find((id) => id !== last);
    await app.click(`[data-job-id='${cancelled}'] button.job-cancel`);
    await app.waitFor(async () => (await statuses(app))[cancelled] === "cancelled", 15000, "cancelled");
    const started = async () => app.script("return window.__remapStartOrder ?? []");
    const startedBefore = (await started()).length;
    await app.click("#queue-pause");
    await app.waitFor(async () => (await started()).length > startedBefore, 120000, "the queue resumed");
    const order = (await started()).slice(startedBefore);
    assert.equal(order[0], last, `start order after resuming: ${order}`);
    await app.waitFor(
      async () => Object.values(await statuses(app)).every((s) => s === "done" || s === "cancelled"),
      300000,
      "the queue finished",
    );
    assert.equal((await statuses(app))[cancelled], "cancelled");

    // A long job (a heavy handcrafted net, 50 epochs) is cancelled while it trains.
    const long = await app.script(
      "return (async () => { const i = window.__TAURI_INTERNALS__.invoke; const s = await i('plugin:remap-session|last_session'); const m = await i('plugin:remap-session|queue_handcrafted', { sessionId: s.id, architecture: { input: { height: 28, width: 28, channels: 1 }, classes: 10, layers: [{ type: 'conv2d', filters: 128, kernel: 5 }, { type: 'activation', function: 'relu' }, { type: 'conv2d', filters: 128, kernel: 3 }] }, parent: null, epochs: 50 }); return (await i('plugin:remap-session|queue', { sessionId: s.id })).find(j => j.model_id === m).id; })()",
    );
    await app.waitFor(async () => (await statuses(app))[long] === "running", 60000, "the long job running");
    await app.click(`[data-job-id='${long}'] button.job-cancel`);
    await app.waitFor(async () => (await statuses(app))[long] === "cancelled", 60000, "the running job cancelled");
    await app.screenshot("generate-5-cancelled");
    // The map of a session grown from two models spans two dimensions (it stayed a line).
    const coords = await app.script(
      "return (async () => { const i = window.__TAURI_INTERNALS__.invoke; const s = await i('plugin:remap-session|last_session'); const o = await i('plugin:remap-session|overview', { sessionId: s.id }); return o.prediction.coords; })()",
    );
    assert.ok(coords.length >= 5, `${coords.length} models on the map`);
    assert.ok(flatness(coords) > 0.05, `the prediction map is a line: flatness ${flatness(coords)} of ${JSON.stringify(coords)}`);

    // Export the inspected model from the Inspector and find its files on disk.
    const out = join(mkdtempSync(join(tmpdir(), "remap-export-")), "model");
    await app.click("#tab-inspector");
    await app.click("#export-open");
    await app.type("#export-folder", out);
    await app.click("#export-run");
    await app.waitFor(async () => (await app.findAll("[data-testid=export-result] li")).length === 5, 60000, "5 files exported");
    for (const file of ["architecture.json", "model.safetensors", "model.onnx", "model.py", "README.md"]) {
      assert.ok(existsSync(join(out, file)), `${file} exported`);
    }
    await app.screenshot("generate-6-exported");
  } finally {
    await app.close();
  }
});
