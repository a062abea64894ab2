import { mount } from "svelte";
import App from "./App.svelte";
import { ensureValidLocale } from "./lib/locale";
import { TEST_HOOKS, exposeHook } from "./lib/testhooks";
import "./app.css";

ensureValidLocale();
const target = document.getElementById("app")!;
// The end-to-end tests check that they drive a test build (one with the hooks they use).
if (TEST_HOOKS) exposeHook("__remapTestBuild", true);
// The mode itself (not TEST_HOOKS) so that the bundler leaves the benchmark's chunk out.
const testBuild = import.meta.env.MODE === "test" || import.meta.env.MODE === "e2e";
if (testBuild && new URLSearchParams(location.search).get("bench") === "overview") {
  // The overview's frame-time benchmark (tests/e2e/bench.test.mjs opens it; test builds only).
  import("./bench/OverviewBench.svelte").then(({ default: Bench }) => mount(Bench, { target }));
} else {
  mount(App, { target });
}
