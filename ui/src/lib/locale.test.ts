import { describe, expect, it } from "vitest";
import { ensureValidLocale, isValidLocale } from "./locale";

describe("locale", () => {
  it("rejects the C locale and accepts real tags", () => {
    expect(isValidLocale("C")).toBe(false);
    expect(isValidLocale("")).toBe(false);
    expect(isValidLocale("de-DE")).toBe(true);
  });

  it("replaces an invalid navigator language with en-US and keeps a valid one", () => {
    const bad = { language: "C", languages: ["C"] } as unknown as Navigator;
    ensureValidLocale(bad);
    expect(bad.language).toBe("en-US");
    expect(() => new Intl.NumberFormat(bad.language)).not.toThrow();
    const good = { language: "fr-FR", languages: ["fr-FR"] } as unknown as Navigator;
    ensureValidLocale(good);
    expect(good.language).toBe("fr-FR");
  });
});
