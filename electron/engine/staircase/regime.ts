import { median } from '../util/stats.js';

/** The shape of a curve that has no confident step. */
export type TrendRegime = 'flat' | 'linear' | 'ramp' | 'noisy';

export interface TrendReading {
  regime: TrendRegime;
  /** why, for the summary */
  kind: 'flat' | 'linear' | 'ramp' | 'too-noisy' | 'irregular' | 'falling';
  /** change of the smooth trend from the first to the last count, relative to the median latency */
  changeRelative: number;
  /** typical standard error of a point, relative */
  noiseRelative: number;
  /** robust scatter around the smooth trend, relative to the median latency */
  scatterRelative: number;
}

export interface TrendOptions {
  minJumpRelative: number;
  noisyRelativeNoise: number;
}

/** Weighted least-squares polynomial (degree ≤ 2) evaluated at the data; t is rescaled for conditioning. */
function polynomialFit(t: readonly number[], y: readonly number[], w: readonly number[], degree: 1 | 2): number[] {
  const lo = Math.min(...t);
  const span = Math.max(...t) - lo || 1;
  const x = t.map((v) => (2 * (v - lo)) / span - 1);
  const size = degree + 1;
  const normal = Array.from({ length: size }, () => new Array<number>(size + 1).fill(0));
  for (let i = 0; i < x.length; i++) {
    const powers = [1, x[i], x[i] * x[i]];
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++) normal[r][c] += w[i] * powers[r] * powers[c];
      normal[r][size] += w[i] * powers[r] * y[i];
    }
  }
  // Gaussian elimination with partial pivoting on a 2×2 or 3×3 system.
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(normal[r][col]) > Math.abs(normal[pivot][col])) pivot = r;
    [normal[col], normal[pivot]] = [normal[pivot], normal[col]];
    const diagonal = normal[col][col];
    if (Math.abs(diagonal) < 1e-300) continue;
    for (let r = 0; r < size; r++) {
      if (r === col) continue;
      const factor = normal[r][col] / diagonal;
      for (let c = col; c <= size; c++) normal[r][c] -= factor * normal[col][c];
    }
  }
  const coefficients = normal.map((row, r) => (Math.abs(row[r]) < 1e-300 ? 0 : row[size] / row[r]));
  return x.map((v) => coefficients[0] + coefficients[1] * v + (degree === 2 ? coefficients[2] * v * v : 0));
}

const ROBUST_SCALE = 1.4826;

/**
 * Reads a step-free curve: flat (the smooth trend stays within noise or within the smallest jump
 * worth having), linear or ramp (a smooth trend explains it), or noisy (too much scatter to say,
 * an irregular shape, or latency that falls as tokens grow, which means a measurement problem).
 */
export function readTrend(
  tokens: readonly number[],
  ms: readonly number[],
  sigmaRelative: readonly number[],
  options: TrendOptions,
): TrendReading {
  const level = median(ms);
  const noiseRelative = median(sigmaRelative);
  const weights = ms.map((v, i) => 1 / (sigmaRelative[i] * v) ** 2);
  const line = polynomialFit(tokens, ms, weights, 1);
  const curve = polynomialFit(tokens, ms, weights, 2);
  const changeRelative = (curve[curve.length - 1] - curve[0]) / level;
  const rangeRelative = (Math.max(...curve) - Math.min(...curve)) / level;
  const lineScatterInNoise = ROBUST_SCALE * median(ms.map((v, i) => Math.abs(v - line[i]) / (sigmaRelative[i] * v)));
  const curveResiduals = ms.map((v, i) => Math.abs(v - curve[i]));
  const curveScatterInNoise = ROBUST_SCALE * median(curveResiduals.map((r, i) => r / (sigmaRelative[i] * ms[i])));
  const scatterRelative = (ROBUST_SCALE * median(curveResiduals)) / level;
  const reading = (regime: TrendRegime, kind: TrendReading['kind']): TrendReading => ({
    regime,
    kind,
    changeRelative,
    noiseRelative,
    scatterRelative,
  });

  if (noiseRelative > options.noisyRelativeNoise) return reading('noisy', 'too-noisy');
  if (rangeRelative < Math.max(options.minJumpRelative, 2 * noiseRelative)) {
    const quietAroundTrend = curveScatterInNoise <= 3 || scatterRelative < options.minJumpRelative / 2;
    return quietAroundTrend ? reading('flat', 'flat') : reading('noisy', 'irregular');
  }
  if (changeRelative < 0) return reading('noisy', 'falling');
  if (lineScatterInNoise <= 1.5) return reading('linear', 'linear');
  // Ripple (SIMD or thread-partition wiggles on a CPU) is fine as long as the trend dominates it.
  if (curveScatterInNoise <= 1.5 || scatterRelative <= 0.1 * rangeRelative) return reading('ramp', 'ramp');
  return reading('noisy', 'irregular');
}
