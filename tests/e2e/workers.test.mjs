// End-to-end, issue 18: the window on a PostgreSQL session that a Slurm worker trains. The
// Database dialog opens the server, the Workers tab submits one worker to the single-node
// Slurm that `make test` starts, its row shows it running, the results it stores appear in
// the window, and Stop ends it. Screenshots land in out/e2e/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cliBinary, launch } from "./webdriver.mjs";

const MODELS = 3;

/** A fresh database on the test server (`REMAP_TEST_POSTGRES_URL`, set by `make test`). */
function freshDatabase() {
  const server = process.env.REMAP_TEST_POSTGRES_URL;
  assert.ok(server, "REMAP_TEST_POSTGRES_URL is not set: run through `make test` (scripts/postgres.sh start)");
  const name = `remap_e2e_workers_${process.pid}_${Date.now()}`;
  const created = spawnSync("psql", [server, "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE ${name}`], { encoding: "utf8" });
  assert.equal(created.status, 0, created.stderr);
  return server.replace(/\/[^/?]*(\?.*)?$/, `/${name}`);
}

function remap(args) {
  const run = spawnSync(cliBinary(), args, { encoding: "utf8" });
  assert.equal(run.status, 0, `remap ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

async function workerRows(app) {
  return app.script(
    "return [...document.querySelectorAll('tr.worker')].map((tr) => ({ id: tr.dataset.workerId, status: tr.dataset.workerStatus, text: tr.textContent }))",
  );
}

test("a Slurm worker started from the Workers tab trains a PostgreSQL session", { timeout: 600000 }, async () => {
  assert.equal(process.env.REMAP_TEST_SLURM, "1", "REMAP_TEST_SLURM is not set: run through `make test` (scripts/slurm.sh start)");
  const url = freshDatabase();
  // The session exists on the server before the window opens it; the window's own queue is
  // paused so that the Slurm worker trains it.
  remap(["session", "new", "shared", "--models", String(MODELS), "--epochs", "1", "--screening", "off",
    "--per-class", "40", "--device", "cpu", "--max-params", "30000", "--seed", "3", "--db", url]);

  // The window's own queue was paused when it last closed (ui.json keeps that, across the
  // switch of database too), so the Slurm worker is what trains the server's session.
  const dataDir = mkdtempSync(join(tmpdir(), "remap-e2e-"));
  writeFileSync(join(dataDir, "ui.json"), JSON.stringify({ queue_paused: true }));
  const app = await launch({ width: 1280, height: 800, dataDir });
  try {
    await app.find("#start-sketches", 30000);
    await app.click("#tab-workers");
    await app.find("#workers-panel");
    assert.match(await app.script("return document.querySelector('#workers-database').textContent"), /sqlite/i);
    assert.equal(await app.script("return document.querySelector('#workers-engine-slurm').disabled"), true,
      "Slurm needs a shared database");

    await app.open("#workers-open-database", "#database-url");
    await app.type("#database-url", url);
    await app.click("#database-connect");
    await app.waitFor(async () => /postgres/i.test(await app.script("return document.querySelector('#workers-database')?.textContent ?? ''")),
      20000, "the Workers tab on the PostgreSQL database");
    const shown = await app.script("return document.querySelector('#workers-database').textContent");
    assert.ok(shown.includes("postgres://"), `the database is shown: ${shown}`);
    // The server's session, chosen from the session menu.
    await app.click("#session-menu");
    await app.waitFor(async () => app.script(
      "const b = [...document.querySelectorAll('button.switch')].find((b) => b.textContent.includes('shared')); if (b) b.click(); return !!b;",
    ), 15000, "the server's session in the session menu");
    await app.click("#tab-queue");
    assert.equal(await app.attribute("#queue-pause", "aria-pressed"), "true", "the window's queue stays paused");
    await app.click("#tab-workers");
    await app.screenshot("workers-1-database");

    await app.click("#workers-engine-slurm");
    await app.type("#workers-count", 1);
    await app.click("#workers-submit");
    const row = await app.waitFor(async () => {
      const rows = await workerRows(app);
      return rows.find((r) => r.status === "running" && r.text.includes("RUNNING"));
    }, 90000, "a running Slurm worker in the list");
    assert.match(row.id, /^slurm-\d+_0@/);
    await app.screenshot("workers-2-running");

    // The worker trains the session; the window shows its results.
    await app.waitFor(() => {
      const models = remap(["session", "status", "shared", "--json", "--db", url])
        .split("\n").filter(Boolean).map((line) => JSON.parse(line));
      return models.length === MODELS && models.every((m) => m.status === "done");
    }, 300000, "every model trained by the worker");
    await app.click("#tab-queue");
    await app.waitFor(async () => (await app.script("return document.querySelectorAll('li.job[data-job-status=done]').length")) === MODELS,
      30000, "the Queue shows the remote results");
    await app.screenshot("workers-3-results");

    await app.click("#tab-workers");
    await app.click(`tr.worker[data-worker-id='${row.id}'] button.stop-worker`);
    await app.waitFor(async () => (await workerRows(app)).some((r) => r.id === row.id && r.status === "stopped"),
      60000, "the worker stopped");
    await app.screenshot("workers-4-stopped");
  } finally {
    await app.close();
  }
});
