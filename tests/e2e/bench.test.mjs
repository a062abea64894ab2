// The Model Overview's frame-time benchmark in the real WebView: 10,000 synthetic models,
// hovering and panning (ui/src/bench/OverviewBench.svelte). Prints the table and saves it to
// out/e2e/overview-bench.json; the target (≥ 50 frames/s) is read from the table, not asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { launch, outDir } from "./webdriver.mjs";

test("overview frame time with 10,000 models", { timeout: 180000 }, async () => {
  const app = await launch({ width: 1280, height: 800 });
  try {
    const url = await app.cmd("GET", "/url");
    await app.cmd("POST", "/url", { url: `${url.split("?")[0]}?bench=overview` });
    const text = await app.waitFor(() => app.attribute("#bench-result", "data-result"), 120000, "the benchmark");
    const result = JSON.parse(text);
    assert.equal(result.points, 10000);
    writeFileSync(join(outDir, "overview-bench.json"), JSON.stringify(result, null, 2));
    console.log(Object.entries(result).map(([k, v]) => `${k.padEnd(18)} ${v.toFixed(2)}`).join("\n"));
    await app.screenshot("overview-bench");
  } finally {
    await app.close();
  }
});
