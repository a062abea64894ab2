// Display formatting only: the numbers themselves come from Rust.

/** Parameter counts as REMAP's drawer shows them: 950, 7.9k, 235.7k, 1.2M. */
export function formatParams(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** An accuracy in [0, 1] as a percentage with one decimal. */
export function formatAccuracy(a: number): string {
  return `${(a * 100).toFixed(1)}%`;
}
