import { mount } from "svelte";
import App from "./App.svelte";
import { ensureValidLocale } from "./lib/locale";
import "./app.css";

ensureValidLocale();
const target = document.getElementById("app")!;
if (new URLSearchParams(location.search).get("bench") === "overview") {
  // The overview's frame-time benchmark (tests/e2e/bench.test.mjs opens it).
  import("./bench/OverviewBench.svelte").then(({ default: Bench }) => mount(Bench, { target }));
} else {
  mount(App, { target });
}
