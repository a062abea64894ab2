// End-to-end, issue 21: a session of 50 models fills the overview's canvas, in the prediction
// view and in the structural view (the defect was a view that stayed fitted to the first few
// points, leaving most of the canvas empty). Screenshots land in out/e2e/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./webdriver.mjs";

const MODELS = 50;
const canvas = "[data-testid=overview-canvas]";

/** Where the points lie on the canvas: the share of the canvas's width and height that their
 * bounding box spans. */
async function fill(app) {
  const f = await app.script(
    "const c = document.querySelector(arguments[0]); const r = c.getBoundingClientRect(); const ids = c.dataset.ids.split(',').map(Number); const ps = ids.map((id) => window.__remapPointScreen(id)); return { w: r.width, h: r.height, left: r.left, top: r.top, ps };",
    [canvas],
  );
  assert.equal(f.ps.length, MODELS, "one screen position per model");
  assert.ok(f.ps.every((p) => p), `every point drawn inside the canvas: ${JSON.stringify(f)}`);
  const xs = f.ps.map((p) => p.x - f.left);
  const ys = f.ps.map((p) => p.y - f.top);
  const width = (Math.max(...xs) - Math.min(...xs)) / f.w;
  const height = (Math.max(...ys) - Math.min(...ys)) / f.h;
  const distinct = new Set(f.ps.map((p) => `${Math.round(p.x / 4)},${Math.round(p.y / 4)}`)).size;
  return { width, height, distinct, canvas: [Math.round(f.w), Math.round(f.h)] };
}

/** The 50 points fill the canvas: they span most of its height and one axis almost entirely
 * (the fit leaves an 18 px margin, so 89 % of a 322 px high canvas is all there is), and a
 * most of the width, spread in two dimensions (a view fitted to the first few points leaves
 * most of the canvas empty and the later points outside it; one scale on both axes left a
 * round cloud on 41 % of a wide canvas's width). One axis may be stretched at most twice the
 * other, so a round cloud fills a canvas up to twice as wide as high. */
function assertFills(view, f) {
  const pct = (v) => `${Math.round(v * 100)} %`;
  const what = `${view} view: the points span ${pct(f.width)} of the width and ${pct(f.height)} of the height of the ${f.canvas.join("×")} canvas, ${f.distinct} distinct places`;
  console.log(what);
  assert.ok(f.height >= 0.6, `${what}; want ≥ 60 % of the height`);
  assert.ok(Math.max(f.width, f.height) >= 0.85, `${what}; want ≥ 85 % along one axis`);
  assert.ok(f.width >= 0.6, `${what}; want ≥ 60 % of the width`);
  assert.ok(f.distinct >= 10, `${what}; want the points spread, not stacked`);
}

test("a 50-model overview fills the canvas", { timeout: 900000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  try {
    await app.find("#start-sketches", 30000);

    // 50 models, 1 epoch, on a small share of the built-in sketches.
    await app.newSketchSession({ name: "fifty", models: MODELS, epochs: 1, perClass: 20 });

    await app.waitFor(
      async () => Number(await app.attribute(canvas, "data-point-count")) === MODELS,
      780000,
      `${MODELS} trained models on the map`,
    );
    // The last points glide into place (450 ms) and the view refits.
    await new Promise((r) => setTimeout(r, 1000));
    await app.screenshot("overview-9-fifty");
    assertFills("prediction", await fill(app));

    await app.click("#view-structure");
    assert.equal(await app.attribute("#view-structure", "aria-pressed"), "true");
    assert.equal(Number(await app.attribute(canvas, "data-point-count")), MODELS, "structure view");
    await new Promise((r) => setTimeout(r, 1000));
    await app.screenshot("overview-9-fifty-structure");
    assertFills("structure", await fill(app));
  } finally {
    await app.close();
  }
});
