// End-to-end: a session is renamed and then deleted from the top bar's session menu, and the
// store (read back over IPC) agrees with what the window shows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./webdriver.mjs";

test("a session is renamed and deleted from the session menu", { timeout: 180000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  const names = () => app.script("return window.__TAURI_INTERNALS__.invoke('plugin:remap-session|sessions').then(l => l.map(s => s.name))");
  const menuText = () => app.text("#session-menu");
  try {
    await app.click("#choose-dataset");
    await app.type("#new-name", "first try");
    await app.type("#new-models", 2);
    await app.type("#new-epochs", 1);
    await app.type("#new-per-class", 20);
    await app.click("#new-create");
    await app.waitFor(async () => (await menuText()).includes("first try"), 60000, "the new session in the menu");

    await app.click("#session-menu");
    await app.click("button[aria-label='Rename first try']");
    await app.type("input[aria-label='New name']", "sketch baseline");
    await app.click(".rename button[type=submit]");
    await app.waitFor(async () => (await menuText()).includes("sketch baseline"), 10000, "the renamed session");
    assert.deepEqual(await names(), ["sketch baseline"]);
    await app.screenshot("sessions-1-renamed");

    // The menu stays open after a rename.
    assert.equal(await app.attribute("#session-menu", "aria-expanded"), "true");
    await app.click("button[aria-label='Delete sketch baseline']");
    await app.find("[role=alertdialog]");
    await new Promise((r) => setTimeout(r, 300)); // let WebKit paint the dialog
    await app.screenshot("sessions-2-confirm-delete");
    await app.click("#confirm-delete");
    await app.waitFor(async () => (await names()).length === 0, 30000, "the session deleted from the store");
    await app.find("#start-sketches", 10000);
    assert.ok((await menuText()).includes("No session"));
  } finally {
    await app.close();
  }
});
