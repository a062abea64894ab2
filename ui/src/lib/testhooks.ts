/// <reference types="vite/client" />
// Hooks the tests drive the window through (`window.__remap…`, data attributes that list every
// point). They exist only in test builds: vitest (mode "test") and the UI built for the
// end-to-end tests (`vite build --mode e2e`). In the production build `TEST_HOOKS` is the
// constant false and the bundler drops every hook.

/** Whether this build carries the test hooks. */
export const TEST_HOOKS: boolean = import.meta.env.MODE === "test" || import.meta.env.MODE === "e2e";

/** Sets `window[name]` to `value` in test builds; returns what removes it again (if still ours). */
export function exposeHook(name: `__remap${string}`, value: unknown): () => void {
  if (!TEST_HOOKS || typeof window === "undefined") return () => {};
  const w = window as unknown as Record<string, unknown>;
  w[name] = value;
  return () => {
    if (w[name] === value) delete w[name];
  };
}
