import { median } from '../util/stats.js';

/**
 * One measured token count, as much as is known about it. A ProfilePoint is one; a CSV from another
 * tool may give only `tokens` and `medianMs`.
 */
export interface CurvePoint {
  tokens: number;
  medianMs: number;
  p10Ms?: number;
  p90Ms?: number;
  iqrMs?: number;
  samples?: number;
  /** median / reference median of the same pass, averaged over passes (cancels slow drift) */
  relativeToReference?: number;
  /** max - min of relativeToReference across passes */
  relativeSpread?: number;
  passes?: number;
}

/**
 * The curve as step detection sees it: ascending distinct token counts, the latency to analyse
 * (drift-cancelled where possible) and what each point says about its own uncertainty.
 */
export interface DetectionSeries {
  tokens: number[];
  /** latency in ms used for detection (relativeToReference scaled back to ms when available) */
  ms: number[];
  /** natural log of `ms`: timing noise is multiplicative, so it is homoscedastic here */
  logMs: number[];
  /** the point's own standard error of its level, relative (≈ log units); 0 when it says nothing */
  pointSigma: number[];
  usesRelative: boolean;
}

// Mean range of P normal draws in standard deviations (d2 of control charts), P = 2..10.
const RANGE_TO_SIGMA = [Number.NaN, Number.NaN, 1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.97, 3.078];
// Standard error of a sample median is √(π/2)·σ/√n for normal data.
const MEDIAN_EFFICIENCY = Math.sqrt(Math.PI / 2);
const P10_P90_IN_SIGMA = 2.5631;
const IQR_IN_SIGMA = 1.349;

function isFinitePositive(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value > 0;
}

/** The point's own uncertainty of its median, relative to its median. */
function ownRelativeSigma(point: CurvePoint, usesRelative: boolean): number {
  let sigma = 0;
  if (usesRelative && point.relativeSpread !== undefined && point.relativeSpread >= 0) {
    // Without a pass count assume the fewest passes that make a spread (2): the widest reading.
    const passes = point.passes ?? 2;
    if (passes >= 2) {
      const perPass = point.relativeSpread / RANGE_TO_SIGMA[Math.min(10, Math.round(passes))];
      sigma = Math.max(sigma, perPass / Math.sqrt(passes) / (point.relativeToReference as number));
    }
  }
  const samples = point.samples ?? 0;
  if (samples >= 2 && point.medianMs > 0) {
    let sampleSigma: number | undefined;
    if (point.p10Ms !== undefined && point.p90Ms !== undefined && point.p90Ms >= point.p10Ms) {
      sampleSigma = (point.p90Ms - point.p10Ms) / P10_P90_IN_SIGMA;
    } else if (point.iqrMs !== undefined && point.iqrMs >= 0) {
      sampleSigma = point.iqrMs / IQR_IN_SIGMA;
    }
    if (sampleSigma !== undefined && Number.isFinite(sampleSigma)) {
      sigma = Math.max(sigma, (MEDIAN_EFFICIENCY * sampleSigma) / Math.sqrt(samples) / point.medianMs);
    }
  }
  return Number.isFinite(sigma) ? sigma : 0;
}

/**
 * Sorts by tokens, merges repeated counts (median of their values, widest own spread) and picks the
 * series to analyse. relativeToReference is preferred only when every point has it: mixing
 * drift-cancelled and raw values would create steps where the kind of value changes.
 */
export function detectionSeries(points: readonly CurvePoint[]): DetectionSeries {
  const usable = points.filter((p) => Number.isFinite(p.tokens) && Number.isFinite(p.medianMs) && p.medianMs >= 0);
  const usesRelative = usable.length > 0 && usable.every((p) => isFinitePositive(p.relativeToReference));
  const scale = usesRelative
    ? median(usable.filter((p) => p.medianMs > 0).map((p) => p.medianMs / (p.relativeToReference as number)))
    : 1;
  const valueOf = (p: CurvePoint): number =>
    usesRelative && Number.isFinite(scale) ? (p.relativeToReference as number) * scale : p.medianMs;

  const byTokens = new Map<number, CurvePoint[]>();
  for (const point of usable) {
    const group = byTokens.get(point.tokens);
    if (group) group.push(point);
    else byTokens.set(point.tokens, [point]);
  }
  const tokens = [...byTokens.keys()].sort((a, b) => a - b);
  const rawMs = tokens.map((n) => median(byTokens.get(n)!.map(valueOf)));
  const pointSigma = tokens.map((n) => Math.max(...byTokens.get(n)!.map((p) => ownRelativeSigma(p, usesRelative))));

  // A zero latency has no logarithm; it can only be a unit or rounding artefact, so floor it far
  // below anything real rather than reject the curve.
  const positive = rawMs.filter((v) => v > 0);
  const floorMs = positive.length > 0 ? Math.max(...positive) * 1e-6 : 1e-9;
  const ms = rawMs.map((v) => Math.max(v, floorMs));
  return { tokens, ms, logMs: ms.map(Math.log), pointSigma, usesRelative };
}
