/** Order statistics on unsorted samples. Pure functions; inputs are never mutated. */

export function sortedCopy(values: ArrayLike<number>): number[] {
  return Array.from(values).sort((a, b) => a - b);
}

/** Linear-interpolated quantile (type 7, as numpy's default) of an ascending array. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  if (lower === upper) return sorted[lower];
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export function quantile(values: ArrayLike<number>, q: number): number {
  return quantileSorted(sortedCopy(values), q);
}

export function median(values: ArrayLike<number>): number {
  return quantile(values, 0.5);
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length === 0 ? Number.NaN : sum / values.length;
}

export interface Summary {
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  iqrMs: number;
  samples: number;
}

export function summarize(timesMs: ArrayLike<number>): Summary {
  const sorted = sortedCopy(timesMs);
  return {
    medianMs: quantileSorted(sorted, 0.5),
    p10Ms: quantileSorted(sorted, 0.1),
    p90Ms: quantileSorted(sorted, 0.9),
    iqrMs: quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25),
    samples: sorted.length,
  };
}

/**
 * Distribution-free ~95 % confidence interval of the median: the order statistics at
 * n/2 ± 1.96·√n/2 (normal approximation to the binomial). Returns undefined when n is too small
 * for the interval to exclude the extremes.
 */
export function medianConfidenceInterval(sorted: readonly number[]): { low: number; high: number } | undefined {
  const n = sorted.length;
  if (n < 6) return undefined;
  const halfWidth = 1.96 * Math.sqrt(n) / 2;
  const lowIndex = Math.max(0, Math.floor(n / 2 - halfWidth));
  const highIndex = Math.min(n - 1, Math.ceil(n / 2 + halfWidth) - 1);
  return { low: sorted[lowIndex], high: sorted[highIndex] };
}

/** Median absolute deviation scaled to estimate a normal standard deviation. */
export function robustSigma(values: ArrayLike<number>): number {
  const center = median(values);
  const deviations = Array.from(values, (v) => Math.abs(v - center));
  return 1.4826 * median(deviations);
}
