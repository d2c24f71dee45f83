import type { CurveRegime, Staircase, Step } from '../contracts/profile.js';
import { UserError } from '../errors.js';
import type { AccuracyPoint } from '../staircase/csv.js';
import { isConfidentStep } from '../staircase/detect.js';
import { formatPct } from '../staircase/summary.js';
import type { LatencyModel } from './latency.js';

/**
 * POMT ("Pruning One More Token is Enough", Eliopoulos et al., WACV 2025): remove, once, at one
 * layer, exactly enough tokens to fall below a latency step. With an accuracy curve the count to
 * keep is the argmax of the paper's utility; without one, the minimal move below the step the full
 * count sits on.
 */

export interface UtilityPoint {
  tokens: number;
  /** whole network with tokens removed at the input, ms */
  latencyMs: number;
  /** accuracy at this count, interpolated within the accuracy curve */
  accuracy: number;
  utility: number;
}

/** Linear interpolation within the accuracy curve's range; undefined outside it. */
function accuracyAt(accuracy: readonly AccuracyPoint[], tokens: number): number | undefined {
  const last = accuracy.length - 1;
  if (last < 0 || tokens < accuracy[0].tokens || tokens > accuracy[last].tokens) return undefined;
  const high = accuracy.findIndex((p) => p.tokens >= tokens);
  if (accuracy[high].tokens === tokens || high === 0) return accuracy[high].accuracy;
  const low = accuracy[high - 1];
  const share = (tokens - low.tokens) / (accuracy[high].tokens - low.tokens);
  return low.accuracy + share * (accuracy[high].accuracy - low.accuracy);
}

/**
 * The paper's utility over the counts present in both curves (the latency counts, accuracy
 * interpolated onto them within its range): U(n) = α(1 − L(n)/max L) + (1 − α)·A(n)/max A, with
 * L the whole network with tokens removed at the input (the paper's protocol). Ascending tokens.
 */
export function pomtUtility(
  latency: readonly { tokens: number; latencyMs: number }[],
  accuracy: readonly AccuracyPoint[],
  alpha: number,
): UtilityPoint[] {
  const sortedAccuracy = [...accuracy].sort((a, b) => a.tokens - b.tokens);
  const both = latency
    .map(({ tokens, latencyMs }) => ({ tokens, latencyMs, accuracy: accuracyAt(sortedAccuracy, tokens) }))
    .filter((p): p is { tokens: number; latencyMs: number; accuracy: number } => p.accuracy !== undefined)
    .sort((a, b) => a.tokens - b.tokens);
  if (both.length === 0) {
    const accuracyRange = sortedAccuracy.length > 0 ? `${sortedAccuracy[0].tokens}–${sortedAccuracy[sortedAccuracy.length - 1].tokens}` : 'no';
    const latencyTokens = latency.map((p) => p.tokens);
    throw new UserError(
      'accuracy-no-overlap',
      `the accuracy curve (${accuracyRange} tokens) and the latency curve (${Math.min(...latencyTokens)}–${Math.max(...latencyTokens)} tokens) have no token count in common`,
      'measure accuracy over the token counts the latency sweep covers',
    );
  }
  const maxLatency = Math.max(...both.map((p) => p.latencyMs));
  const maxAccuracy = Math.max(...both.map((p) => p.accuracy));
  if (!(maxLatency > 0) || !(maxAccuracy > 0)) {
    throw new UserError(
      'utility-undefined',
      `the utility needs positive latency and accuracy, but the largest ${maxLatency > 0 ? 'accuracy' : 'latency'} over the shared counts is 0`,
      'check the accuracy and latency files',
    );
  }
  return both.map((p) => ({
    ...p,
    utility: alpha * (1 - p.latencyMs / maxLatency) + (1 - alpha) * (p.accuracy / maxAccuracy),
  }));
}

/**
 * n*: the count with the highest utility. On ties, the largest count: the released code scans its
 * grid from the full count downwards and keeps numpy's first maximum, and at equal utility keeping
 * more tokens costs nothing.
 */
export function pomtKeepTokens(utility: readonly UtilityPoint[]): number {
  let best = utility[0];
  for (const point of utility) {
    if (point.utility > best.utility || (point.utility === best.utility && point.tokens > best.tokens)) best = point;
  }
  return best.tokens;
}

/**
 * Tokens to remove so that exactly `keepTokens` continue. POMT's fused token makes its R a net
 * reduction (T = N − R − 2 patch tokens kept, the rest averaged into one extra token, CLS kept:
 * N − R tokens continue), so R = N − n* lands on n*. The released code computes
 * R = 196 − (n* + 1) = N − n* − 2 for N = 197, which lands on n* + 2: two tokens short of the
 * target, possibly back on the high side of the very step it meant to fall below.
 */
export function pomtRemove(baselineTokens: number, keepTokens: number): number {
  return baselineTokens - keepTokens;
}

/** The first step above the kept count that the baseline is at or above: the one the schedule lands below. */
export function stepLandedBelow(steps: readonly Step[], keepTokens: number, baselineTokens: number): Step | undefined {
  if (keepTokens >= baselineTokens) return undefined;
  return steps.find((step) => step.tokens > keepTokens && step.tokens <= baselineTokens);
}

export interface KeepDecision {
  keepTokens: number;
  /** the step the kept count lands below, if any */
  landedBelow?: Step;
  reason: string;
}

export function pomtWithAccuracy(
  model: LatencyModel,
  staircase: Staircase,
  baselineTokens: number,
  accuracy: readonly AccuracyPoint[],
  alpha: number,
  layer: number,
): KeepDecision {
  const counts = model.tokens.filter((n) => n <= baselineTokens);
  if (!counts.includes(baselineTokens)) counts.push(baselineTokens);
  const utility = pomtUtility(
    counts.map((tokens) => ({ tokens, latencyMs: model.atInput(tokens) })),
    accuracy,
    alpha,
  );
  const keepTokens = pomtKeepTokens(utility);
  const landedBelow = stepLandedBelow(staircase.steps, keepTokens, baselineTokens);
  const peak = `POMT utility (α = ${alpha}) peaks at ${keepTokens} tokens`;
  if (keepTokens >= baselineTokens) {
    return { keepTokens: baselineTokens, reason: `${peak}, the full count: keeping all ${baselineTokens} tokens` };
  }
  const removal = `remove ${pomtRemove(baselineTokens, keepTokens)} tokens at layer ${layer}`;
  const below = landedBelow ? `, landing below the step at ${landedBelow.tokens} tokens (${formatPct(landedBelow.jumpPct)})` : '';
  return { keepTokens, landedBelow, reason: `${peak}: ${removal}${below}` };
}

const PROPORTIONAL_ONLY = 'gains are only proportional: that is a decision for an accuracy curve (--accuracy), not for the staircase';

function noStepReason(regime: CurveRegime, baselineTokens: number): string {
  const keepAll = `keeping all ${baselineTokens} tokens`;
  switch (regime) {
    case 'linear':
    case 'ramp':
      return `ramp: latency grows smoothly with tokens, so ${PROPORTIONAL_ONLY}; ${keepAll}`;
    case 'flat':
      return `flat: latency does not depend on the token count here, so there is no step to land below; ${keepAll}`;
    case 'noisy':
      return `no confident step at or below ${baselineTokens} tokens (the profile is too noisy to tell); ${keepAll}`;
    case 'too-few-points':
      return `too few token counts measured to find a step; ${keepAll}`;
    case 'staircase':
      return `no confident step at or below ${baselineTokens} tokens (the steps found are above it); ${keepAll}`;
  }
}

/**
 * POMT's minimal move, for when there is no accuracy curve: keep the right edge of the plateau just
 * below the step the full count sits on (the last confident step at or below it), if that removes
 * at most maxRemoveFraction of the tokens; otherwise keep all, and say why.
 */
export function minimalMove(
  model: LatencyModel,
  staircase: Staircase,
  baselineTokens: number,
  maxRemoveFraction: number,
  layer: number,
): KeepDecision {
  const step = staircase.steps.filter((s) => isConfidentStep(s) && s.tokens <= baselineTokens).at(-1);
  if (!step) return { keepTokens: baselineTokens, reason: noStepReason(staircase.regime, baselineTokens) };
  const below = model.tokens.filter((n) => n < step.tokens);
  if (below.length === 0) {
    return { keepTokens: baselineTokens, reason: `no count was measured below the step at ${step.tokens} tokens; keeping all ${baselineTokens} tokens` };
  }
  const keepTokens = below[below.length - 1];
  const remove = baselineTokens - keepTokens;
  const sitsOn = `${baselineTokens} tokens sit on the plateau that starts at the step at ${step.tokens} tokens (${formatPct(step.jumpPct)})`;
  const share = `${Math.round((1000 * remove) / baselineTokens) / 10} %`;
  if (remove > maxRemoveFraction * baselineTokens) {
    return {
      keepTokens: baselineTokens,
      reason: `${sitsOn}, but landing below it means removing ${remove} tokens (${share} > ${Math.round(100 * maxRemoveFraction)} %): keeping all ${baselineTokens} tokens; with an accuracy curve (--accuracy) a bigger cut can be weighed`,
    };
  }
  return {
    keepTokens,
    landedBelow: step,
    reason: `minimal move: ${sitsOn}; keeping ${keepTokens} (the right edge of the plateau below) removes ${remove} tokens (${share}) at layer ${layer}`,
  };
}
