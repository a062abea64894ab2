// jsdom lacks a few browser APIs the panels use; give them inert stand-ins (not in tests that
// run in plain Node, such as the build check).
if (typeof window !== "undefined") {
  class ResizeObserverStub {
    constructor(private cb: ResizeObserverCallback) {}
    observe(target: Element) {
      const rect = { width: 640, height: 400, x: 0, y: 0, top: 0, left: 0, right: 640, bottom: 400, toJSON() {} } as DOMRectReadOnly;
      this.cb([{ target, contentRect: rect } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
    }
    unobserve() {}
    disconnect() {}
  }
  if (!("ResizeObserver" in globalThis)) (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = ResizeObserverStub;
  if (!window.matchMedia) {
    window.matchMedia = ((query: string) => ({
      matches: false, media: query, onchange: null,
      addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
  }
  // jsdom has no 2-D canvas; drawing code checks for a null context.
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement["getContext"];
}
