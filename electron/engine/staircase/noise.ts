import { median } from '../util/stats.js';

/**
 * For independent normal noise σ, residuals r_i = d_i − median(d_{i−2}, d_{i−1}, d_{i+1}, d_{i+2})
 * of the first differences d have a root mean square over their smallest 80 % of 1.204·σ (by
 * simulation). Leaving d_i out of its own median avoids a point mass at zero, and a trimmed RMS is
 * steadier than a median: over 40 residuals it stays within about ±30 % where a median of |r| wanders
 * within −40 %…+50 %, which matters when it decides whether a stretch is noisier.
 */
const RESIDUAL_TRIMMED_RMS_IN_SIGMA = 1.204;
const TRIMMED_SHARE = 0.8;
const HALF_WINDOW = 2;
/** ± residuals around each point over which the local scatter is pooled */
const LOCAL_HALF_WINDOW = 20;
const MIN_LOCAL_RESIDUALS = 15;
const LOCAL_NOISIER_FACTOR = 1.5;
/** Timer resolution and float formatting make a relative noise below this meaningless. */
export const NOISE_FLOOR_RELATIVE = 1e-4;

/**
 * Scatter residuals that neither a trend nor a step can fake: first differences remove the level,
 * the median of the neighbouring differences removes the slope (however it bends, as long as it
 * bends slowly), and a step is a single spike among the differences that the median ignores.
 * Residual j belongs to the gap between points j and j+1; undefined where the window is cut short.
 *
 * (A running median of the values themselves fails on steep ramps: once the rise per point beats
 * the noise the values are monotone, every point is its own window median and the noise reads 0.)
 */
export function differenceResiduals(values: readonly number[]): (number | undefined)[] {
  const d = values.slice(1).map((v, i) => v - values[i]);
  return d.map((difference, j) =>
    j < HALF_WINDOW || j >= d.length - HALF_WINDOW ? undefined : difference - median([d[j - 2], d[j - 1], d[j + 1], d[j + 2]]),
  );
}

/** σ from a set of residuals: trimmed RMS, robust to the spikes steps and outliers leave. */
export function sigmaFromResiduals(residuals: readonly number[]): number {
  if (residuals.length === 0) return 0;
  const sorted = residuals.map(Math.abs).sort((a, b) => a - b);
  const keep = Math.max(1, Math.floor(sorted.length * TRIMMED_SHARE));
  let sum = 0;
  for (let i = 0; i < keep; i++) sum += sorted[i] ** 2;
  return Math.sqrt(sum / keep) / RESIDUAL_TRIMMED_RMS_IN_SIGMA;
}

/**
 * Standard error of each point's level in log units (≈ relative): the larger of the curve's overall
 * scatter, its scatter nearby where that is clearly larger (noise is often worse in part of the
 * range) and the point's own spread. Per-point spreads within one run understate pass-to-pass
 * variation, hence the larger. "Clearly" (LOCAL_NOISIER_FACTOR): a few dozen residuals give σ only
 * to ±30 %, and a lucky window must not cost a real step its significance; milder unevenness is
 * left to the step tests, which widen their error by the scatter they find.
 */
export function levelSigma(logMs: readonly number[], pointSigma: readonly number[]): number[] {
  const residuals = differenceResiduals(logMs);
  const global = sigmaFromResiduals(residuals.filter((r): r is number => r !== undefined));
  return logMs.map((_, i) => {
    const nearby: number[] = [];
    for (let j = Math.max(0, i - LOCAL_HALF_WINDOW); j < Math.min(residuals.length, i + LOCAL_HALF_WINDOW); j++) {
      const r = residuals[j];
      if (r !== undefined) nearby.push(r);
    }
    const local = nearby.length >= MIN_LOCAL_RESIDUALS ? sigmaFromResiduals(nearby) : 0;
    const noisierHere = local > LOCAL_NOISIER_FACTOR * global ? local : 0;
    return Math.max(global, noisierHere, pointSigma[i] ?? 0, NOISE_FLOOR_RELATIVE);
  });
}

/**
 * How far point i (an index into `kept`) stands out as an isolated outlier, in units of its
 * outlier limit (> 1: an outlier), among the points still kept. It must be far from its running
 * median and stand out from *each* neighbour in the same direction: a point on a ramp or at a step
 * edge has one neighbour on either side of it, so it never qualifies, and two adjacent high points
 * are a (short) plateau, not an outlier. An end point has one neighbour only, so it must also miss
 * the line through the next two points: at the steep start of a ramp the running median alone would
 * flag it.
 */
function outlierExcess(
  kept: readonly number[],
  i: number,
  tokens: readonly number[],
  logMs: readonly number[],
  limit: number,
): number {
  const n = kept.length;
  const valueAt = (k: number): number => logMs[kept[k]];
  const value = valueAt(i);
  const window: number[] = [];
  for (let k = Math.max(0, i - HALF_WINDOW); k <= Math.min(n - 1, i + HALF_WINDOW); k++) window.push(valueAt(k));
  const deviation = value - median(window);
  if (Math.abs(deviation) <= limit) return 0;
  const direction = Math.sign(deviation);
  const standsOut = (k: number): boolean => k < 0 || k >= n || (value - valueAt(k)) * direction > Math.abs(deviation) / 2;
  if (!standsOut(i - 1) || !standsOut(i + 1)) return 0;
  if ((i === 0 || i === n - 1) && n >= 3) {
    const [near, far] = i === 0 ? [1, 2] : [n - 2, n - 3];
    const reach = (tokens[kept[i]] - tokens[kept[near]]) / (tokens[kept[near]] - tokens[kept[far]]);
    const extrapolated = valueAt(near) + (valueAt(near) - valueAt(far)) * reach;
    // the extrapolation itself carries the noise of two points, amplified by how far it reaches
    const extrapolationSpread = Math.sqrt(1 + (1 + reach) ** 2 + reach ** 2);
    if ((value - extrapolated) * direction <= limit * extrapolationSpread) return 0;
  }
  return Math.abs(deviation) / limit;
}

/**
 * Isolated outliers (see outlierExcess), set aside one at a time, the most extreme first: an
 * outlier next to a step edge would otherwise make the edge point look like an outlier too.
 */
export function flagIsolatedOutliers(
  tokens: readonly number[],
  logMs: readonly number[],
  sigma: readonly number[],
  outlierZ: number,
): boolean[] {
  const flagged = logMs.map(() => false);
  let kept = logMs.map((_, i) => i);
  for (;;) {
    let worst = -1;
    let worstExcess = 1;
    for (let k = 0; k < kept.length; k++) {
      const excess = outlierExcess(kept, k, tokens, logMs, outlierZ * sigma[kept[k]]);
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = k;
      }
    }
    if (worst < 0 || kept.length <= 3) return flagged;
    flagged[kept[worst]] = true;
    kept = kept.filter((_, k) => k !== worst);
  }
}
