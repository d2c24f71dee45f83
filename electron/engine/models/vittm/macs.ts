/**
 * Closed-form multiply-accumulates of ViTTM and of the image-input ViT it is compared with, counted
 * the way architectures.ts counts: matrix products only (norms, Elu, softmax, adds and reductions are
 * a few operations per activation). Unlike the token-input encoder count, these include the patch
 * embeddings: ViTTM embeds the image twice, and that is part of the trade it makes.
 *
 * ViTTM-B comes to 7.11 G (16/32) and 7.14 G (28/28) against 17.56 G for ViT-B/16, as in the digest.
 */
import { countMacs, type VitArchitecture } from '../architectures.js';
import type { VittmArchitecture } from './architectures.js';

export interface VittmMacs {
  /** both Conv patch embeddings: 3·width·imageSize² each, whatever the patch size */
  readonly patchEmbeddings: number;
  /** averaging a patch grid down to a requested token count: one accumulate per grid value (0 when no stream is pooled) */
  readonly tokenPooling: number;
  /** linear-attention read and write heads: linear in memoryTokens + processTokens */
  readonly readWriteHeads: number;
  /** qkv, attention output and MLP of the ViT blocks: linear in processTokens */
  readonly blockProjections: number;
  /** QKᵀ and attention·V of the ViT blocks: the only term quadratic in processTokens */
  readonly blockAttention: number;
  /** the memory and process classifiers */
  readonly classifiers: number;
  readonly total: number;
}

export interface ImageVitMacs {
  readonly patchEmbedding: number;
  /** blocks and head, as `countMacs` counts the token-input encoder */
  readonly encoder: number;
  readonly total: number;
}

export interface LinearAttentionShape {
  readonly width: number;
  readonly heads: number;
  readonly latentWidth: number;
}

export function patchEmbeddingMacs(width: number, imageSize: number, patchSize: number): number {
  const side = imageSize / patchSize;
  return side * side * 3 * patchSize * patchSize * width;
}

export function tokenPoolingMacs(width: number, gridTokens: number, tokens: number): number {
  return tokens === gridTokens ? 0 : gridTokens * width;
}

/**
 * One linear-attention head: k and v projections and the KᵀV products cost per input token; the q
 * projection, Q·KV and the normaliser Q·ΣK cost per query token. No token meets another token, so
 * the cost is linear in both counts.
 */
export function linearAttentionMacs(shape: LinearAttentionShape, inputTokens: number, queryTokens: number): number {
  const { width, heads, latentWidth } = shape;
  const keyValueProducts = (latentWidth * width) / heads;
  const perInputToken = width * latentWidth + width * width + keyValueProducts;
  const perQueryToken = width * latentWidth + keyValueProducts + latentWidth;
  return inputTokens * perInputToken + queryTokens * perQueryToken;
}

export function vittmMacs(arch: VittmArchitecture, batch = 1): VittmMacs {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`vittmMacs needs a positive integer batch, got ${batch}`);
  const { width, depth, imageSize } = arch;
  const { memoryTokens, processTokens } = arch;
  const gridTokens = (patchSize: number): number => (imageSize / patchSize) ** 2;
  const patchEmbeddings =
    patchEmbeddingMacs(width, imageSize, arch.memoryPatchSize) + patchEmbeddingMacs(width, imageSize, arch.processPatchSize);
  const tokenPooling =
    tokenPoolingMacs(width, gridTokens(arch.memoryPatchSize), memoryTokens) +
    tokenPoolingMacs(width, gridTokens(arch.processPatchSize), processTokens);
  const readWriteHeads =
    depth * (linearAttentionMacs(arch, memoryTokens, processTokens) + linearAttentionMacs(arch, processTokens, memoryTokens));
  const blockProjections = depth * processTokens * (4 * width * width + 2 * arch.mlpRatio * width * width);
  const blockAttention = depth * 2 * processTokens * processTokens * width;
  const classifiers = 2 * width * arch.classes;
  const terms = { patchEmbeddings, tokenPooling, readWriteHeads, blockProjections, blockAttention, classifiers };
  const perImage = Object.values(terms).reduce((sum, value) => sum + value, 0);
  return {
    patchEmbeddings: batch * patchEmbeddings,
    tokenPooling: batch * tokenPooling,
    readWriteHeads: batch * readWriteHeads,
    blockProjections: batch * blockProjections,
    blockAttention: batch * blockAttention,
    classifiers: batch * classifiers,
    total: batch * perImage,
  };
}

/** The image-input ViT of image-vit-onnx.ts: patch embedding, then the encoder at its full token count. */
export function imageVitMacs(arch: VitArchitecture, batch = 1): ImageVitMacs {
  const patchEmbedding = batch * patchEmbeddingMacs(arch.width, arch.imageSize, arch.patchSize);
  const encoder = countMacs(arch, { part: 'encoder', tokens: arch.tokens, batch });
  return { patchEmbedding, encoder, total: patchEmbedding + encoder };
}
