import type { TimingBackend } from '../measure/backend.js';
import type { StoppingRule } from '../measure/stopping-rule.js';
import { median } from '../util/stats.js';

/**
 * How to sweep a built-in model. `block` times one block and predicts the whole model (the fast
 * way when the whole model is slow, as on CPUs); `whole` times the whole model at every count
 * (nothing to predict; on GPUs it is cheap, and there a lone block is dominated by per-call cost
 * that the whole model pays once). `auto` times the whole model once and takes `whole` when a
 * whole-model sweep fits the budget.
 */
export type SweepStrategy = 'auto' | 'block' | 'whole';

export interface StrategyDecision {
  chosen: 'block' | 'whole';
  reason: string;
  wholeModelMs?: number;
  estimatedWholeSweepS?: number;
}

export const WHOLE_SWEEP_BUDGET_S = 45;

/** Timed iterations a default sweep spends, roughly: passes × (counts + references) visits. */
export function estimatedIterations(surveyCounts: number, passes: number, referenceEvery: number, rule: StoppingRule): number {
  const visitsPerPass = surveyCounts + Math.ceil(surveyCounts / referenceEvery) + 1;
  return passes * visitsPerPass * (rule.minIterations + 1);
}

export async function decideStrategy(
  wanted: SweepStrategy,
  encoder: TimingBackend | undefined,
  fullTokens: number,
  iterations: number,
): Promise<StrategyDecision> {
  if (wanted === 'block') return { chosen: 'block', reason: 'asked for (--strategy block)' };
  if (wanted === 'whole' || !encoder) return { chosen: 'whole', reason: wanted === 'whole' ? 'asked for (--strategy whole)' : 'a model file is timed as a whole' };
  await encoder.prepare(fullTokens);
  await encoder.time(fullTokens, 2);
  const wholeModelMs = median(await encoder.time(fullTokens, 3));
  const estimatedWholeSweepS = (wholeModelMs * iterations) / 1000;
  if (estimatedWholeSweepS <= WHOLE_SWEEP_BUDGET_S) {
    return { chosen: 'whole', wholeModelMs, estimatedWholeSweepS, reason: `the whole model runs in ${wholeModelMs.toFixed(1)} ms, so sweeping it directly takes about ${estimatedWholeSweepS.toFixed(0)} s` };
  }
  return {
    chosen: 'block',
    wholeModelMs,
    estimatedWholeSweepS,
    reason: `the whole model takes ${wholeModelMs.toFixed(0)} ms a run (about ${estimatedWholeSweepS.toFixed(0)} s to sweep), so one block is swept and the whole model predicted and checked`,
  };
}

/**
 * PyTorch and TensorRT sweeps decide without timing (starting a second runtime just to time it
 * would cost more than it tells): on a GPU the whole model, on the CPU one block.
 */
export function decideStrategyForDevice(wanted: SweepStrategy, device: string, splittable: boolean): StrategyDecision {
  if (!splittable) return { chosen: 'whole', reason: 'a model of your own is timed as a whole' };
  if (wanted === 'block') return { chosen: 'block', reason: 'asked for (--strategy block)' };
  if (wanted === 'whole') return { chosen: 'whole', reason: 'asked for (--strategy whole)' };
  if (device === 'cpu') {
    return { chosen: 'block', reason: 'on the CPU the whole model is slow to sweep, so one block is swept and the whole model predicted and checked' };
  }
  return { chosen: 'whole', reason: `on a GPU (${device}) a lone block is dominated by per-run cost that the whole model pays once, so the whole model is swept` };
}
