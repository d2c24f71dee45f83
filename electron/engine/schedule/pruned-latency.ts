/**
 * Predicted latency of a network whose token count falls layer by layer, from a profile's per-layer
 * latency model, and the removed-token measure that multi-layer schedules are budgeted and
 * compared by. Pure functions.
 *
 * Every method reduces between a block's attention and its MLP (see prune/reduction.ts), so a block
 * that reduces runs its attention at the count that entered it and its MLP at the count that
 * leaves. The profile measures whole blocks, so the block's latency is split between the two by
 * their share of its multiply-accumulates.
 */
import type { LatencyModel } from './latency.js';

/** What the attention/MLP split depends on; the rest of the architecture does not matter here. */
export interface BlockShape {
  readonly width: number;
  readonly mlpRatio: number;
}

/** Tokens one layer's attention and MLP run at (prune/reduction.ts's LayerTokenCount). */
export interface LayerCounts {
  readonly attentionTokens: number;
  readonly mlpTokens: number;
}

/** With MLP ratio 4 and few tokens, attention is a third of a block's work (4D² of 12D² per token). */
export const DEFAULT_ATTENTION_SHARE = 1 / 3;

/**
 * Share of one block's multiply-accumulates spent in attention at `tokens`: qkv and projection
 * 4·n·D², scores and A·V 2·n²·D, against the MLP's 2·r·n·D².
 */
export function attentionShare(shape: BlockShape | undefined, tokens: number): number {
  if (shape === undefined) return DEFAULT_ATTENTION_SHARE;
  const attention = 4 * shape.width + 2 * tokens;
  return attention / (attention + 2 * shape.mlpRatio * shape.width);
}

/** One layer's predicted latency (ms) when its attention runs at one count and its MLP at another. */
export function layerCostMs(model: LatencyModel, attentionTokens: number, mlpTokens: number, shape?: BlockShape): number {
  if (attentionTokens === mlpTokens) return model.layerMs(mlpTokens);
  return (
    attentionShare(shape, attentionTokens) * model.layerMs(attentionTokens) +
    (1 - attentionShare(shape, mlpTokens)) * model.layerMs(mlpTokens)
  );
}

/**
 * Whole-network latency (ms) for the counts each layer runs at. What it leaves out (scoring,
 * sorting and merging tokens) is exactly what `edgetune validate` measures.
 */
export function predictLayerCountsMs(model: LatencyModel, counts: readonly LayerCounts[], shape?: BlockShape): number {
  if (counts.length !== model.depth) {
    throw new RangeError(`${counts.length} layer counts for a network of depth ${model.depth}`);
  }
  return counts.reduce((total, layer) => total + layerCostMs(model, layer.attentionTokens, layer.mlpTokens, shape), model.overheadMs);
}

/**
 * Tokens removed summed over layers, Σ (baseline − tokens leaving layer i): how much of the
 * network's token work a schedule gives up. Removing early costs more than removing late, as it
 * costs accuracy more; this is the budget of `--method dp` and the measure Top-K and ToMe are
 * matched by in validation.
 */
export function removedTokenLayers(tokensAfterLayer: readonly number[], baselineTokens: number): number {
  return tokensAfterLayer.reduce((sum, tokens) => sum + (baselineTokens - tokens), 0);
}

/** The block shape of a schedule's or profile's `model` record, when it says (built-in models do). */
export function blockShapeOf(model: unknown): BlockShape | undefined {
  if (typeof model !== 'object' || model === null) return undefined;
  const { width, mlpRatio } = model as { width?: unknown; mlpRatio?: unknown };
  if (typeof width !== 'number' || !(width > 0)) return undefined;
  return { width, mlpRatio: typeof mlpRatio === 'number' && mlpRatio > 0 ? mlpRatio : 4 };
}

/**
 * Per-layer latency at the measured counts made non-decreasing by pool-adjacent-violators (the
 * least-squares closest such curve): on a curve without steps, a dip between two counts is noise,
 * and an optimiser would chase it. Counts not measured keep the model's interpolation.
 */
export function nonDecreasingLayerMs(model: LatencyModel): (tokens: number) => number {
  const pools: { sumMs: number; counts: number[] }[] = [];
  const level = (pool: { sumMs: number; counts: number[] }) => pool.sumMs / pool.counts.length;
  for (const tokens of model.tokens) {
    pools.push({ sumMs: model.layerMs(tokens), counts: [tokens] });
    while (pools.length > 1 && level(pools[pools.length - 2]) > level(pools[pools.length - 1])) {
      const last = pools.pop() as (typeof pools)[number];
      pools[pools.length - 1].sumMs += last.sumMs;
      pools[pools.length - 1].counts.push(...last.counts);
    }
  }
  const fitted = new Map(pools.flatMap((pool) => pool.counts.map((tokens) => [tokens, level(pool)] as const)));
  return (tokens) => fitted.get(tokens) ?? model.layerMs(tokens);
}
