/** Shared by the Gaussian-distribution searches (SNES, sep-CMA-ES). */

/** The usual default population for evolution strategies: 4 + ⌊3 ln d⌋ (33 for d = 16,384). */
export function defaultLambda(dimension: number): number {
  return 4 + Math.floor(3 * Math.log(dimension));
}

/**
 * NES rank utilities (Wierstra et al. 2014), best first: max(0, ln(λ/2 + 1) − ln k), normalised to
 * sum 1, minus 1/λ. They sum to zero, so the worse half pushes the mean away as the better half pulls.
 */
export function nesUtilities(lambda: number): Float64Array {
  const raw = Float64Array.from({ length: lambda }, (_, k) => Math.max(0, Math.log(lambda / 2 + 1) - Math.log(k + 1)));
  const total = raw.reduce((sum, value) => sum + value, 0);
  return raw.map((value) => value / total - 1 / lambda);
}
