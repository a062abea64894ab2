import { describe, expect, it } from "vitest";
import { render } from "@testing-library/svelte";
import Icon, { ICONS, type IconName } from "./Icon.svelte";

// Every component's source and the UI's own modules (tests and this check left out).
const sources = {
  ...import.meta.glob<string>("../**/*.svelte", { query: "?raw", import: "default", eager: true }),
  ...import.meta.glob<string>(["../lib/*.ts", "!../lib/*.test.ts", "../main.ts"], { query: "?raw", import: "default", eager: true }),
};

/**
 * Characters that draw as an empty box without a symbol or emoji font (a plain Debian has only
 * DejaVu): technical symbols (⏸), curved and other arrows beyond ← ↑ → ↓, geometric shapes
 * (▶ ▾ ▭ ◌), miscellaneous symbols and dingbats (✎ ✓ ✗), ⋮, emoji (🎲) and emoji selectors.
 */
const ICON_CHARS = /[\u2194-\u21FF\u2300-\u23FF\u22EE-\u22F1\u25A0-\u25FF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]|[\u{1F000}-\u{1FAFF}]/u;

/** What a source shows: comments, SVG <title>s and tooltip or label attributes taken out. */
function shown(source: string): string {
  return source
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1")
    .replace(/<title>[\s\S]*?<\/title>/g, "")
    .replace(/\b(title|aria-label)=(\{`[^`]*`\}|\{"[^"]*"\}|"[^"]*")/g, "");
}

describe("icons", () => {
  it("are drawn, not typed: no component shows a character that needs a symbol font", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const [path, source] of Object.entries(sources)) {
      shown(source).split("\n").forEach((line, i) => {
        const m = line.match(ICON_CHARS);
        if (m) found.push(`${path}:${i + 1}: ${m[0]} in ${line.trim()}`);
        if (/>\s*×\s*</.test(line)) found.push(`${path}:${i + 1}: a lone × as a button in ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it("would have caught the Pause button's ⏸ and the random seed's 🎲", () => {
    expect(ICON_CHARS.test(shown('onclick={() => x()}>{paused ? "▶ Resume" : "⏸ Pause"}</button>'))).toBe(true);
    expect(ICON_CHARS.test(shown("<button>🎲</button>"))).toBe(true);
    expect(ICON_CHARS.test(shown('<button title="Move (↑/↓) ↶">x</button> true ↓ / predicted →'))).toBe(false);
  });

  it("renders every icon as an inline SVG path in the text colour", () => {
    for (const name of Object.keys(ICONS) as IconName[]) {
      const { container } = render(Icon, { name });
      const svg = container.querySelector(`svg[data-icon="${name}"]`)!;
      expect(svg.getAttribute("aria-hidden")).toBe("true");
      const paths = [...svg.querySelectorAll("path")];
      expect(paths.length).toBeGreaterThan(0);
      for (const p of paths) expect([p.getAttribute("fill"), p.getAttribute("stroke")]).toContain("currentColor");
    }
  });

  it("gives a standalone icon an accessible name when asked", () => {
    const { container } = render(Icon, { name: "dice", label: "Random seed" });
    expect(container.querySelector("svg")!.getAttribute("aria-label")).toBe("Random seed");
    expect(container.querySelector("svg")!.getAttribute("aria-hidden")).toBeNull();
  });
});
