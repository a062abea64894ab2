// End-to-end, issue 17: a screened session trained two jobs at a time. The Queue shows two
// running rows; Pause stops both within seconds and puts them back in the queue; Resume
// finishes them; screened-out models are rings on the map; "Train to the end" in the
// Inspector trains one to the full protocol. Screenshots land in out/e2e/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./webdriver.mjs";

const MODELS = 6;
const EPOCHS = 3; // rungs of 1 and 3 epochs
const canvas = "[data-testid=overview-canvas]";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function count(app, css) {
  return (await app.findAll(css)).length;
}

test("two jobs at once, pause and resume, screened models and train to the end", { timeout: 900000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  try {
    await app.find("#start-sketches", 30000);
    await app.newSketchSession({ name: "screening", models: MODELS, epochs: EPOCHS, perClass: 400 });

    // Two jobs at once, set in the Training settings dialog (kept in ui.json).
    await app.click("#tab-queue");
    // The layout settles once the new session's jobs are listed (a click during the switch
    // from the welcome page can land elsewhere).
    await app.waitFor(async () => (await count(app, "li.job")) === MODELS, 60000, `${MODELS} jobs listed`);
    await app.open("#queue-settings", "#settings-jobs");
    await app.type("#settings-jobs", 2);
    await app.click("#settings-save");
    await app.waitFor(
      async () => (await app.text("[data-testid=settings-parallelism]")).includes("2 jobs at once"),
      10000,
      "the dialog shows 2 jobs at once",
    );
    await app.screenshot("screening-1-settings");
    await app.click("[data-testid=settings-dialog] button.close");
    // A CI run once found the queue paused here (a stray click on Pause while the layout
    // moved, as far as the screenshot tells): say so, and resume, since Pause is tested below.
    if ((await app.attribute("#queue-pause", "aria-pressed")) === "true") {
      console.log("the queue was paused before the Pause step; resuming it");
      await app.click("#queue-pause");
    }

    await app.waitFor(async () => (await count(app, "li.job[data-job-status=running]")) === 2, 120000, "two running rows");
    await app.screenshot("screening-2-two-running");

    // Pause: both running jobs stop within one batch and go back to the queue.
    const running = await app.script(
      "return [...document.querySelectorAll('li.job[data-job-status=running]')].map((li) => li.dataset.jobId)",
    );
    const pausedAt = Date.now();
    await app.click("#queue-pause");
    await app.waitFor(async () => (await count(app, "li.job[data-job-status=running]")) === 0, 20000, "no running job after Pause");
    const took = Date.now() - pausedAt;
    console.log(`Pause stopped ${running.length} running jobs in ${took} ms`);
    // A job that reached its rung in that instant ends screened; the others are queued again.
    const states = [];
    for (const id of running) states.push(await app.attribute(`li.job[data-job-id='${id}']`, "data-job-status").catch(() => "finished"));
    console.log(`after Pause: ${states.join(", ")}`);
    assert.ok(states.includes("queued"), `a stopped job is back in the queue: ${states}`);
    // Within one batch, plus the process's reply and the window's reload: 1–2 s on an idle
    // machine, 10.5 s once on a loaded 2-core runner (a batch of the largest sketch net on one
    // thread). That the stop comes within one batch is tested in plugins/session/tests; this
    // bound only catches a pause that hangs, so load cannot fail it.
    assert.ok(took < 20000, `Pause took ${took} ms`);
    assert.equal(await app.attribute("#queue-pause", "aria-pressed"), "true");
    await sleep(1500);
    assert.equal(await count(app, "li.job[data-job-status=running]"), 0, "nothing starts while paused");
    await app.screenshot("screening-3-paused");

    // Resume: everything is trained (to a rung or to the end).
    await app.click("#queue-pause");
    await app.waitFor(
      async () => (await count(app, "li.job[data-job-status=queued], li.job[data-job-status=running]")) === 0,
      600000,
      "the queue empties after Resume",
    );

    // Screened-out models are marked on the map and in the legend.
    await app.waitFor(async () => Number(await app.attribute(canvas, "data-point-count")) === MODELS, 30000, `${MODELS} models on the map`);
    const screened = ((await app.attribute(canvas, "data-screened")) ?? "").split(",").filter(Boolean).map(Number);
    console.log(`screened: ${screened.join(", ")}`);
    assert.ok(screened.length >= 2, `at least two models screened out of ${MODELS}: ${screened}`);
    assert.ok((await app.text(".legend")).includes("screened"), "the legend names the rings");
    await sleep(800);
    await app.screenshot("screening-4-map-rings");

    // Train one of them to the end from the Inspector.
    const id = screened[0];
    const at = await app.script("return window.__remapPointScreen(arguments[0])", [id]);
    assert.ok(at, `model ${id} is drawn`);
    await app.click("#tab-queue");
    await app.click("#queue-history");
    await app.click(`tr[data-job-status=screened] button.model[title='Inspect #${id}']`);
    await app.click("#tab-inspector");
    assert.match(await app.text("[data-testid=inspector-trained]"), /Trained 1 of 3 epochs/);
    await app.screenshot("screening-5-inspector-screened");
    await app.click("#train-to-end");
    await app.waitFor(
      async () => /Trained 3 of 3 epochs/.test(await app.text("[data-testid=inspector-trained]").catch(() => "")),
      300000,
      `model ${id} trained to the end`,
    );
    const after = ((await app.attribute(canvas, "data-screened")) ?? "").split(",").filter(Boolean).map(Number);
    assert.ok(!after.includes(id), `model ${id} is no longer a ring`);
    await app.screenshot("screening-6-trained-to-the-end");
  } finally {
    await app.close();
  }
});
