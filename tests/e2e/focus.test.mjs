// End-to-end, issue 19, as REMAP's user-study task 2 ("a net of at most 100,000 parameters
// that tells two classes apart"): a sketches session with a budget of 100,000, a focus on two
// classes (the map re-shades and the size filter fades), ablations and variations of the best
// focused model within the budget, the Effects view listing the edit kinds, and the export of
// the best focused model. `remap session best --classes … --json` must agree with the window.
// Screenshots land in out/e2e/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliBinary, launch } from "./webdriver.mjs";

const MODELS = 6;
const BUDGET = 100000;
const FOCUS = ["circle", "square"];
const SEED = 11;
const canvas = "[data-testid=overview-canvas]";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The session's models as Rust sends them with the focus, through the app's own IPC. */
async function focused(app) {
  return app.script(
    "return (async () => { const i = window.__TAURI_INTERNALS__.invoke; const s = await i('plugin:remap-session|last_session'); const o = await i('plugin:remap-session|overview', { sessionId: s.id, focus: arguments[0] }); return { session: s.id, models: o.models.map(m => ({ id: m.id, params: m.params, status: m.status, focus: m.focus_accuracy, layers: m.snac.layers.length })) }; })()",
    [FOCUS],
  );
}

async function queueEmpty(app) {
  return app.script("return document.querySelectorAll('li.job[data-job-status=queued], li.job[data-job-status=running]').length === 0");
}

test("task 2: focus on two classes under a parameter budget", { timeout: 900000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  try {
    // A sketches session with a budget: every sampled model fits it.
    await app.find("#choose-dataset", 30000);
    await app.click("#choose-dataset");
    await app.script(
      "const s = document.querySelector('#new-dataset-kind'); s.value = 'sketches'; s.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    await app.type("#new-name", "task2");
    await app.type("#new-models", MODELS);
    await app.type("#new-epochs", 2);
    await app.type("#new-per-class", 60);
    await app.type("#new-budget", BUDGET);
    await app.type("input[name=seed]", SEED);
    await app.click("#new-create");
    const trained = `${MODELS} of ${MODELS} models trained`;
    await app.waitFor(async () => (await app.text("[data-testid=overview-trained]")).startsWith(trained), 600000, trained);
    let { models } = await focused(app);
    assert.ok(models.every((m) => m.params <= BUDGET), "sampled within the budget");
    const budget = await app.text("#session-budget");
    assert.equal(budget.replace(/\D/g, ""), String(BUDGET), `the session shows its budget: ${budget}`);

    // Focus on two classes: click one, shift-click the other.
    await app.click("#tab-data");
    await app.click(`[data-class=${FOCUS[0]}]`);
    await app.shiftClick(`[data-class=${FOCUS[1]}]`);
    await app.waitFor(async () => (await app.text("[data-testid=focus]")).includes(FOCUS.join(", ")), 10000, "both classes in focus");
    assert.equal(await app.attribute(`[data-class=${FOCUS[1]}]`, "aria-pressed"), "true");
    await app.pointerAt(2, 2); // off the cards: a hovered class would shade the map instead
    await app.waitFor(async () => (await app.text("[data-testid=legend-focus]")).includes("focus accuracy"), 15000, "the map shades by focus accuracy");
    await sleep(800);
    await app.screenshot("focus-1-focused-map");

    // The size view ranks by focus accuracy too.
    await app.click("#view-size");
    await sleep(800);
    assert.ok((await app.text(".legend")).includes("Pareto front"), "the size view draws the focus Pareto front");
    await app.screenshot("focus-2-size-view");
    await app.click("#view-prediction");

    // The size filter: the budget is the default limit; a lower limit fades some models.
    const filter = "[data-testid=size-filter] output";
    assert.ok((await app.text(filter)).includes(`${MODELS} of ${MODELS}`), await app.text(filter));
    await app.script(
      "const r = document.querySelector('#size-limit'); r.value = String(Math.round(Number(r.max) * 0.3)); r.dispatchEvent(new Event('input', { bubbles: true }));",
    );
    await app.waitFor(async () => !(await app.text(filter)).includes(`${MODELS} of ${MODELS}`), 5000, "fewer models pass a lower limit");
    console.log(`size filter: ${await app.text(filter)}`);
    await sleep(500);
    await app.screenshot("focus-3-size-filter");
    await app.script("const r = document.querySelector('#size-limit'); r.value = r.max; r.dispatchEvent(new Event('input', { bubbles: true }));");

    // The best focused model: inspect it; the Inspector says its focus accuracy.
    ({ models } = await focused(app));
    const best = models.filter((m) => m.focus !== null).sort((a, b) => b.focus - a.focus || a.params - b.params)[0];
    await app.inspectPoint(best.id);
    await app.click("#tab-inspector");
    const focusLine = () => app.script("return document.querySelector('[data-testid=inspector-focus]')?.textContent ?? ''");
    await app.waitFor(async () => (await focusLine()).includes("Focus accuracy"), 10000, "the Inspector's focus accuracy");
    console.log(`inspector: ${await focusLine()}`);

    // The CLI ranks the same way.
    const cli = spawnSync(cliBinary(), ["session", "best", "task2", "--classes", FOCUS.join(","), "--max-params", String(BUDGET), "--top", "3", "--json"], {
      env: { ...process.env, REMAP_DATA_DIR: app.dataDir },
      encoding: "utf8",
    });
    assert.equal(cli.status, 0, cli.stderr);
    const ranked = cli.stdout.trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(ranked[0].id, best.id, "the CLI's best is the window's best");

    // Ablate and vary the best focused model with layers to remove, within the budget.
    const parent = models.filter((m) => m.focus !== null && m.layers >= 2).sort((a, b) => b.focus - a.focus || a.params - b.params)[0];
    assert.ok(parent, "a focused model with two or more hidden layers");
    await app.inspectPoint(parent.id);
    await app.click("#tab-generate");
    await app.click("#gen-mode-ablations");
    await app.click("#ablate-preview");
    await app.find("[data-testid=child-preview] tr[data-hash]");
    await app.screenshot("focus-4-ablations");
    await app.click("#ablate-queue");
    await sleep(500);
    await app.click("#gen-mode-variations");
    await app.click("#vary-preview");
    await app.find("[data-testid=child-preview], [data-testid=child-skipped]");
    await app.click("#vary-queue");
    await app.click("#tab-queue");
    await app.waitFor(() => queueEmpty(app), 600000, "the children trained");
    ({ models } = await focused(app));
    const children = models.length - MODELS;
    assert.ok(children > 0, "children were queued");
    assert.ok(models.every((m) => m.params <= BUDGET), "every child within the budget");

    // The Effects view lists the kinds of edit with their counts.
    await app.click("#tab-effects");
    await app.waitFor(async () => (await app.findAll("button.row[data-kind]")).length > 0, 15000, "edit kinds listed");
    const kinds = await app.script("return [...document.querySelectorAll('button.row[data-kind]')].map(b => [b.dataset.kind, b.textContent])");
    console.log(`effects: ${kinds.map(([k]) => k).join("; ")}`);
    assert.ok(kinds.some(([k]) => k.startsWith("remove ")), "ablations show as removals");
    await sleep(500);
    await app.screenshot("focus-5-effects");

    // Lineage: hovering the parent links it to its children on the map.
    const at = await app.script("return window.__remapPointScreen(arguments[0])", [parent.id]);
    await app.pointerAt(at.x, at.y);
    await sleep(500);
    await app.screenshot("focus-6-lineage");

    // Drag a model that is not in the drawer onto it.
    const kept = await app.script("return [...document.querySelectorAll('[data-drop=drawer] tbody tr')].map(r => r.textContent)");
    const loose = models.find((m) => !kept.some((row) => row.includes(`#${m.id}`)));
    assert.ok(loose, "a model outside the drawer");
    await app.dragPoint(loose.id, "[data-drop=drawer]");
    await app.waitFor(
      () => app.script("return [...document.querySelectorAll('[data-drop=drawer] tbody tr')].some(r => r.textContent.includes('#' + arguments[0]))", [loose.id]),
      10000,
      `model ${loose.id} dragged into the drawer`,
    );
    await app.screenshot("focus-7-dragged");

    // Export the best focused model.
    ({ models } = await focused(app));
    const winner = models.filter((m) => m.focus !== null).sort((a, b) => b.focus - a.focus || a.params - b.params)[0];
    await app.inspectPoint(winner.id);
    await app.click("#tab-inspector");
    const out = join(mkdtempSync(join(tmpdir(), "remap-focus-")), "model");
    await app.click("#export-open");
    await app.type("#export-folder", out);
    await app.click("#export-run");
    await app.waitFor(async () => (await app.findAll("[data-testid=export-result] li")).length === 5, 60000, "5 files exported");
    assert.ok(existsSync(join(out, "model.onnx")), "ONNX exported");
    await app.screenshot("focus-8-exported");
  } finally {
    await app.close();
  }
});
