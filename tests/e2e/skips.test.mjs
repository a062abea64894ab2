// End-to-end, issue 20: a session of the `residual` search space trains on sketches; a sampled
// net with a residual block shows its skip as an arc into a `+` chip in every SNAC — the Queue
// row, the overview's tooltip, the Inspector and the Drawer. Then a residual block is
// handcrafted: a chain built in the editor, its skip drawn by dragging chip 1's output port onto
// chip 3 with the real mouse, queued, trained, and its arc seen in the tooltip, Inspector and
// Drawer. Screenshots land in out/e2e/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./webdriver.mjs";

const MODELS = 6;

/** Model `id`'s skip arc in the overview's tooltip, then in its Drawer row and the Inspector's
 * large SNAC; a screenshot of each state. */
async function arcsEverywhere(app, id, [tooltipShot, inspectorShot]) {
  await app.hoverPoint(id);
  assert.ok((await app.findAll("[role=tooltip] g.arc")).length >= 1, `model ${id}'s tooltip SNAC has the arc`);
  await app.screenshot(tooltipShot);
  await app.inspectPoint(id);
  await app.find(`tr[data-model-id='${id}'] g.arc`);
  await app.click("#tab-inspector");
  await app.find(".large-snac g.arc");
  await app.screenshot(inspectorShot);
}

test("residual nets draw their skips as arcs in every SNAC", { timeout: 900000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  try {
    await app.find("#start-sketches", 30000);
    await app.click("#choose-dataset");
    await app.script(
      "const s = document.querySelector('#new-dataset-kind'); s.value = 'sketches'; s.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    await app.type("#new-name", "residual");
    await app.type("#new-models", MODELS);
    await app.type("#new-epochs", 1);
    await app.type("#new-per-class", 60);
    // Seed 3 of the residual space samples a residual block among the first models.
    await app.type("input[name=seed]", 3);
    await app.script(
      "const s = document.querySelector('#new-space'); s.value = 'residual'; s.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    await app.screenshot("skips-1-welcome");
    await app.click("#new-create");

    await app.click("#tab-queue");
    await app.waitFor(async () => (await app.findAll("li.job")).length === MODELS, 60000, `${MODELS} jobs listed`);
    const withArc = await app.script(
      "return [...document.querySelectorAll('li.job')].filter((li) => li.querySelector('g.arc')).map((li) => Number(li.querySelector('button.model').textContent.slice(1)))",
    );
    assert.ok(withArc.length >= 1, "a queued model has a skip arc in its Queue row");
    const id = withArc[0];
    const arc = await app.script(
      "const li = [...document.querySelectorAll('li.job')].find((l) => l.querySelector('button.model').textContent === '#' + arguments[0]); const g = li.querySelector('g.arc'); const to = Number(g.dataset.to); return { to, type: li.querySelectorAll('g.chip')[to].dataset.type, letter: li.querySelectorAll('g.chip')[to].querySelector('text').textContent }",
      [id],
    );
    assert.deepEqual({ type: arc.type, letter: arc.letter }, { type: "add", letter: "+" }, "the arc enters a + chip");
    await app.screenshot("skips-2-queue");

    await app.waitFor(
      async () => (await app.findAll("li.job[data-job-status=queued], li.job[data-job-status=running]")).length === 0,
      600000,
      "every model trained",
    );
    await arcsEverywhere(app, id, ["skips-3-tooltip", "skips-4-inspector-drawer"]);

    // Handcraft a residual block: conv(same) relu conv(same) relu, then drag the output port
    // of layer 1 onto layer 3 — an add of relu 3 and relu 1 appears after it, drawn as an arc.
    await app.click("#tab-generate");
    await app.click("#gen-mode-handcrafted");
    await app.find("[data-testid=hand-chain]");
    await app.script(
      "return (async () => { const h = window.__remapHand; for (const [t, at] of [['conv2d', 0], ['activation', 1], ['conv2d', 2], ['activation', 3]]) await h.add(t, at); h.set(0, 'padding', 'same'); h.set(2, 'padding', 'same'); })()",
    );
    const chips = async () => app.script("return [...document.querySelectorAll('[data-testid=hand-chain] [data-chip-index]')].map((c) => c.dataset.type)");
    await app.waitFor(async () => (await chips()).length === 4, 15000, "a 4-layer chain");
    const valid = () => app.attribute("[data-testid=hand-validation]", "data-valid");
    await app.waitFor(async () => (await valid()) === "true", 15000, "a valid chain");
    await app.drag("[data-testid=hand-chain] [data-port='1']", "[data-testid=hand-chain] [data-chip-index='3']");
    await app.waitFor(async () => (await chips()).length === 5, 15000, "the merge the drag added");
    assert.deepEqual(await chips(), ["conv2d", "activation", "conv2d", "activation", "add"]);
    await app.find("[data-testid=hand-chain] g.arc[data-from='1'][data-to='4']");
    await app.waitFor(async () => (await valid()) === "true", 15000, "the residual block valid");
    await app.screenshot("skips-5-handcrafted");
    await app.click("#hand-train");
    const handcrafted = await app.waitFor(
      async () =>
        app.script(
          "return (async () => { const i = window.__TAURI_INTERNALS__.invoke; const s = await i('plugin:remap-session|last_session'); const o = await i('plugin:remap-session|overview', { sessionId: s.id }); const m = o.models.find((m) => m.origin === 'handcrafted'); return m ? m.id : null; })()",
        ),
      30000,
      "the handcrafted model stored",
    );
    await app.click("#tab-queue");
    await app.waitFor(
      async () =>
        app.script(
          "return (async () => { const i = window.__TAURI_INTERNALS__.invoke; const s = await i('plugin:remap-session|last_session'); return (await i('plugin:remap-session|queue', { sessionId: s.id })).some((j) => j.model_id === arguments[0] && j.status === 'done'); })()",
          [handcrafted],
        ),
      600000,
      "the handcrafted model trained",
    );
    await arcsEverywhere(app, handcrafted, ["skips-6-handcrafted-tooltip", "skips-7-handcrafted-inspector"]);
  } finally {
    await app.close();
  }
});
