/**
 * POMT's token reduction at one layer ("Pruning One More Token is Enough", Eliopoulos et al.,
 * WACV 2025), after the attention residual: score patch tokens, keep the best, average the rest
 * into one fused token (EViT's inattentive-token fusion, unweighted as POMT does it).
 *
 * Score of patch token j = attention it receives + value term:
 * - attention: patch→patch probabilities (CLS row and column left out), max over heads, summed over
 *   the querying patch tokens, divided by the image's largest such sum;
 * - value: max over heads of v, summed over features, softmax over all tokens (CLS included).
 * The released code divides by the largest sum in the whole batch; we divide per image so that what
 * an image keeps does not depend on which images share its batch (identical at batch 1).
 */
import type { VitAttentionTensors } from '../models/vit-onnx.js';
import { attr } from '../models/onnx/graph.js';
import { concatTokens, gatherTokens, rankDescending, sliceAxis, toEnd, type PruneGraph } from './onnx-ops.js';

/** [batch, patch tokens] importance of each patch token. */
function addPomtScores(ops: PruneGraph, block: VitAttentionTensors, at: (name: string) => string): string {
  const { graph } = ops;
  const patchAttention = at('patch_attention');
  graph.node('Slice', [block.attention, ops.int64s([1, 1]), ops.int64s([toEnd, toEnd]), ops.int64s([2, 3])], [patchAttention]);
  graph.node('ReduceMax', [patchAttention], [at('attention_head_max')], { axes: attr.ints([1]), keepdims: attr.int(0) });
  // [batch, queries, keys]: summing the query axis gives what each key receives
  graph.node('ReduceSum', [at('attention_head_max'), ops.int64s([1])], [at('attention_received')], { keepdims: attr.int(0) });
  graph.node('ReduceMax', [at('attention_received')], [at('attention_received_max')], { axes: attr.ints([1]), keepdims: attr.int(1) });
  graph.node('Div', [at('attention_received'), at('attention_received_max')], [at('attention_score')]);

  graph.node('ReduceMax', [block.values], [at('value_head_max')], { axes: attr.ints([1]), keepdims: attr.int(0) });
  graph.node('ReduceSum', [at('value_head_max'), ops.int64s([2])], [at('value_sum')], { keepdims: attr.int(0) });
  graph.node('Softmax', [at('value_sum')], [at('value_softmax')], { axis: attr.int(1) });
  const valueScore = sliceAxis(ops, at('value_softmax'), at('value_score'), 1, 1);

  graph.node('Add', [at('attention_score'), valueScore], [at('score')]);
  return at('score');
}

/**
 * Reduces [batch, N, width] to [batch, N − remove, width]: CLS, the N − remove − 2 best patch tokens
 * (best first) and the mean of the other remove + 1. `remove` is the net reduction, so a schedule
 * keeping k tokens passes remove = N − k and exactly k continue.
 */
export function addPomtReduction(
  ops: PruneGraph,
  block: VitAttentionTensors,
  remove: number,
  width: number,
  prefix: string,
): string {
  const at = (name: string): string => `${prefix}pomt/${name}`;
  const ranked = rankDescending(ops, addPomtScores(ops, block, at), at('rank_'));
  const fusedCount = remove + 1;
  const keptIndices = sliceAxis(ops, ranked, at('kept_indices'), 1, 0, -fusedCount);
  const fusedIndices = sliceAxis(ops, ranked, at('fused_indices'), 1, -fusedCount);

  const patches = sliceAxis(ops, block.residual, at('patches'), 1, 1);
  const kept = gatherTokens(ops, patches, keptIndices, width, at('kept'));
  const fusedMembers = gatherTokens(ops, patches, fusedIndices, width, at('fused_members'));
  ops.graph.node('ReduceMean', [fusedMembers], [at('fused')], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const cls = sliceAxis(ops, block.residual, at('cls'), 1, 0, 1);
  return concatTokens(ops, [cls, kept, at('fused')], at('out'));
}
