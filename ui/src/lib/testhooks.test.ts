// @vitest-environment node
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/** The UI built in `mode` into a temporary folder: every emitted file's name and text. */
function bundle(mode: string): { name: string; text: string }[] {
  const outDir = mkdtempSync(join(tmpdir(), `remap-ui-${mode}-`));
  try {
    // A separate `vite build`, as `npm run build` runs it: not inside vitest, whose environment
    // (VITEST, NODE_ENV=test) changes how Svelte compiles.
    const root = resolve(__dirname, "../..");
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_ENV" && k !== "TEST"));
    execFileSync(process.execPath, [join(root, "node_modules/vite/bin/vite.js"), "build", "--mode", mode, "--outDir", outDir, "--emptyOutDir", "--logLevel", "error"], { cwd: root, env, stdio: "pipe" });
    const files = readdirSync(join(outDir, "assets")).map((name) => ({ name, text: readFileSync(join(outDir, "assets", name), "utf8") }));
    return [{ name: "index.html", text: readFileSync(join(outDir, "index.html"), "utf8") }, ...files];
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

describe("test hooks", () => {
  it("are not in the production build, and are in the end-to-end build", () => {
    const production = bundle("production");
    const hooks = (files: { text: string }[]) => [...new Set(files.flatMap((f) => f.text.match(/__remap\w+/g) ?? []))].sort();
    expect(hooks(production)).toEqual([]);
    expect(production.some((f) => f.name.includes("OverviewBench"))).toBe(false);

    const e2e = bundle("e2e");
    expect(hooks(e2e)).toEqual(["__remapHand", "__remapPointScreen", "__remapQueue", "__remapStartOrder", "__remapTestBuild"]);
    expect(e2e.some((f) => f.name.includes("OverviewBench"))).toBe(true);
  }, 120_000);
});
