import { UserError } from '../errors.js';
import { type CurvePoint, detectionSeries } from '../staircase/curve.js';

/**
 * A latency model of the whole network, built from a profile.
 * - unit 'block': points are one transformer block's latency; the network is
 *   overheadMs + Σ block(tokens at layer i).
 * - unit 'model': points are the whole network with tokens removed at the input (POMT's protocol,
 *   or another tool's CSV); each layer costs (L(n) − overheadMs)/depth, so a network whose layers
 *   all run at n tokens costs exactly L(n).
 */
export interface LatencyCurve {
  points: readonly CurvePoint[];
  unit: 'block' | 'model';
  depth: number;
  /** the part of the network that does not scale with tokens (patch embedding, head, launch), ms */
  overheadMs: number;
}

/** A LatencyCurve prepared for many predictions. */
export interface LatencyModel {
  depth: number;
  /** measured token counts, ascending */
  tokens: readonly number[];
  /** measured latency (ms) at each of `tokens` */
  ms: readonly number[];
  /** latency of what the curve measures (a block or the model) at a count, interpolated */
  at(tokens: number): number;
  /** one layer's share of the network at a count (ms): predict() is overheadMs + Σ layerMs */
  layerMs(tokens: number): number;
  /** the part of the network that does not scale with tokens, ms */
  overheadMs: number;
  /** whole-network latency (ms) when layer i runs at layerTokens[i] tokens */
  predict(layerTokens: readonly number[]): number;
  /** the whole network with tokens removed at the input: every layer runs at `tokens` */
  atInput(tokens: number): number;
}

/**
 * Prepares a curve: measured latencies in ms, drift-cancelled where the profile has
 * relativeToReference (the series step detection uses, so predictions and steps agree), sorted,
 * one value per token count.
 */
export function latencyModel(curve: LatencyCurve): LatencyModel {
  const { tokens, ms } = detectionSeries(curve.points);
  if (tokens.length < 2) {
    throw new UserError(
      'profile-too-short',
      `the latency profile has ${tokens.length} token count${tokens.length === 1 ? '' : 's'}: at least 2 are needed to predict anything`,
      'run `edgetune sweep` or pass a CSV with more token counts',
    );
  }
  if (!Number.isInteger(curve.depth) || curve.depth < 1) {
    throw new UserError('depth-invalid', `the network depth must be a whole number ≥ 1, not ${curve.depth}`, 'pass the model\'s number of transformer blocks');
  }
  const at = (n: number): number => interpolate(tokens, ms, n);
  const layerMs = (n: number): number => (curve.unit === 'block' ? at(n) : (at(n) - curve.overheadMs) / curve.depth);
  const predict = (layerTokens: readonly number[]): number => {
    if (layerTokens.length !== curve.depth) {
      throw new RangeError(`layerTokens has ${layerTokens.length} entries for a network of depth ${curve.depth}`);
    }
    let total = curve.overheadMs;
    for (const n of layerTokens) total += layerMs(n);
    return total;
  };
  return {
    depth: curve.depth,
    tokens,
    ms,
    at,
    layerMs,
    overheadMs: curve.overheadMs,
    predict,
    atInput: (n) => predict(new Array<number>(curve.depth).fill(n)),
  };
}

/**
 * The measured value, or the straight line between the two measured counts around it. Never
 * beyond the measured range: a staircase cannot be extrapolated.
 */
function interpolate(tokens: readonly number[], ms: readonly number[], n: number): number {
  const last = tokens.length - 1;
  if (!(n >= tokens[0] && n <= tokens[last])) {
    throw new UserError(
      'tokens-out-of-range',
      `${n} tokens is outside the measured range (${tokens[0]}–${tokens[last]} tokens): latency there is unknown, not extrapolated`,
      `measure a sweep that covers ${n} tokens (edgetune sweep --tokens A:B)`,
    );
  }
  let high = tokens.findIndex((t) => t >= n);
  if (tokens[high] === n) return ms[high];
  if (high === 0) high = 1;
  const low = high - 1;
  const share = (n - tokens[low]) / (tokens[high] - tokens[low]);
  return ms[low] + share * (ms[high] - ms[low]);
}

/** Predicted whole-network latency (ms) when layer i runs at layerTokens[i] tokens. */
export function predictModelMs(curve: LatencyCurve, layerTokens: readonly number[]): number {
  return latencyModel(curve).predict(layerTokens);
}
