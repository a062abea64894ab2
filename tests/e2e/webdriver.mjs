// A small W3C WebDriver client and the harness that runs the real REMAP app under Xvfb through
// tauri-driver (which drives WebKitGTK's WebKitWebDriver). Only Node built-ins are used.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** The `remap` CLI built beside the app. */
export function cliBinary() {
  return process.env.REMAP_CLI_BIN ?? join(resolve(appBinary(), ".."), "remap");
}

/** Where screenshots and logs of a test run go. */
export const outDir = resolve(process.env.REMAP_E2E_OUT ?? join(import.meta.dirname, "../../out/e2e"));

export function appBinary() {
  if (process.env.REMAP_APP_BIN) return process.env.REMAP_APP_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? resolve(import.meta.dirname, "../../target");
  const bin = join(target, "debug", "remap-app");
  if (!existsSync(bin)) throw new Error(`app binary not found at ${bin}: build it with \`cargo build -p remap-app\``);
  return bin;
}

async function freeDisplay() {
  for (let n = 90; n < 140; n++) if (!existsSync(`/tmp/.X11-unix/X${n}`) && !existsSync(`/tmp/.X${n}-lock`)) return n;
  throw new Error("no free X display between :90 and :139");
}

async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {}
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

/** Starts Xvfb, tauri-driver and the app with a fresh data directory (or `dataDir`, to start
 * again on an earlier session's data); returns a session. */
export async function launch({ width = 1280, height = 800, screen = null, dataDir: reuse = null } = {}) {
  mkdirSync(outDir, { recursive: true });
  const display = await freeDisplay();
  const children = [];
  const [sw, sh] = screen ?? [width, height];
  const xvfb = spawn("Xvfb", [`:${display}`, "-screen", "0", `${sw}x${sh}x24`, "-nolisten", "tcp"], { stdio: "ignore" });
  children.push(xvfb);
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), "remap-e2e-"));
  const port = 4444 + (display - 90) * 2;
  const env = { ...process.env, DISPLAY: `:${display}`, REMAP_DATA_DIR: dataDir, WEBKIT_DISABLE_COMPOSITING_MODE: "1" };
  const driverBin = process.env.TAURI_DRIVER ?? join(process.env.HOME, ".cargo/bin/tauri-driver");
  const driver = spawn(driverBin, ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "ignore", "pipe"] });
  let driverLog = "";
  driver.stderr.on("data", (d) => (driverLog += d));
  children.push(driver);
  const base = `http://127.0.0.1:${port}`;
  const stop = () => children.reverse().forEach((c) => c.kill("SIGTERM"));
  try {
    await waitForHttp(`${base}/status`, 20000);
    const res = await fetch(`${base}/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ capabilities: { alwaysMatch: { "tauri:options": { application: appBinary() } } } }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`cannot start the app: ${JSON.stringify(body.value)}\n${driverLog}`);
    const session = new Session(base, body.value.sessionId, dataDir, stop, display);
    // The hooks these tests use exist only in the UI's test build (`npm --prefix ui run
    // build:e2e`, which `make ui-e2e` runs); the production build (`make package`) has none.
    const testBuild = await session.waitFor(
      () => session.script("return document.readyState === 'complete' ? window.__remapTestBuild === true : null").then((v) => (v === null ? null : { v })),
      30000,
      "the UI to load",
    );
    if (!testBuild.v) throw new Error("the app embeds a production UI without test hooks: run `make ui-e2e` (or `npm --prefix ui run build:e2e`), then rebuild remap-app");
    if (screen) await session.resize(width, height);
    return session;
  } catch (e) {
    stop();
    throw e;
  }
}

export class Session {
  constructor(base, id, dataDir, stop, display) {
    this.display = display;
    this.url = `${base}/session/${id}`;
    this.dataDir = dataDir;
    this._stop = stop;
  }

  async cmd(method, path, body) {
    const res = await fetch(this.url + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  }

  /** Finds the elements matching a CSS selector (possibly none). */
  async findAll(css) {
    const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return els.map((e) => e[ELEMENT]);
  }

  /** Waits until `css` matches an element and returns it. */
  async find(css, ms = 15000) {
    return this.waitFor(async () => (await this.findAll(css))[0], ms, `element ${css}`);
  }

  /** Polls `probe` until it returns a truthy value. */
  async waitFor(probe, ms = 15000, what = "condition") {
    const end = Date.now() + ms;
    let last;
    while (Date.now() < end) {
      try {
        const v = await probe();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      await sleep(150);
    }
    throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
  }

  /** Clicks the element matching `css`; retries for a few seconds while something (a toast,
   * a closing dialog) still covers it. */
  async click(css) {
    const end = Date.now() + 5000;
    for (;;) {
      const el = await this.find(css);
      try {
        await this.cmd("POST", `/element/${el}/click`, {});
        return;
      } catch (e) {
        if (!/intercepted|not interactable|stale/.test(e.message) || Date.now() > end) throw new Error(`click ${css}: ${e.message}`);
        await sleep(250);
      }
    }
  }

  /** Clicks `button` until `target` is shown (a dialog, a menu): under load a click can land
   * while the panel is still re-rendering and open nothing. Returns `target`'s element. */
  async open(button, target, ms = 30000) {
    const end = Date.now() + ms;
    for (;;) {
      await this.click(button);
      const shown = await this.waitFor(async () => (await this.findAll(target))[0], 3000, target).catch(() => null);
      if (shown) return shown;
      if (Date.now() > end) throw new Error(`clicking ${button} did not show ${target} within ${ms} ms`);
    }
  }

  async text(css) {
    const el = await this.find(css);
    return this.cmd("GET", `/element/${el}/text`);
  }

  async attribute(css, name) {
    const el = await this.find(css);
    return this.cmd("GET", `/element/${el}/attribute/${name}`);
  }

  /** Moves the mouse to viewport coordinates (W3C actions), optionally clicking there. */
  async pointerAt(x, y, { click = false } = {}) {
    const actions = [{ type: "pointerMove", duration: 0, origin: "viewport", x: Math.round(x), y: Math.round(y) }];
    if (click) actions.push({ type: "pointerDown", button: 0 }, { type: "pointerUp", button: 0 });
    await this.cmd("POST", "/actions", {
      actions: [{ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions }],
    });
    await this.cmd("DELETE", "/actions");
  }

  /** Clicks the element matching `css` with Shift held (W3C key and pointer actions). */
  async shiftClick(css) {
    const el = await this.find(css);
    const SHIFT = "\uE008";
    await this.cmd("POST", "/actions", {
      actions: [
        { type: "key", id: "keyboard", actions: [{ type: "keyDown", value: SHIFT }, { type: "pause" }, { type: "pause" }, { type: "keyUp", value: SHIFT }] },
        {
          type: "pointer", id: "mouse", parameters: { pointerType: "mouse" },
          actions: [
            { type: "pointerMove", duration: 0, origin: { [ELEMENT]: el }, x: 0, y: 0 },
            { type: "pointerDown", button: 0 },
            { type: "pointerUp", button: 0 },
            { type: "pause" },
          ],
        },
      ],
    });
    await this.cmd("DELETE", "/actions");
  }

  /** Clicks model `id`'s point on the overview until it is the inspected model (its Drawer row
   * is marked): a click while the map's fit still animates can miss the point. */
  async inspectPoint(id) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const at = await this.script("return window.__remapPointScreen(arguments[0])", [id]);
      if (at) await this.pointerAt(at.x, at.y, { click: true });
      await sleep(400);
      const hit = await this.script("const r = document.querySelector('tr.inspected'); return !!r && r.textContent.includes('#' + arguments[0]);", [id]);
      if (hit) return at;
    }
    throw new Error(`model ${id} could not be inspected from its point on the map`);
  }

  /**
   * Hovers model `id`'s point on the map until its tooltip shows. The point is looked up
   * afresh on every try (the view may still be refitting) and the pointer first moves off it,
   * so each try is a new hover.
   */
  async hoverPoint(id) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const at = await this.script("return window.__remapPointScreen(arguments[0])", [id]);
      if (at) {
        await this.pointerAt(at.x + 40, at.y + 40);
        await this.pointerAt(at.x, at.y);
      }
      await sleep(400);
      if ((await this.findAll("[role=tooltip] svg[aria-label=SNAC]")).length) return at;
    }
    throw new Error(`model ${id}'s tooltip did not show on hover`);
  }

  /** Moves the mouse onto the centre of the element matching `css`. */
  async hover(css) {
    const el = await this.find(css);
    await this.cmd("POST", "/actions", {
      actions: [{
        type: "pointer", id: "mouse", parameters: { pointerType: "mouse" },
        actions: [{ type: "pointerMove", duration: 0, origin: { [ELEMENT]: el }, x: 0, y: 0 }],
      }],
    });
    await this.cmd("DELETE", "/actions");
  }

  /**
   * Drags the element `from` onto the element `to` with real X pointer events (xdotool on the
   * Xvfb display): WebDriver's synthetic actions do not start HTML5 drag and drop in WebKitGTK.
   * The window sits at the screen's origin (no window manager under Xvfb).
   */
  async drag(from, to) {
    await this.dragBetween(await this.centre(from), await this.centre(to));
  }

  /** Drags model `id`'s point on the overview onto the element matching `to` (real X events). */
  async dragPoint(id, to) {
    const at = await this.script("return window.__remapPointScreen(arguments[0])", [id]);
    if (!at) throw new Error(`model ${id} is not drawn`);
    await this.dragBetween([at.x, at.y], await this.centre(to));
  }

  /** The viewport centre of the element matching `css`. */
  async centre(css) {
    return this.script("const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];", [css]);
  }

  /** Presses at `[sx, sy]`, moves in ten steps to `[tx, ty]` and releases there. */
  async dragBetween([sx, sy], [tx, ty]) {
    const xdo = (...args) => {
      const r = spawnSync("xdotool", args.map(String), { env: { ...process.env, DISPLAY: `:${this.display}` } });
      if (r.status !== 0) throw new Error(`xdotool ${args.join(" ")}: ${r.stderr}`);
    };
    xdo("mousemove", Math.round(sx), Math.round(sy));
    await sleep(150);
    xdo("mousedown", 1);
    for (let k = 1; k <= 10; k++) {
      xdo("mousemove", Math.round(sx + ((tx - sx) * k) / 10), Math.round(sy + ((ty - sy) * k) / 10));
      await sleep(50);
    }
    await sleep(200);
    xdo("mouseup", 1);
    await sleep(300);
  }

  /** Drops the file at `path` on the window at viewport point `[tx, ty]` the way a file
   * manager does: a real XDND drag (xdotool) from a small GTK window holding the file
   * (`dragsource.py`), which Tauri turns into the window's drag-drop event. */
  async dropFile(path, [tx, ty]) {
    const [sx, sy] = [tx > 400 ? 40 : 700, 560];
    // Debian's Python, which has PyGObject (python3-gi), whatever `python3` is first on PATH.
    const source = spawn("/usr/bin/python3", [join(import.meta.dirname, "dragsource.py"), path, sx, sy], {
      env: { ...process.env, DISPLAY: `:${this.display}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    source.stderr.on("data", (d) => (log += d));
    try {
      await new Promise((ok, fail) => {
        source.stdout.on("data", (d) => String(d).includes("ready") && ok());
        source.on("exit", (code) => fail(new Error(`the drag source exited (${code}) before its window showed: ${log}`)));
      });
      await sleep(300);
      await this.dragBetween([sx + 100, sy + 30], [tx, ty]);
    } finally {
      await sleep(300);
      source.kill();
    }
  }

  /** Creates a session on the built-in sketches through the welcome form (from the welcome
   * state): `models` models trained `epochs` epochs on `perClass` generated images per class. */
  async newSketchSession({ name, models, epochs, perClass }) {
    await this.click("#choose-dataset");
    await this.script(
      "const s = document.querySelector('#new-dataset-kind'); s.value = 'sketches'; s.dispatchEvent(new Event('change', { bubbles: true }));",
    );
    await this.type("#new-name", name);
    await this.type("#new-models", models);
    await this.type("#new-epochs", epochs);
    await this.type("#new-per-class", perClass);
    await this.click("#new-create");
  }

  /** Types into an input: clears it, then sends the text. */
  async type(css, text) {
    const el = await this.find(css);
    await this.cmd("POST", `/element/${el}/clear`, {});
    await this.cmd("POST", `/element/${el}/value`, { text: String(text) });
  }

  async script(source, args = []) {
    return this.cmd("POST", "/execute/sync", { script: source, args });
  }

  /**
   * Saves a PNG screenshot of the whole Xvfb screen under the test output folder, with
   * ImageMagick's `import` (WebKitWebDriver's own screenshot command hangs under Xvfb).
   */
  async screenshot(name) {
    const file = join(outDir, `${name}.png`);
    // The window may be smaller than the screen: keep only the window.
    let crop = [];
    try {
      const r = await this.cmd("GET", "/window/rect");
      if (r.width > 0 && r.height > 0) crop = ["-crop", `${r.width}x${r.height}+${Math.max(0, r.x)}+${Math.max(0, r.y)}`];
    } catch {}
    const r = spawnSync("import", ["-display", `:${this.display}`, "-window", "root", ...crop, file], { timeout: 20000 });
    if (r.status !== 0) throw new Error(`screenshot failed: ${r.stderr ?? r.error}`);
    return file;
  }

  /** Resizes the window (W3C Set Window Rect) and gives the layout a moment to settle. */
  async resize(width, height) {
    await this.cmd("POST", "/window/rect", { x: 0, y: 0, width, height });
    await sleep(500);
  }

  async close() {
    try {
      await fetch(this.url, { method: "DELETE" });
    } finally {
      this._stop();
    }
  }
}
