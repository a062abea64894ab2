// @vitest-environment node
import { describe, expect, it } from "vitest";
import { build, type Rollup } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import config from "../../vite.config";

/** The UI built in `mode` as `npm run build` builds it, in memory: every emitted file's name and text. */
async function bundle(mode: string): Promise<{ name: string; text: string }[]> {
  const result = await build({
    configFile: false,
    root: new URL("../..", import.meta.url).pathname,
    mode,
    logLevel: "silent",
    // The app's Svelte plugin alone: vite.config's testing plugin is for vitest, not for builds.
    plugins: [svelte()],
    build: { ...config.build, write: false },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  return outputs.flatMap((o) => o.output).map((f) => ({ name: f.fileName, text: f.type === "chunk" ? f.code : String(f.source) }));
}

const hooks = (files: { text: string }[]) => [...new Set(files.flatMap((f) => f.text.match(/__remap\w+/g) ?? []))].sort();

describe("test hooks", () => {
  it("are not in the production build", async () => {
    const production = await bundle("production");
    expect(hooks(production)).toEqual([]);
    expect(production.some((f) => f.name.includes("OverviewBench"))).toBe(false);
  }, 120_000);

  it("are in the end-to-end build", async () => {
    const e2e = await bundle("e2e");
    expect(hooks(e2e)).toEqual(["__remapHand", "__remapPointScreen", "__remapQueue", "__remapStartOrder", "__remapTestBuild"]);
    expect(e2e.some((f) => f.name.includes("OverviewBench"))).toBe(true);
  }, 120_000);
});
