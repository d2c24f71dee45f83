import { medianConfidenceInterval, sortedCopy, median } from '../util/stats.js';

/**
 * When one visit to a token count has measured enough: MLPerf-style minimum count and minimum time,
 * then stop as soon as the median's ~95 % confidence interval is tight, or at a cap.
 */
export interface StoppingRule {
  warmupIterations: number;
  minIterations: number;
  maxIterations: number;
  minTimeMs: number;
  maxTimeMs: number;
  /** stop when the CI half-width of the median is at most this fraction of the median */
  targetRelativeHalfWidth: number;
  /** aim for batches of about this long, so cancel and progress stay responsive */
  batchMs: number;
}

export const DEFAULT_STOPPING_RULE: StoppingRule = {
  warmupIterations: 3,
  minIterations: 7,
  maxIterations: 100,
  minTimeMs: 20,
  // Passes are combined by their median, so one visit need not be precise on its own; a long
  // visit mostly buys exposure to drift.
  maxTimeMs: 400,
  targetRelativeHalfWidth: 0.03,
  batchMs: 60,
};

export type StopReason = 'converged' | 'max-iterations' | 'max-time';

export function stopReason(timesMs: readonly number[], elapsedMs: number, rule: StoppingRule): StopReason | undefined {
  if (timesMs.length >= rule.maxIterations) return 'max-iterations';
  // The minimum count holds even past the time cap: a median of two slow runs is no measurement.
  if (timesMs.length < rule.minIterations) return undefined;
  if (elapsedMs >= rule.maxTimeMs) return 'max-time';
  if (elapsedMs < rule.minTimeMs) return undefined;
  const sorted = sortedCopy(timesMs);
  const interval = medianConfidenceInterval(sorted);
  if (!interval) return undefined;
  const center = median(sorted);
  const halfWidth = Math.max(center - interval.low, interval.high - center);
  return halfWidth <= rule.targetRelativeHalfWidth * center ? 'converged' : undefined;
}

/** Iterations for the next batch, from the latency seen so far. */
export function nextBatchSize(estimateMs: number, measured: number, rule: StoppingRule): number {
  const wanted = Math.max(1, Math.round(rule.batchMs / Math.max(estimateMs, 1e-3)));
  const beforeMinimum = Math.max(0, rule.minIterations - measured);
  return Math.max(1, Math.min(Math.max(wanted, beforeMinimum), rule.maxIterations - measured, 64));
}
