// End-to-end: the real app opens with REMAP's layout, and the UI reaches Rust over IPC.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./webdriver.mjs";

test("the window shows REMAP's layout and talks to the Rust core", { timeout: 120000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  try {
    await app.find("section[aria-label='Model Overview']");
    await app.find("section[aria-label='Model Drawer']");
    const tabs = await app.script("return [...document.querySelectorAll('[role=tab]')].map(t => t.textContent)");
    assert.deepEqual(tabs, ["Data Selector", "Model Inspector", "Generate Models", "Queue", "Workers", "Effects"]);

    // app_info comes from Rust: the data directory is the fresh one this test chose.
    const dataDir = await app.waitFor(() => app.attribute(".status span[title^='Data:']", "title"), 15000, "app info");
    assert.equal(dataDir, `Data: ${app.dataDir}`);

    // The architecture check is Rust's verdict, not the UI's.
    const verdict = await app.script(
      "return window.__TAURI_INTERNALS__.invoke('plugin:remap-session|check_architecture', { json: arguments[0] })",
      [JSON.stringify({ input: { height: 28, width: 28, channels: 1 }, classes: 10, layers: [{ type: "conv2d", filters: 16, kernel: 3 }] })],
    );
    assert.equal(verdict.params, 108330);

    // About: version, the data directory and the credited licences, all from Rust.
    await app.click("#about");
    await app.find("[data-testid=about-dialog]");
    assert.equal(await app.script("return document.querySelector('[data-testid=about-data-dir]').textContent"), app.dataDir);
    const credits = await app.script(
      "return [...document.querySelectorAll('[data-testid=about-credits] tbody tr')].map(r => [...r.cells].map(c => c.textContent))",
    );
    const burn = credits.find((row) => row[0] === "burn");
    assert.match(burn[1], /^0\.22\./, "burn's locked version");
    assert.ok(credits.some((row) => row[0] === "WebKitGTK" && row[1] === "system"));
    await app.screenshot("about-1280x800");
    await app.click("[data-testid=about-dialog] button.close");
    await app.waitFor(async () => !(await app.script("return !!document.querySelector('[data-testid=about-dialog]')")), 5000, "About closes");

    await app.click("#tab-queue");
    assert.equal(await app.attribute("#tab-queue", "aria-selected"), "true");
    await app.screenshot("shell-1280x800");
  } finally {
    await app.close();
  }
});

test("a paused queue stays paused when the app starts again", { timeout: 120000 }, async () => {
  const paused = () => app.script("return window.__TAURI_INTERNALS__.invoke('plugin:remap-session|queue_status').then(s => s.paused)");
  let app = await launch({ width: 1280, height: 800 });
  const dataDir = app.dataDir;
  try {
    await app.find("section[aria-label='Model Overview']");
    assert.equal(await paused(), false);
    await app.script("return window.__TAURI_INTERNALS__.invoke('plugin:remap-session|pause_queue')");
  } finally {
    await app.close();
  }
  app = await launch({ width: 1280, height: 800, dataDir });
  try {
    await app.find("section[aria-label='Model Overview']");
    assert.equal(await paused(), true, "paused after the restart");
    await app.script("return window.__TAURI_INTERNALS__.invoke('plugin:remap-session|resume_queue')");
    assert.equal(await paused(), false);
  } finally {
    await app.close();
  }
});
