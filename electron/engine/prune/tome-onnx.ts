/**
 * Token Merging (ToMe, Bolya et al., ICLR 2023) at one layer, after the attention residual, as its
 * released timm patch does it:
 * - bipartite soft matching: tokens alternate into set A (even indices, CLS among them but never
 *   merged) and set B (odd indices); each A token's best B partner by cosine similarity of the keys
 *   averaged over heads; the r A tokens with the most similar partners merge into them;
 * - size-weighted average merge, with each token's size (how many input tokens it stands for)
 *   carried to later layers, where proportional attention adds log(size) to the attention logits.
 * The output order is ToMe's: CLS, the unmerged A tokens in index order, then all B tokens in
 * index order. It matters because the next layer splits A and B by index again.
 */
import type { VitAttentionTensors } from '../models/vit-onnx.js';
import { attr } from '../models/onnx/graph.js';
import {
  axisLength,
  concatTokens,
  gatherTokens,
  scatterAddTokens,
  sliceAxis,
  toEnd,
  type PruneGraph,
} from './onnx-ops.js';

export interface MergedTokens {
  /** [batch, N', width] */
  readonly tokens: string;
  /** [batch, N', 1]: input tokens each token stands for */
  readonly sizes: string;
}

/** ToMe's proportional attention: log(size) of each key as a [batch, 1, 1, N] logit bias. */
export function addProportionalAttentionBias(ops: PruneGraph, sizes: string, prefix: string): string {
  const at = (name: string): string => `${prefix}tome/${name}`;
  ops.graph.node('Log', [sizes], [at('log_sizes')]);
  ops.graph.node('Reshape', [at('log_sizes'), ops.int64s([0, 1, 1, -1])], [at('attention_bias')]);
  return at('attention_bias');
}

interface Matching {
  /** A-token positions (in A without CLS) that merge, [batch, merges, 1] */
  readonly sources: string;
  /** their B-token positions, [batch, merges, 1] */
  readonly destinations: string;
  /** A-token positions that stay, ascending, [batch, A − merges, 1] */
  readonly unmerged: string;
}

function addBipartiteMatching(ops: PruneGraph, keys: string, r: number, at: (name: string) => string): Matching {
  const { graph } = ops;
  graph.node('ReduceMean', [keys], [at('metric')], { axes: attr.ints([1]), keepdims: attr.int(0) });
  graph.node('ReduceL2', [at('metric')], [at('metric_norm')], { axes: attr.ints([2]), keepdims: attr.int(1) });
  graph.node('Div', [at('metric'), at('metric_norm')], [at('metric_unit')]);
  // A starts at index 2: CLS (index 0) is protected by leaving it out of the matching altogether
  const aMetric = sliceAxis(ops, at('metric_unit'), at('a_metric'), 1, 2, toEnd, 2);
  const bMetric = sliceAxis(ops, at('metric_unit'), at('b_metric'), 1, 1, toEnd, 2);
  graph.node('Transpose', [bMetric], [at('b_metric_t')], { perm: attr.ints([0, 2, 1]) });
  graph.node('MatMul', [aMetric, at('b_metric_t')], [at('similarity')]);
  // Not TopK with K = 1: onnxruntime 1.30's CPU TopK dies of SIGFPE on zero rows, which is what a
  // layer left with two tokens (A empty) hands it. ArgMax picks the first of equal maxima, like torch.max.
  graph.node('ReduceMax', [at('similarity')], [at('best_similarity')], { axes: attr.ints([2]), keepdims: attr.int(1) });
  graph.node('ArgMax', [at('similarity')], [at('best_partner')], { axis: attr.int(2), keepdims: attr.int(1) });

  const aCount = axisLength(ops, aMetric, at('a_count'), 1);
  // ToMe merges at most all of A (half the patch tokens), however large r is
  graph.node('Min', [ops.int64s([r]), aCount], [at('merge_count')]);
  graph.node('TopK', [at('best_similarity'), aCount], [at('edge_similarity'), at('edge_order')], {
    axis: attr.int(1),
    largest: attr.int(1),
    sorted: attr.int(1),
  });
  const sources = sliceAxis(ops, at('edge_order'), at('sources'), 1, 0, { tensor: at('merge_count') });
  const unmergedByEdge = sliceAxis(ops, at('edge_order'), at('unmerged_by_edge'), 1, { tensor: at('merge_count') });
  const unmergedCount = axisLength(ops, unmergedByEdge, at('unmerged_count'), 1);
  graph.node('TopK', [unmergedByEdge, unmergedCount], [at('unmerged'), at('unmerged_order')], {
    axis: attr.int(1),
    largest: attr.int(0),
    sorted: attr.int(1),
  });
  graph.node('GatherElements', [at('best_partner'), sources], [at('destinations')], { axis: attr.int(1) });
  return { sources, destinations: at('destinations'), unmerged: at('unmerged') };
}

/** [batch, N, 1] of ones: before the first merge every token stands for itself. */
function unitSizes(ops: PruneGraph, tokens: string, at: (name: string) => string): string {
  ops.graph.node('Shape', [tokens], [at('batch_tokens')], { start: attr.int(0), end: attr.int(2) });
  ops.graph.node('Concat', [at('batch_tokens'), ops.int64s([1])], [at('sizes_shape')], { axis: attr.int(0) });
  ops.graph.node('ConstantOfShape', [at('sizes_shape')], [at('unit_sizes')], {
    value: attr.tensor({ dims: [1], data: { type: 'float32', values: Float32Array.of(1) } }),
  });
  return at('unit_sizes');
}

/**
 * Merges up to r token pairs of [batch, N, width]: N − min(r, ⌊(N − 1)/2⌋) tokens continue.
 * `sizes` is null until the first merge.
 */
export function addTomeMerge(
  ops: PruneGraph,
  block: VitAttentionTensors,
  sizes: string | null,
  r: number,
  width: number,
  prefix: string,
): MergedTokens {
  const at = (name: string): string => `${prefix}tome/${name}`;
  const { graph } = ops;
  const matching = addBipartiteMatching(ops, block.keys, r, at);

  // Carrying size·x and size as one [.., width + 1] tensor merges both with one gather/scatter.
  let weighted = block.residual;
  let sizesIn = sizes;
  if (sizesIn === null) {
    sizesIn = unitSizes(ops, block.residual, at);
  } else {
    graph.node('Mul', [block.residual, sizesIn], [at('weighted')]);
    weighted = at('weighted');
  }
  graph.node('Concat', [weighted, sizesIn], [at('carried')], { axis: attr.int(2) });
  const channels = width + 1;
  const cls = sliceAxis(ops, at('carried'), at('cls'), 1, 0, 1);
  const aTokens = sliceAxis(ops, at('carried'), at('a_tokens'), 1, 2, toEnd, 2);
  const bTokens = sliceAxis(ops, at('carried'), at('b_tokens'), 1, 1, toEnd, 2);
  const unmerged = gatherTokens(ops, aTokens, matching.unmerged, channels, at('unmerged_tokens'));
  const sources = gatherTokens(ops, aTokens, matching.sources, channels, at('source_tokens'));
  const merged = scatterAddTokens(ops, bTokens, matching.destinations, sources, channels, at('merged_tokens'));
  const out = concatTokens(ops, [cls, unmerged, merged], at('out_carried'));

  const weightedSum = sliceAxis(ops, out, at('out_weighted'), 2, 0, width);
  const sizesOut = sliceAxis(ops, out, at('sizes'), 2, width);
  graph.node('Div', [weightedSum, sizesOut], [at('out')]);
  return { tokens: at('out'), sizes: sizesOut };
}
