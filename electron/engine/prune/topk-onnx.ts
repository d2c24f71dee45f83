/**
 * The Top-K baseline as POMT's authors ran it: in every layer, after the attention residual, drop
 * the r patch tokens the CLS token attends to least (attention averaged over heads). No fused token.
 */
import type { VitAttentionTensors } from '../models/vit-onnx.js';
import { attr } from '../models/onnx/graph.js';
import { concatTokens, gatherTokens, rankDescending, sliceAxis, toEnd, type PruneGraph } from './onnx-ops.js';

/** Reduces [batch, N, width] to [batch, N − r, width]: CLS, then the kept patch tokens, most attended first. */
export function addTopkReduction(ops: PruneGraph, block: VitAttentionTensors, r: number, width: number, prefix: string): string {
  const at = (name: string): string => `${prefix}topk/${name}`;
  const { graph } = ops;
  // the CLS query's row, patch keys only: [batch, heads, 1, N − 1]
  graph.node('Slice', [block.attention, ops.int64s([0, 1]), ops.int64s([1, toEnd]), ops.int64s([2, 3])], [at('cls_attention')]);
  graph.node('ReduceMean', [at('cls_attention')], [at('score')], { axes: attr.ints([1, 2]), keepdims: attr.int(0) });
  const ranked = rankDescending(ops, at('score'), at('rank_'));
  const keptIndices = sliceAxis(ops, ranked, at('kept_indices'), 1, 0, -r);

  const patches = sliceAxis(ops, block.residual, at('patches'), 1, 1);
  const kept = gatherTokens(ops, patches, keptIndices, width, at('kept'));
  const cls = sliceAxis(ops, block.residual, at('cls'), 1, 0, 1);
  return concatTokens(ops, [cls, kept], at('out'));
}
