/** Percentiles and number formatting shared by the benchmarks. */

/** p50/p95/p99/max (and count) of a sample. */
export interface Summary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The `p`-th percentile (0-100) of `values` by the nearest-rank method: the smallest value with at
 * least p% of the sample at or below it. NaN for an empty sample.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? NaN;
}

/** The sample's p0, p1, …, p100 (nearest rank); empty for an empty sample. */
export function percentiles(values: readonly number[]): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  return Array.from(
    { length: 101 },
    (_, p) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? NaN,
  );
}

/** {@link Summary} of a sample. */
export function summarize(values: readonly number[]): Summary {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : NaN,
  };
}

/** `a / b` with two decimals, or `n/a` when either is not a positive finite number. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : 'n/a';
}

/** Megabytes with one decimal, from kilobytes. */
export function mb(kb: number): string {
  return (kb / 1024).toFixed(1);
}
