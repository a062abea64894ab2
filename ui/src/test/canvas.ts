// A stand-in 2-D canvas context that records what is drawn, and readers that turn those
// recordings and SVG documents into the same list of shapes, so a test can check that the
// overview's SVG export is the picture the canvas shows.

/** A drawn shape, in screen pixels, numbers rounded to 1/100 px as the SVG writer rounds them. */
export type Shape =
  | { kind: "circle"; x: number; y: number; r: number; fill: string; stroke: string; width: number; dash: string }
  | { kind: "line"; points: string; stroke: string; width: number; dash: string }
  | { kind: "text"; x: number; y: number; text: string; align: string; rotate: boolean };

const round = (n: number) => Math.round(n * 100) / 100;

type Segment = { op: "move" | "line"; x: number; y: number } | { op: "arc"; x: number; y: number; r: number };

/** Records paths, fills, strokes and text; `shapes` lists them in drawing order. */
export class RecordingContext {
  shapes: Shape[] = [];
  fillStyle: unknown = "#000";
  strokeStyle: unknown = "#000";
  lineWidth = 1;
  font = "10px sans-serif";
  textAlign: CanvasTextAlign = "start";
  private dash: number[] = [];
  private path: Segment[] = [];
  private filled: string | null = null;
  private stroked: { stroke: string; width: number; dash: string } | null = null;
  private offset = { x: 0, y: 0, rotated: false };
  private stack: { x: number; y: number; rotated: boolean; fill: unknown; stroke: unknown; width: number; dash: number[]; align: CanvasTextAlign }[] = [];

  save() {
    this.stack.push({ ...this.offset, fill: this.fillStyle, stroke: this.strokeStyle, width: this.lineWidth, dash: this.dash, align: this.textAlign });
  }
  restore() {
    const s = this.stack.pop();
    if (!s) return;
    this.offset = { x: s.x, y: s.y, rotated: s.rotated };
    [this.fillStyle, this.strokeStyle, this.lineWidth, this.dash, this.textAlign] = [s.fill, s.stroke, s.width, s.dash, s.align];
  }
  translate(x: number, y: number) {
    this.offset = { ...this.offset, x: this.offset.x + x, y: this.offset.y + y };
  }
  rotate(angle: number) {
    if (Math.abs(angle + Math.PI / 2) > 1e-9) throw new Error(`unexpected rotation ${angle}`);
    this.offset = { ...this.offset, rotated: true };
  }
  setLineDash(d: number[]) {
    this.dash = [...d];
  }
  beginPath() {
    this.flush();
  }
  moveTo(x: number, y: number) {
    this.path.push({ op: "move", x, y });
  }
  lineTo(x: number, y: number) {
    this.path.push({ op: "line", x, y });
  }
  arc(x: number, y: number, r: number) {
    this.path.push({ op: "arc", x, y, r });
  }
  fill() {
    this.filled = String(this.fillStyle);
  }
  stroke() {
    this.stroked = { stroke: String(this.strokeStyle), width: this.lineWidth, dash: this.dash.join(" ") };
  }
  fillText(text: string, x: number, y: number) {
    this.flush();
    const align = this.textAlign === "start" || this.textAlign === "left" ? "start" : this.textAlign === "center" ? "middle" : "end";
    this.shapes.push({ kind: "text", x: round(this.offset.x + x), y: round(this.offset.y + y), text, align, rotate: this.offset.rotated });
  }
  // Drawing calls the tests do not compare.
  /** A new frame: what was drawn before is gone. */
  clearRect() {
    [this.shapes, this.path, this.filled, this.stroked] = [[], [], null, null];
  }
  setTransform() {}
  drawImage() {}
  fillRect() {}
  strokeRect() {}
  rect() {}
  closePath() {}

  /** Ends the current path, turning what was filled or stroked into shapes. */
  flush() {
    const [path, filled, stroked] = [this.path, this.filled, this.stroked];
    [this.path, this.filled, this.stroked] = [[], null, null];
    if (!filled && !stroked) return;
    const stroke = stroked ?? { stroke: "none", width: 0, dash: "" };
    const arcs = path.filter((s): s is Extract<Segment, { op: "arc" }> => s.op === "arc");
    if (arcs.length) {
      for (const a of arcs) this.shapes.push({ kind: "circle", x: round(a.x), y: round(a.y), r: round(a.r), fill: filled ?? "none", ...stroke });
      return;
    }
    this.shapes.push({ kind: "line", points: path.map((s) => `${round(s.x)},${round(s.y)}`).join(" "), ...stroke });
  }
}

/** The shapes of an SVG document, in document order (the white background left out). */
export function svgShapes(svg: string): Shape[] {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  const n = (e: Element, a: string) => round(Number(e.getAttribute(a)));
  const out: Shape[] = [];
  for (const e of doc.documentElement.children) {
    const stroke = { stroke: e.getAttribute("stroke") ?? "none", width: Number(e.getAttribute("stroke-width") ?? 1), dash: e.getAttribute("stroke-dasharray") ?? "" };
    switch (e.tagName) {
      case "circle":
        out.push({ kind: "circle", x: n(e, "cx"), y: n(e, "cy"), r: n(e, "r"), fill: e.getAttribute("fill") ?? "black", ...stroke });
        break;
      case "line":
        out.push({ kind: "line", points: `${n(e, "x1")},${n(e, "y1")} ${n(e, "x2")},${n(e, "y2")}`, ...stroke });
        break;
      case "polyline":
        out.push({ kind: "line", points: e.getAttribute("points")!, ...stroke });
        break;
      case "text":
        out.push({ kind: "text", x: n(e, "x"), y: n(e, "y"), text: e.textContent ?? "", align: e.getAttribute("text-anchor") ?? "start", rotate: e.hasAttribute("transform") });
        break;
    }
  }
  return out;
}

/** Shapes in a canonical order: the two renderers may interleave layers differently. */
export function sorted(shapes: Shape[]): Shape[] {
  return [...shapes].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
