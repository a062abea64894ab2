// A stand-in for `@tauri-apps/api/core` and `/event`: tests register command handlers by name
// (without the plugin prefix) and emit queue events.
import { vi } from "vitest";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (args: any) => unknown;
export const handlers: Record<string, Handler> = {};

export const invoke = vi.fn(async (cmd: string, args?: Record<string, unknown>) => {
  const name = cmd.replace(/^plugin:[^|]+\|/, "");
  const h = handlers[name];
  if (!h) throw `unexpected command ${name}`;
  return h(args ?? {});
});

type Listener = (e: { payload: unknown }) => void;
const listeners = new Map<string, Set<Listener>>();
export const listen = vi.fn(async (event: string, handler: Listener) => {
  if (!listeners.has(event)) listeners.set(event, new Set());
  listeners.get(event)!.add(handler);
  return () => {
    listeners.get(event)?.delete(handler);
  };
});

/** Sends `event` with `payload` to whoever listens. */
export function emitEvent(event: string, payload: unknown) {
  for (const handler of listeners.get(event) ?? []) handler({ payload });
}

/** Sends a queue event to whoever listens. */
export function emitQueue(payload: unknown) {
  emitEvent("remap://queue", payload);
}

export function resetTauri() {
  for (const k of Object.keys(handlers)) delete handlers[k];
  invoke.mockClear();
  listen.mockClear();
  listeners.clear();
}

/** Calls of one command, with their arguments. */
export function callsOf(name: string): Record<string, unknown>[] {
  return invoke.mock.calls.filter(([c]) => c.replace(/^plugin:[^|]+\|/, "") === name).map(([, a]) => a ?? {});
}
