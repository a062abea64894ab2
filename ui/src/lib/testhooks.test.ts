// @vitest-environment node
import { describe, expect, it } from "vitest";
import { build, type Rollup } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import config from "../../vite.config";
import makefile from "../../../Makefile?raw";

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
/** Whether any emitted file is, or refers to, the overview's frame-time benchmark (test builds only). */
const bench = (files: { name: string; text: string }[]) => files.some((f) => f.name.includes("OverviewBench") || f.text.includes("OverviewBench"));

/** The commands of a Makefile target's recipe, and its prerequisites. */
function target(name: string): { deps: string[]; recipe: string[] } {
  const lines = makefile.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`${name}:`));
  if (at < 0) throw new Error(`the Makefile has no target ${name}`);
  const recipe = [];
  for (let i = at + 1; i < lines.length && lines[i].startsWith("\t"); i++) recipe.push(lines[i].trim());
  return { deps: lines[at].slice(name.length + 1).trim().split(/\s+/).filter(Boolean), recipe };
}

describe("test hooks", () => {
  it("are not in the production build", async () => {
    const production = await bundle("production");
    expect(hooks(production)).toEqual([]);
    expect(bench(production)).toBe(false);
  }, 40_000);

  it("are in the end-to-end build", async () => {
    const e2e = await bundle("e2e");
    expect(hooks(e2e)).toEqual(["__remapHand", "__remapPointScreen", "__remapQueue", "__remapStartOrder", "__remapTestBuild"]);
    expect(bench(e2e)).toBe(true);
  }, 40_000);
});

describe("make run", () => {
  it("builds the production UI right before the app, and make test the test UI", () => {
    // `make run` (and `make package`) embed what the `ui` target builds: `vite build`, the
    // production mode of the test above; the app's build follows it.
    expect(target("ui").recipe).toEqual(["npm --prefix ui run build"]);
    for (const name of ["run", "package"]) {
      const { deps, recipe } = target(name);
      expect(deps.at(-1)).toBe("ui");
      expect(recipe[0]).toMatch(/^cargo build /);
    }
    expect(makefile).not.toMatch(/^(run|package|ui):.*ui-e2e/m);
    // Only the tests' builds (clippy's and cargo test's) get the UI with the hooks.
    expect(target("ui-e2e").recipe).toEqual(["npm --prefix ui run build:e2e"]);
    expect(target("lint").deps).toEqual(["ui-e2e"]);
    expect(target("test-rust").deps).toEqual(["ui-e2e"]);
  });
});
