import { describe, expect, it } from "vitest";
import { render } from "@testing-library/svelte";
import Snac from "./Snac.svelte";
import { arcLayout, chipLengths, type SnacModel } from "../lib/snac";

const model: SnacModel = {
  input: [28, 28, 1],
  layers: [
    { type: "conv2d", text: "conv2d(k3,f32)", output: [26, 26, 32], tensor_size: 21632, params: 320, share: 320 / 693962 },
    { type: "activation", text: "activation(relu)", output: [26, 26, 32], tensor_size: 21632, params: 0, share: 0, function: "relu" },
    { type: "maxpool2d", text: "maxpool2d(2)", output: [13, 13, 32], tensor_size: 5408, params: 0, share: 0 },
    { type: "dropout", text: "dropout(0.25)", output: [13, 13, 32], tensor_size: 5408, params: 0, share: 0 },
    { type: "dense", text: "dense(128)", output: [128], tensor_size: 128, params: 692352, share: 692352 / 693962 },
  ],
  arcs: [],
  head: { classes: 10, params: 1290, share: 1290 / 693962, tensor_size: 10 },
};

describe("chipLengths", () => {
  it("maps the smallest tensor to the base length and the largest to twice it", () => {
    const l = chipLengths([10, 100, 1000], 20);
    expect(l[0]).toBe(20);
    expect(l[2]).toBe(40);
    expect(l[1]).toBeGreaterThan(20);
    expect(l[1]).toBeLessThan(40);
  });
  it("uses the base length when all tensors are equal", () => {
    expect(chipLengths([5, 5], 12)).toEqual([12, 12]);
  });
});

describe("Snac", () => {
  it("draws one chip per layer plus the head, in spec colours", () => {
    const { container } = render(Snac, { model, size: "large" });
    const chips = [...container.querySelectorAll("g.chip")];
    expect(chips.map((c) => c.getAttribute("data-type"))).toEqual(["conv2d", "activation", "maxpool2d", "dropout", "dense", "head"]);
    const fill = (i: number) => chips[i].querySelector("rect")!.getAttribute("fill");
    expect([fill(0), fill(1), fill(2), fill(3), fill(4)]).toEqual(["#fbb4ae", "#ccebc5", "#fed9a6", "#decbe4", "#b3cde3"]);
    expect(container.textContent).toContain("28×28×1");
  });

  it("gives dropout a dotted border and activations a glyph instead of a letter", () => {
    const { container } = render(Snac, { model });
    const chips = [...container.querySelectorAll("g.chip")];
    expect(chips[3].querySelector("rect")!.getAttribute("stroke-dasharray")).toBeTruthy();
    expect(chips[0].querySelector("rect")!.getAttribute("stroke-dasharray")).toBeNull();
    expect(chips[1].querySelector("path")).toBeTruthy();
    expect(chips[1].querySelector("text")).toBeNull();
    expect(chips[0].querySelector("text")!.textContent).toBe("C");
  });

  it("names type, tensor size and hyperparameters in each chip's tooltip", () => {
    const { container } = render(Snac, { model });
    const title = container.querySelector("g.chip title")!.textContent!;
    expect(title).toContain("conv2d(k3,f32)");
    expect(title).toContain("26×26×32");
    expect(title).toContain("21,632");
  });
});

describe("parameter share bars", () => {
  const chipWidth = (chip: Element) => Number(chip.querySelector("rect")!.getAttribute("width"));
  const barWidth = (chip: Element) => Number(chip.querySelector("rect.share-bar")!.getAttribute("width"));

  for (const size of ["tooltip", "row", "large"] as const) {
    it(`draws share × chip length along the foot of every chip with parameters (${size})`, () => {
      const { container } = render(Snac, { model, size });
      const chips = [...container.querySelectorAll("g.chip")];
      const h = Number(chips[0].querySelector("rect")!.getAttribute("height"));
      // conv2d, dense and the head have parameters; activation, pool and dropout have none.
      expect(chips.map((c) => c.querySelector("rect.share-bar") !== null)).toEqual([true, false, false, false, true, true]);
      for (const [i, share] of [[0, model.layers[0].share], [4, model.layers[4].share], [5, model.head.share]] as const) {
        const bar = chips[i].querySelector("rect.share-bar")!;
        expect(barWidth(chips[i])).toBeCloseTo(share * chipWidth(chips[i]), 6);
        const barH = Number(bar.getAttribute("height"));
        expect(barH).toBeGreaterThanOrEqual(3); // legible at every size
        expect(Number(bar.getAttribute("y")) + barH).toBe(h); // on the chip's foot
      }
      expect(barWidth(chips[4])).toBeGreaterThan(barWidth(chips[5]));
      expect(barWidth(chips[5])).toBeGreaterThan(barWidth(chips[0]));
      expect(chips[1].querySelector(".share")).toBeNull();
    });
  }

  it("fills the whole foot for a layer holding every parameter", () => {
    const all: SnacModel = { ...model, layers: [{ ...model.layers[4], share: 1 }], head: { ...model.head, params: 0, share: 0 } };
    const { container } = render(Snac, { model: all });
    const [dense, head] = [...container.querySelectorAll("g.chip")];
    expect(barWidth(dense)).toBe(chipWidth(dense));
    expect(head.querySelector("rect.share-bar")).toBeNull();
  });

  it("says the parameters and their share in the tooltip", () => {
    const { container } = render(Snac, { model });
    const titles = [...container.querySelectorAll("g.chip > title")].map((t) => t.textContent);
    expect(titles[4]).toBe("dense(128) → 128 (128 values), 692,352 params (99.8% of the model)");
    expect(titles[5]).toBe("head: dense(10) → softmax, 1,290 params (0.2% of the model)");
    expect(titles[0]).toContain("320 params (<0.1% of the model)");
    expect(titles[1]).not.toContain("params");
  });
});

/**
 * The on-screen width of an SVG element's stroke, computed from attributes (jsdom does no layout):
 * its stroke-width times every scale() on the way up to the <svg>, times the viewBox→viewport
 * scale — unless vector-effect="non-scaling-stroke" keeps it in screen pixels as given.
 */
function screenStroke(el: Element): number {
  const width = parseFloat(el.getAttribute("stroke-width") ?? "1");
  if (el.getAttribute("vector-effect") === "non-scaling-stroke") return width;
  let scale = 1;
  for (let e: Element | null = el; e && e.tagName.toLowerCase() !== "svg"; e = e.parentElement) {
    for (const m of (e.getAttribute("transform") ?? "").matchAll(/scale\(\s*([-\d.e]+)(?:[\s,]+([-\d.e]+))?\s*\)/g)) {
      const sx = Math.abs(parseFloat(m[1]));
      const sy = m[2] === undefined ? sx : Math.abs(parseFloat(m[2]));
      scale *= Math.min(sx, sy);
    }
  }
  const svg = el.closest("svg")!;
  const vb = svg.getAttribute("viewBox")!.split(/[\s,]+/).map(Number);
  const viewport = Math.min(Number(svg.getAttribute("width")) / vb[2], Number(svg.getAttribute("height")) / vb[3]);
  return width * scale * viewport;
}

describe("activation glyphs", () => {
  const fns = ["relu", "tanh", "sigmoid"] as const;
  const withActivation = (fn: (typeof fns)[number]): SnacModel => ({
    ...model,
    layers: [model.layers[0], { ...model.layers[1], text: `activation(${fn})`, function: fn }, ...model.layers.slice(2)],
  });

  for (const size of ["tooltip", "row", "large"] as const) {
    it(`draws each glyph at least 1 px wide on screen (${size})`, () => {
      const curves = fns.map((fn) => {
        const { container } = render(Snac, { model: withActivation(fn), size });
        const paths = [...container.querySelectorAll('g.chip[data-type="activation"] path')];
        expect(paths.length).toBeGreaterThan(0);
        for (const p of paths) expect(screenStroke(p)).toBeGreaterThanOrEqual(1);
        return container.querySelector('g.chip[data-type="activation"] path.curve')!.getAttribute("d");
      });
      // Three different curves, not one shape in three names.
      expect(new Set(curves).size).toBe(3);
    });
  }

  it("tells the functions apart by silhouette: tanh spans twice sigmoid's height, ReLU has no plateau", () => {
    const ys = (fn: (typeof fns)[number]) => {
      const { container } = render(Snac, { model: withActivation(fn), size: "large" });
      const d = container.querySelector("path.curve")!.getAttribute("d")!;
      const nums = d.match(/-?[\d.]+/g)!.map(Number);
      return nums.filter((_, i) => i % 2 === 1);
    };
    const span = (v: number[]) => Math.max(...v) - Math.min(...v);
    expect(span(ys("tanh"))).toBeCloseTo(2 * span(ys("sigmoid")), 1);
    const relu = ys("relu");
    expect(relu[relu.length - 1]).not.toBe(relu[relu.length - 2]); // ends rising, not flat
  });

  it("would have caught the invisible stroke (scaled and non-scaling at once)", () => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "20");
    svg.setAttribute("height", "20");
    svg.setAttribute("viewBox", "0 0 20 20");
    // The old glyph: stroke-width divided by the scale, and non-scaling-stroke on top.
    svg.innerHTML = '<path transform="scale(11.2,12.6)" stroke-width="0.14" vector-effect="non-scaling-stroke" d="M0 0 L1 1" />';
    expect(screenStroke(svg.querySelector("path")!)).toBeLessThan(1);
  });
});

/** conv relu conv add(2, 0) ‖(3, input): a residual block, then a concat with the image. */
const graph: SnacModel = {
  input: [8, 8, 1],
  layers: [
    { type: "conv2d", text: "conv2d(k3,f4,same)", output: [8, 8, 4], tensor_size: 256, params: 40, share: 0.1 },
    { type: "activation", text: "activation(relu)", output: [8, 8, 4], tensor_size: 256, params: 0, share: 0, function: "relu" },
    { type: "conv2d", text: "conv2d(k3,f4,same)", output: [8, 8, 4], tensor_size: 256, params: 148, share: 0.3 },
    { type: "add", text: "add", output: [8, 8, 4], tensor_size: 256, params: 0, share: 0 },
    { type: "concat", text: "concat", output: [8, 8, 5], tensor_size: 320, params: 0, share: 0 },
  ],
  arcs: [
    { from: 0, to: 3 },
    { from: null, to: 4 },
  ],
  head: { classes: 2, params: 642, share: 0.6, tensor_size: 2 },
};

describe("skip arcs", () => {
  it("leave the source chip's right end, enter the merge chip's top, and nest when they overlap", () => {
    const xs = [0, 20, 40, 60, 80];
    const lengths = [18, 18, 18, 18, 18];
    const { paths, height } = arcLayout(graph.arcs, xs, lengths, 6);
    expect(paths[0]).toMatchObject({ from: 0, to: 3, level: 1, end: 69 });
    expect(paths[0].d).toBe("M17 0 C17 -8 69 -8 69 0");
    // The input's arc spans the first one, so it rises a level.
    expect(paths[1]).toMatchObject({ from: null, to: 4, level: 2, end: 89 });
    expect(paths[1].d.startsWith("M0 0")).toBe(true);
    expect(height).toBe(14);
    // Arcs that do not overlap share the lowest level.
    const apart = arcLayout([{ from: 0, to: 1 }, { from: 2, to: 3 }], xs, lengths, 6);
    expect(apart.paths.map((p) => p.level)).toEqual([1, 1]);
    expect(arcLayout([], xs, lengths, 6).height).toBe(0);
  });

  it("draws merges as chips with + and ‖, and each skip as an arc with a tooltip", () => {
    const { container } = render(Snac, { model: graph, size: "large" });
    const chips = [...container.querySelectorAll("g.chip")];
    expect(chips[3].getAttribute("data-type")).toBe("add");
    expect(chips[3].querySelector("text")!.textContent).toBe("+");
    expect(chips[4].querySelector("text")!.textContent).toBe("‖");
    const arcs = [...container.querySelectorAll("g.arc")];
    expect(arcs.map((a) => [a.getAttribute("data-from"), a.getAttribute("data-to")])).toEqual([
      ["0", "3"],
      ["input", "4"],
    ]);
    expect(arcs[1].querySelector("title")!.textContent).toBe("Skip from the input into layer 4 (concat)");
    // The SVG grows to hold the arcs above the chips.
    const svg = container.querySelector("svg")!;
    expect(Number(svg.getAttribute("height"))).toBeGreaterThan(40 + 2 + 12);
  });

  it("draws no arcs for a chain", () => {
    const { container } = render(Snac, { model });
    expect(container.querySelectorAll("g.arc")).toHaveLength(0);
  });
});
