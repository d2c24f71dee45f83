import type { Staircase } from '../contracts/profile.js';
import { SCHEDULE_SCHEMA, type Schedule, type ScheduleMethod, scheduleSchema } from '../contracts/schedule.js';
import { UserError } from '../errors.js';
import type { AccuracyPoint } from '../staircase/csv.js';
import { type LatencyCurve, type LatencyModel, latencyModel } from './latency.js';
import { type KeepDecision, minimalMove, pomtWithAccuracy } from './pomt.js';
import { planDp } from './dp.js';
import { type BlockShape, blockShapeOf } from './pruned-latency.js';

export interface PlanScheduleInput {
  curve: LatencyCurve;
  /** the steps detected in the same profile */
  staircase: Staircase;
  model: Schedule['model'];
  device?: Schedule['device'];
  ep: string;
  /** the model's full token count (CLS included) */
  baselineTokens: number;
  accuracy?: readonly AccuracyPoint[];
  /** 'none' | 'csv:<path>' | 'latency-only'; defaults to 'none' without an accuracy curve, 'csv' with one */
  accuracySource?: string;
  /** weight of latency in POMT's utility (default 0.5) */
  alpha?: number;
  /** 0-based layer at which tokens are removed (default 3, the released code's, or the last layer of a shallower network) */
  layer?: number;
  /** the minimal move removes at most this share of the tokens (default 0.1) */
  maxRemoveFraction?: number;
  /** caps baselineTokens */
  maxTokens?: number;
  method?: ScheduleMethod;
  /** dp: most tokens removed, summed over layers (default: maxRemoveFraction of every layer's tokens) */
  budget?: number;
}

/** What a method decides, given validated inputs; planSchedule turns it into the schedule document. */
export interface PlanContext {
  model: LatencyModel;
  staircase: Staircase;
  baselineTokens: number;
  accuracy?: readonly AccuracyPoint[];
  alpha: number;
  layer: number;
  maxRemoveFraction: number;
  /** dp's removed-token budget, when given */
  budget?: number;
  /** the model's width and MLP ratio, when the schedule's model record says */
  blockShape?: BlockShape;
}

export interface PlanDecision extends KeepDecision {
  /** tokens each layer runs at (length = depth) */
  layerTokens: number[];
  /** tokens removed, per layer that removes any */
  layers: Schedule['layers'];
  /** when the method predicts more finely than model.predict(layerTokens) (dp splits reducing layers) */
  predictedMs?: number;
  /** every step the schedule lands below, when there are several (dp); else landedBelow */
  usedSteps?: number[];
}

export type Planner = (context: PlanContext) => PlanDecision;

/** POMT: everything removed at one layer; layers before it run at the full count. */
const planPomt: Planner = (context) => {
  const decision = context.accuracy
    ? pomtWithAccuracy(context.model, context.staircase, context.baselineTokens, context.accuracy, context.alpha, context.layer)
    : minimalMove(context.model, context.staircase, context.baselineTokens, context.maxRemoveFraction, context.layer);
  const remove = context.baselineTokens - decision.keepTokens;
  const depth = context.model.depth;
  return {
    ...decision,
    layerTokens: Array.from({ length: depth }, (_, i) => (i < context.layer ? context.baselineTokens : decision.keepTokens)),
    layers: remove > 0 ? [{ layer: context.layer, remove }] : [],
  };
};

/** Methods by name; a method that is not here yet is refused with a clear error. */
const PLANNERS: Partial<Record<ScheduleMethod, Planner>> = { pomt: planPomt, dp: planDp };

function requireNumber(
  value: number,
  ok: (v: number) => boolean,
  code: string,
  problem: string,
  fix: string,
): number {
  if (!Number.isFinite(value) || !ok(value)) throw new UserError(code, problem, fix);
  return value;
}

/**
 * A token-pruning schedule (schedule.json, edgetune/schedule@1) from a latency profile and, if
 * given, an accuracy curve. Validates what a user can get wrong; the document it returns passes
 * the schedule schema.
 */
export function planSchedule(input: PlanScheduleInput): Schedule {
  const method = input.method ?? 'pomt';
  const planner = PLANNERS[method];
  if (!planner) {
    throw new UserError('method-unavailable', `--method ${method} is not available yet`, 'use --method pomt');
  }
  const model = latencyModel(input.curve);
  const depth = input.curve.depth;
  const alpha = requireNumber(input.alpha ?? 0.5, (v) => v >= 0 && v <= 1, 'alpha-invalid', `alpha must be between 0 and 1, not ${input.alpha}`, 'pass --alpha 0.5 (0 = accuracy only, 1 = latency only)');
  // The released code cuts at layer 3; a shallower network cuts at its last layer instead.
  const defaultLayer = Math.max(0, Math.min(3, depth - 1));
  const layer = requireNumber(
    input.layer ?? defaultLayer,
    (v) => Number.isInteger(v) && v >= 0 && v < depth,
    'layer-invalid',
    `the pruning layer must be a whole number from 0 to ${depth - 1} (the network has ${depth} layers), not ${input.layer ?? defaultLayer}`,
    `pass a layer below ${depth}`,
  );
  const maxRemoveFraction = requireNumber(
    input.maxRemoveFraction ?? 0.1,
    (v) => v > 0 && v <= 1,
    'max-remove-invalid',
    `the largest share of tokens to remove must be above 0 and at most 1, not ${input.maxRemoveFraction}`,
    'pass a fraction such as 0.1',
  );
  requireNumber(input.baselineTokens, (v) => Number.isInteger(v) && v >= 1, 'tokens-invalid', `the full token count must be a whole number ≥ 1, not ${input.baselineTokens}`, 'pass the model\'s token count (CLS included), e.g. 197');
  if (input.maxTokens !== undefined) {
    requireNumber(input.maxTokens, (v) => Number.isInteger(v) && v >= 1, 'max-tokens-invalid', `--max-tokens must be a whole number ≥ 1, not ${input.maxTokens}`, 'pass e.g. --max-tokens 197');
  }
  const baselineTokens = Math.min(input.baselineTokens, input.maxTokens ?? Number.POSITIVE_INFINITY);
  const first = model.tokens[0];
  const last = model.tokens[model.tokens.length - 1];
  if (baselineTokens < first || baselineTokens > last) {
    throw new UserError(
      'tokens-out-of-range',
      `the full token count ${baselineTokens} is outside the measured range (${first}–${last} tokens)`,
      `measure a sweep that reaches ${baselineTokens} tokens, or pass --max-tokens within ${first}–${last}`,
    );
  }

  const decision = planner({
    model,
    staircase: input.staircase,
    baselineTokens,
    accuracy: input.accuracy,
    alpha,
    layer,
    maxRemoveFraction,
    budget: input.budget,
    blockShape: blockShapeOf(input.model),
  });
  const baselineMs = model.atInput(baselineTokens);
  const predictedMs = decision.predictedMs ?? model.predict(decision.layerTokens);
  const used = (step: { tokens: number }) => (decision.usedSteps ? decision.usedSteps.includes(step.tokens) : decision.landedBelow?.tokens === step.tokens);
  const steps = input.staircase.steps.map((step) => ({ ...step, used: used(step) }));
  return scheduleSchema.parse({
    schema: SCHEDULE_SCHEMA,
    method,
    model: input.model,
    device: input.device ?? {},
    ep: input.ep,
    baselineTokens,
    keepTokens: decision.keepTokens,
    layers: decision.layers,
    baselineMs,
    predictedMs,
    predictedSpeedup: baselineMs / predictedMs,
    steps,
    accuracySource: input.accuracySource ?? (input.accuracy ? 'csv' : 'none'),
    alpha,
    reason: decision.reason,
  });
}
