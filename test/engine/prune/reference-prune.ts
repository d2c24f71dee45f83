/**
 * A plain, slow reference of token reduction inside a pre-norm ViT, written from the methods'
 * descriptions (research/pomt-token-pruning.md, the ToMe paper) to check the ONNX graphs against.
 * Float64 throughout; one image at a time; tokens are rows of a number[][].
 */
import type { VitArchitecture } from '../../../electron/engine/models/architectures.js';
import type { VitBlockWeights, VitHeadWeights } from '../../../electron/engine/models/vit-onnx.js';
import { gelu, layerNorm, linear, referenceHead, type Matrix } from '../models/reference-vit.js';

export type { Matrix };

function softmax(values: readonly number[]): number[] {
  const top = Math.max(...values);
  const weights = values.map((value) => Math.exp(value - top));
  const total = weights.reduce((sum, value) => sum + value, 0);
  return weights.map((value) => value / total);
}

function scaled(rows: Matrix, gamma: Float32Array | null): Matrix {
  return gamma === null ? rows : rows.map((row) => row.map((value, i) => value * gamma[i]));
}

function added(a: Matrix, b: Matrix): Matrix {
  return a.map((row, i) => row.map((value, j) => value + b[i][j]));
}

/** What the attention half of a block leaves for a reduction to read. */
export interface AttentionParts {
  /** tokens after the attention residual */
  readonly residual: Matrix;
  /** [head][query][key] */
  readonly probabilities: number[][][];
  /** [head][token][feature] */
  readonly keys: number[][][];
  readonly values: number[][][];
}

/** Attention half of a block; `keyLogitBias[j]` is added to every logit of key j (ToMe's log size). */
export function referenceAttention(
  tokens: Matrix,
  arch: VitArchitecture,
  w: VitBlockWeights,
  epsilon: number,
  keyLogitBias?: readonly number[],
): AttentionParts {
  const width = arch.width;
  const headWidth = width / arch.heads;
  const qkv = linear(layerNorm(tokens, w.norm1Weight, w.norm1Bias, epsilon), w.qkvWeight, w.qkvBias);
  const part = (slot: number, head: number): Matrix =>
    qkv.map((row) => row.slice(slot * width + head * headWidth, slot * width + (head + 1) * headWidth));
  const heads = Array.from({ length: arch.heads }, (_, head) => head);
  const queries = heads.map((head) => part(0, head));
  const keys = heads.map((head) => part(1, head));
  const values = heads.map((head) => part(2, head));
  const probabilities = heads.map((head) =>
    queries[head].map((query) =>
      softmax(
        keys[head].map(
          (key, j) => key.reduce((sum, value, d) => sum + value * query[d], 0) / Math.sqrt(headWidth) + (keyLogitBias?.[j] ?? 0),
        ),
      ),
    ),
  );
  const context = tokens.map((_, i) =>
    heads.flatMap((head) =>
      Array.from({ length: headWidth }, (_, d) =>
        probabilities[head][i].reduce((sum, p, j) => sum + p * values[head][j][d], 0),
      ),
    ),
  );
  const projected = linear(context, w.projWeight, w.projBias);
  return { residual: added(tokens, scaled(projected, w.ls1Gamma)), probabilities, keys, values };
}

/** MLP half of a block, residual included. */
export function referenceMlp(tokens: Matrix, w: VitBlockWeights, epsilon: number): Matrix {
  const hidden = linear(layerNorm(tokens, w.norm2Weight, w.norm2Bias, epsilon), w.fc1Weight, w.fc1Bias);
  const mlp = linear(hidden.map((row) => row.map(gelu)), w.fc2Weight, w.fc2Bias);
  return added(tokens, scaled(mlp, w.ls2Gamma));
}

/** Indices sorted by score, highest first; equal scores keep index order. */
function rankDescending(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
}

const mean = (rows: Matrix): number[] => rows[0].map((_, d) => rows.reduce((sum, row) => sum + row[d], 0) / rows.length);

/** POMT's importance of each patch token (index 0 = token 1). */
export function pomtScores(parts: AttentionParts): number[] {
  const n = parts.residual.length;
  const patches = Array.from({ length: n - 1 }, (_, i) => i + 1);
  const received = patches.map((key) =>
    patches.reduce((sum, query) => sum + Math.max(...parts.probabilities.map((head) => head[query][key])), 0),
  );
  const largest = Math.max(...received);
  const valueSums = parts.residual.map((_, token) =>
    parts.values[0][token].reduce((sum, _, d) => sum + Math.max(...parts.values.map((head) => head[token][d])), 0),
  );
  const valueTerm = softmax(valueSums).slice(1);
  return received.map((value, i) => value / largest + valueTerm[i]);
}

/** CLS, the N − remove − 2 best patch tokens (best first), the mean of the rest. */
export function pomtReduce(parts: AttentionParts, remove: number): Matrix {
  const ranked = rankDescending(pomtScores(parts));
  const patches = parts.residual.slice(1);
  const keep = ranked.length - (remove + 1);
  const fused = mean(ranked.slice(keep).map((i) => patches[i]));
  return [parts.residual[0], ...ranked.slice(0, keep).map((i) => patches[i]), fused];
}

/** CLS attention averaged over heads, per patch token. */
export function topkScores(parts: AttentionParts): number[] {
  const n = parts.residual.length;
  return Array.from(
    { length: n - 1 },
    (_, i) => parts.probabilities.reduce((sum, head) => sum + head[0][i + 1], 0) / parts.probabilities.length,
  );
}

export function topkReduce(parts: AttentionParts, r: number): Matrix {
  const ranked = rankDescending(topkScores(parts));
  const patches = parts.residual.slice(1);
  return [parts.residual[0], ...ranked.slice(0, ranked.length - r).map((i) => patches[i])];
}

function unit(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return vector.map((value) => value / norm);
}

export interface Merged {
  readonly tokens: Matrix;
  readonly sizes: number[];
}

/** ToMe's bipartite soft matching and size-weighted merge of up to r pairs. */
export function tomeMerge(parts: AttentionParts, sizes: readonly number[], r: number): Merged {
  const tokens = parts.residual;
  const heads = parts.keys.length;
  const metric = tokens.map((_, t) => unit(parts.keys[0][t].map((_, d) => parts.keys.reduce((sum, head) => sum + head[t][d], 0) / heads)));
  const aTokens = tokens.map((_, t) => t).filter((t) => t % 2 === 0 && t > 0);
  const bTokens = tokens.map((_, t) => t).filter((t) => t % 2 === 1);
  const best = aTokens.map((a) => {
    const similarity = bTokens.map((b) => metric[a].reduce((sum, value, d) => sum + value * metric[b][d], 0));
    const top = Math.max(...similarity);
    return { similarity: top, partner: bTokens[similarity.indexOf(top)] };
  });
  const edges = rankDescending(best.map((edge) => edge.similarity));
  const merges = Math.min(r, aTokens.length);
  const sums = new Map(bTokens.map((b) => [b, tokens[b].map((value) => value * sizes[b])]));
  const bSizes = new Map(bTokens.map((b) => [b, sizes[b]]));
  for (const edge of edges.slice(0, merges)) {
    const source = aTokens[edge];
    const partner = best[edge].partner;
    sums.set(partner, sums.get(partner)!.map((value, d) => value + tokens[source][d] * sizes[source]));
    bSizes.set(partner, bSizes.get(partner)! + sizes[source]);
  }
  const unmerged = edges.slice(merges).map((edge) => aTokens[edge]).sort((a, b) => a - b);
  return {
    tokens: [tokens[0], ...unmerged.map((a) => tokens[a]), ...bTokens.map((b) => sums.get(b)!.map((value) => value / bSizes.get(b)!))],
    sizes: [sizes[0], ...unmerged.map((a) => sizes[a]), ...bTokens.map((b) => bSizes.get(b)!)],
  };
}

export type ReferenceReduction =
  | { readonly method: 'pomt'; readonly removals: readonly number[] }
  | { readonly method: 'topk' | 'tome'; readonly perLayer: number };

export interface ReferenceRun {
  /** each block's output tokens */
  readonly layers: Matrix[];
  /** ToMe: each block's token sizes */
  readonly sizes: number[][];
  readonly logits: number[];
}

/** One image through the encoder with the reduction applied after each block's attention residual. */
export function referencePrunedEncoder(
  image: Matrix,
  arch: VitArchitecture,
  blocks: readonly VitBlockWeights[],
  head: VitHeadWeights,
  reduction: ReferenceReduction,
  epsilon: number,
): ReferenceRun {
  const layers: Matrix[] = [];
  const sizeHistory: number[][] = [];
  let tokens = image;
  let sizes: number[] | null = null;
  blocks.forEach((weights, layer) => {
    const bias = sizes === null ? undefined : sizes.map(Math.log);
    const parts = referenceAttention(tokens, arch, weights, epsilon, bias);
    let reduced = parts.residual;
    if (reduction.method === 'pomt' && reduction.removals[layer] > 0) reduced = pomtReduce(parts, reduction.removals[layer]);
    if (reduction.method === 'topk' && reduction.perLayer > 0) reduced = topkReduce(parts, reduction.perLayer);
    if (reduction.method === 'tome' && reduction.perLayer > 0) {
      const merged = tomeMerge(parts, sizes ?? tokens.map(() => 1), reduction.perLayer);
      reduced = merged.tokens;
      sizes = merged.sizes;
    }
    tokens = referenceMlp(reduced, weights, epsilon);
    layers.push(tokens);
    if (sizes !== null) sizeHistory.push(sizes);
  });
  return { layers, sizes: sizeHistory, logits: referenceHead(tokens, head, epsilon) };
}
