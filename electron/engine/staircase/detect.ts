import type { Plateau, Staircase, Step } from '../contracts/profile.js';
import { median } from '../util/stats.js';
import { type CurvePoint, type DetectionSeries, detectionSeries } from './curve.js';
import { flagIsolatedOutliers, levelSigma } from './noise.js';
import { readTrend } from './regime.js';
import { partitionIntoLines, type RunSums, runSums } from './segment.js';
import { detectionNotes, plural, staircaseHeadline, trendHeadline } from './summary.js';
import { endPointOffset, settleBoundaries } from './verify.js';

export interface DetectOptions {
  /** smallest step worth reporting, % of the latency before it (default 2) */
  minJumpPct?: number;
  /** fewest points a plateau needs for a level change to count as persistent (default 2) */
  minPlateauPoints?: number;
  /** a step's jump must be this many standard errors (default 5) */
  minJumpZ?: number;
  /** an isolated point this many standard errors off its neighbours is an outlier (default 5) */
  outlierZ?: number;
  /** typical relative noise above which a step-free curve is called noisy (default 0.05) */
  noisyRelativeNoise?: number;
  /** segmentation penalty per extra piece, × ln(points), in noise units (default 2) */
  penaltyPerPiece?: number;
}

export const DEFAULT_DETECT_OPTIONS: Required<DetectOptions> = {
  minJumpPct: 2,
  minPlateauPoints: 2,
  minJumpZ: 5,
  outlierZ: 5,
  noisyRelativeNoise: 0.05,
  penaltyPerPiece: 2,
};

/** Steps at or above this confidence are "confident": they make a staircase and may carry a schedule. */
export const CONFIDENT_STEP = 0.5;

export function isConfidentStep(step: Step): boolean {
  return step.confidence >= CONFIDENT_STEP;
}

const MIN_POINTS = 5;
/** one point cannot tell a step from an outlier: such a step is reported but never confident */
const SINGLE_POINT_STEP_MAX_CONFIDENCE = 0.4;

/**
 * Evidence (0.75 when the jump is exactly at the threshold, → 1 well above it) times persistence
 * (plateaus of ≥ 4 points on the shorter side count fully; 2 points give 0.71).
 */
function stepConfidence(z: number, minJumpZ: number, shorterPlateauPoints: number): number {
  const evidence = 1 - Math.exp(-Math.log(4) * (z / minJumpZ) ** 2);
  const persistence = Math.sqrt(Math.min(1, shorterPlateauPoints / 4));
  return Math.min(1, Math.max(0, evidence * persistence));
}

interface FoundStep {
  /** index into the series of the first point on the higher plateau */
  seriesIndex: number;
  confidence: number;
}

interface LevelChange {
  tokens: number;
  jumpPct: number;
}

interface EndStep extends FoundStep {
  /** the lone end point that makes the step */
  endIndex: number;
}

/**
 * A point alone at either end of the curve, set aside as an outlier, that stands far off the
 * plateau next to it (twice the usual z) may be a step the sweep ran out of room to confirm: report
 * it, but never as confident. Only upward: a high last point, or a low first one.
 */
function loneEndSteps(
  series: DetectionSeries,
  sigma: readonly number[],
  outlier: readonly boolean[],
  kept: readonly number[],
  sums: RunSums,
  boundaries: readonly number[],
  minJumpZ: number,
  minJumpLog: number,
): EndStep[] {
  const n = series.tokens.length;
  if (kept.length < 2) return [];
  const edges = [0, ...boundaries, kept.length];
  const ends = [
    { endIndex: n - 1, side: 'after' as const, start: edges[edges.length - 2], stop: kept.length, seriesIndex: n - 1, sign: 1 },
    { endIndex: 0, side: 'before' as const, start: 0, stop: edges[1], seriesIndex: kept[0], sign: -1 },
  ];
  return ends
    .filter((end) => outlier[end.endIndex])
    .flatMap((end) => {
      const { offset, z } = endPointOffset(
        sums,
        end.start,
        end.stop,
        end.side,
        series.tokens[end.endIndex],
        series.logMs[end.endIndex],
        sigma[end.endIndex],
      );
      if (end.sign * offset < minJumpLog || end.sign * z < 2 * minJumpZ) return [];
      const confidence = Math.min(SINGLE_POINT_STEP_MAX_CONFIDENCE, stepConfidence(end.sign * z, minJumpZ, 1));
      return [{ endIndex: end.endIndex, seriesIndex: end.seriesIndex, confidence }];
    });
}

/**
 * Steps with the plateaus between them. A step must also raise the plateau median: a local rise
 * that only climbs back from a dip (a downward change merged into the plateau before it) is no
 * step; such ones are dropped, lowest first, and the plateaus merged.
 */
function stepsBetweenPlateaus(
  series: DetectionSeries,
  ignored: readonly boolean[],
  found: readonly FoundStep[],
): { plateaus: Plateau[]; steps: Step[] } {
  let kept = [...found].sort((a, b) => a.seriesIndex - b.seriesIndex);
  for (;;) {
    const plateaus = plateausBetween(
      series,
      ignored,
      kept.map((s) => s.seriesIndex),
    );
    const steps: Step[] = kept.map((s, k) => ({
      tokens: series.tokens[s.seriesIndex],
      beforeMs: plateaus[k].medianMs,
      afterMs: plateaus[k + 1].medianMs,
      jumpPct: 100 * (plateaus[k + 1].medianMs / plateaus[k].medianMs - 1),
      confidence: s.confidence,
    }));
    const worst = steps.reduce((low, step, k) => (step.jumpPct <= 0 && (low < 0 || step.jumpPct < steps[low].jumpPct) ? k : low), -1);
    if (worst < 0) return { plateaus, steps };
    kept = kept.filter((_, k) => k !== worst);
  }
}

/** Plateaus between the steps, covering every point; medians over the points that are not outliers. */
function plateausBetween(series: DetectionSeries, outlier: readonly boolean[], stepStarts: readonly number[]): Plateau[] {
  const starts = [0, ...stepStarts];
  return starts.map((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : series.tokens.length;
    const indices = Array.from({ length: end - start }, (_, j) => start + j);
    const inliers = indices.filter((i) => !outlier[i]);
    const levelOf = inliers.length > 0 ? inliers : indices;
    return {
      from: series.tokens[start],
      to: series.tokens[end - 1],
      medianMs: median(levelOf.map((i) => series.ms[i])),
    };
  });
}

function tooFewPoints(series: DetectionSeries): Staircase {
  const n = series.tokens.length;
  return {
    regime: 'too-few-points',
    steps: [],
    plateaus:
      n === 0
        ? []
        : [{ from: series.tokens[0], to: series.tokens[n - 1], medianMs: median(series.ms) }],
    summary: `too few points: ${plural(n, 'token count')} measured, at least ${MIN_POINTS} are needed to tell steps from noise`,
  };
}

/**
 * Finds the latency steps in a latency-vs-tokens curve (any spacing of token counts, any device).
 *
 * Works on log latency: timing noise is multiplicative, and a step is a ratio. Noise per point is
 * the larger of the curve's scatter (from first differences, blind to trends and steps), a clearly
 * noisier neighbourhood's and the point's own spread. Isolated outliers are set aside. An exact
 * optimal partition into straight pieces with a noise-scaled penalty proposes boundaries; each is
 * tested as a level change between the plateaus on either side, beyond what their slope predicts,
 * on straight parts reaching equally far from the gap (so curvature cancels); failing boundaries
 * are merged away weakest first, the rest nudged to where they fit best, and each plateau searched
 * for a change the partition missed, until nothing changes. What remains is large against the noise
 * (minJumpZ) and against minJumpPct: upward changes are steps, downward ones only mentioned.
 */
export function detectStaircase(points: readonly CurvePoint[], options: DetectOptions = {}): Staircase {
  const settings = { ...DEFAULT_DETECT_OPTIONS, ...options };
  const series = detectionSeries(points);
  const n = series.tokens.length;
  if (n < MIN_POINTS) return tooFewPoints(series);

  const sigma = levelSigma(series.logMs, series.pointSigma);
  const outlier = flagIsolatedOutliers(series.tokens, series.logMs, sigma, settings.outlierZ);
  const kept = series.tokens.map((_, i) => i).filter((i) => !outlier[i]);
  const t = kept.map((i) => series.tokens[i]);
  const u = kept.map((i) => series.logMs[i]);
  const w = kept.map((i) => 1 / sigma[i] ** 2);
  const sums = runSums(t, u, w);
  const minPlateauPoints = Math.max(2, Math.round(settings.minPlateauPoints));
  const verify = {
    minJumpZ: settings.minJumpZ,
    minJumpLog: Math.log1p(settings.minJumpPct / 100),
    minPlateauPoints,
  };

  const penalty = settings.penaltyPerPiece * Math.log(Math.max(3, kept.length));
  // Straight pieces need three points: a line through two fits anything, and two-point pieces
  // would bridge a step instead of ending at it. Two-point plateaus are still found, by the search
  // inside plateaus that settling does.
  const candidates = partitionIntoLines(sums, kept.length, Math.max(3, minPlateauPoints), penalty);
  const tests = settleBoundaries(candidates, sums, t, verify);

  const found: FoundStep[] = tests
    .filter((test) => test.jump > 0)
    .map((test) => ({
      seriesIndex: kept[test.index],
      confidence: stepConfidence(test.z, settings.minJumpZ, Math.min(test.leftCount, test.rightCount)),
    }));
  const downward: LevelChange[] = tests
    .filter((test) => test.jump < 0)
    .map((test) => ({ tokens: series.tokens[kept[test.index]], jumpPct: 100 * Math.expm1(test.jump) }));

  const endSteps = loneEndSteps(series, sigma, outlier, kept, sums, tests.map((test) => test.index), settings.minJumpZ, verify.minJumpLog);
  found.push(...endSteps);
  const ignored = outlier.map((flag, i) => flag && !endSteps.some((step) => step.endIndex === i));

  const { plateaus, steps } = stepsBetweenPlateaus(series, ignored, found);

  const confident = steps.filter(isConfidentStep);
  const notes = detectionNotes({
    tentative: steps.filter((s) => !isConfidentStep(s)),
    downward,
    outlierTokens: series.tokens.filter((_, i) => ignored[i]),
  });
  if (confident.length > 0) {
    return { regime: 'staircase', steps, plateaus, summary: [staircaseHeadline(confident), ...notes].join('; ') };
  }
  const inliers = series.tokens.map((_, i) => i).filter((i) => !ignored[i]);
  const reading = readTrend(
    inliers.map((i) => series.tokens[i]),
    inliers.map((i) => series.ms[i]),
    inliers.map((i) => sigma[i]),
    { minJumpRelative: verify.minJumpLog, noisyRelativeNoise: settings.noisyRelativeNoise },
  );
  const headline = trendHeadline(reading, series.tokens[0], series.tokens[n - 1], settings.minJumpZ);
  return { regime: reading.regime, steps, plateaus, summary: [headline, ...notes].join('; ') };
}
