// End-to-end, issue 33: start from a model the user already has. ONNX files exported by
// PyTorch (plugins/onnx/tests/fixtures) are dropped on the real window by a real mouse drag:
// a refused one names its op and node; an accepted one shows its chips and PyTorch's parameter
// count, opens in the handcraft editor, and starts a new session around it. Screenshots land in
// out/e2e/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { launch } from "./webdriver.mjs";

const fixtures = join(import.meta.dirname, "../../plugins/onnx/tests/fixtures");
const expected = JSON.parse(readFileSync(join(fixtures, "fixtures.json"), "utf8"));

/** The last session as Rust reports it. */
async function lastSession(app) {
  return app.script("return window.__TAURI_INTERNALS__.invoke('plugin:remap-session|last_session')");
}

test("import: drop ONNX files, refuse one by its node, edit one, start a session around it", { timeout: 600000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  try {
    await app.find("#choose-dataset", 30000);
    await app.newSketchSession({ name: "host", models: 2, epochs: 1, perClass: 60 });
    await app.waitFor(async () => (await lastSession(app))?.name === "host", 60000, "the host session");

    // A net with batch normalisation is refused, naming the op and the node.
    const refused = "batchnorm.torchscript.onnx";
    await app.dropFile(join(fixtures, refused), [300, 300]);
    await app.find("[data-testid=import-refusal]", 15000);
    const reason = await app.text("[data-testid=import-refusal]");
    assert.match(reason, /BatchNormalization/);
    assert.ok(reason.includes(expected[refused].refused.node), `the refusal names the node: ${reason}`);
    await app.screenshot("import-1-refused");
    await app.click("[data-testid=import-dialog] button[aria-label=Close]");

    // A conv chain exported by PyTorch's TorchScript exporter: its chips and parameter count.
    const file = "conv_chain.torchscript.onnx";
    await app.dropFile(join(fixtures, file), [900, 300]);
    await app.find("[data-testid=import-net]", 15000);
    assert.equal(Number(await app.attribute("[data-testid=import-net]", "data-params")), expected[file].params);
    const layers = Number(await app.attribute("[data-testid=import-net]", "data-layers"));
    assert.ok(layers >= 3, `the chain has its layers (${layers})`);
    await app.screenshot("import-2-dialog");

    // In the editor: the same chain, checked live against the session's data.
    await app.click("#import-edit");
    await app.waitFor(async () => (await app.findAll("[data-chip-index]")).length === layers, 15000, "the chain in the editor");
    await app.screenshot("import-3-editor");

    // Again from the Generate tab's Import… path: drop it once more and start a session around it.
    await app.dropFile(join(fixtures, file), [900, 300]);
    await app.find("#import-around-start", 15000);
    await app.type("#import-name", "around");
    await app.type("#import-around", 3);
    await app.type("#import-epochs", 1);
    await app.type("#import-per-class", 60);
    await app.click("#import-around-start");
    await app.waitFor(async () => (await lastSession(app))?.name === "around", 60000, "the session around the net");
    const around = await lastSession(app);
    assert.equal(around.models, 4, "the net and its 3 relatives");
    const overview = await app.script(
      "return window.__TAURI_INTERNALS__.invoke('plugin:remap-session|overview', { sessionId: arguments[0] })",
      [around.id],
    );
    assert.equal(overview.models.length, 4);
    assert.equal(new Set(overview.models.map((m) => m.hash)).size, 4, "every architecture once");
    await app.screenshot("import-4-session-around");
  } finally {
    await app.close();
  }
});
