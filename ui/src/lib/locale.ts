// WebKitGTK reports the process locale as `navigator.language`; under LANG=C (a minimal
// system, CI) that is "C", which Intl rejects, and libraries that format numbers with it
// (uPlot) fail. Fall back to English formatting in that case.

/** Whether Intl accepts `tag` as a locale. */
export function isValidLocale(tag: string | undefined): boolean {
  if (!tag) return false;
  try {
    return Intl.getCanonicalLocales(tag).length > 0;
  } catch {
    return false;
  }
}

/** Replaces an invalid `navigator.language` (and `languages`) with "en-US". */
export function ensureValidLocale(nav: Navigator = navigator): void {
  if (isValidLocale(nav.language)) return;
  Object.defineProperty(nav, "language", { value: "en-US", configurable: true });
  Object.defineProperty(nav, "languages", { value: ["en-US"], configurable: true });
}
