/**
 * A plain, slow reference of ViTTM and of a ViT's patch embedding, written from the equations, to
 * check the ONNX graphs against. Float64 throughout. The linear attention is written in its
 * quadratic form, Σₙ (qₘ·kₙ) vₙ / Σₙ qₘ·kₙ, so it does not share the graph's order of operations.
 */
import type { VitArchitecture } from '../../../../electron/engine/models/architectures.js';
import type { LinearAttentionShape } from '../../../../electron/engine/models/vittm/macs.js';
import type { VittmArchitecture } from '../../../../electron/engine/models/vittm/architectures.js';
import type { LinearAttentionWeights, VittmEmbeddingWeights, VittmWeights } from '../../../../electron/engine/models/vittm/vittm-onnx.js';
import { layerNorm, linear, referenceBlock, type Matrix } from '../reference-vit.js';

export { layerNorm, linear, type Matrix };

function added(a: Matrix, b: Matrix): Matrix {
  return a.map((row, i) => row.map((value, j) => value + b[i][j]));
}

const eluPlusOne = (x: number): number => (x > 0 ? x + 1 : Math.exp(x));

export function referenceLinearAttention(
  input: Matrix,
  query: Matrix,
  shape: LinearAttentionShape,
  w: LinearAttentionWeights,
  epsilon: number,
): Matrix {
  const q = linear(query, w.qWeight, w.qBias).map((row) => row.map(eluPlusOne));
  const k = linear(input, w.kWeight, w.kBias).map((row) => row.map(eluPlusOne));
  const v = linear(input, w.vWeight, w.vBias);
  const latentPerHead = shape.latentWidth / shape.heads;
  const valuePerHead = shape.width / shape.heads;
  return q.map((queryRow) => {
    const out = new Array<number>(shape.width).fill(0);
    for (let head = 0; head < shape.heads; head++) {
      const similarity = k.map((keyRow) => {
        let sum = 0;
        for (let i = head * latentPerHead; i < (head + 1) * latentPerHead; i++) sum += queryRow[i] * keyRow[i];
        return sum;
      });
      const total = similarity.reduce((sum, value) => sum + value, 0) + epsilon;
      for (let e = head * valuePerHead; e < (head + 1) * valuePerHead; e++) {
        out[e] = similarity.reduce((sum, weight, n) => sum + weight * v[n][e], 0) / total;
      }
    }
    return out;
  });
}

/** One image [3, size, size] → row-major patch tokens [patches, width]: a Conv with kernel = stride = patch. */
export function referencePatchEmbedding(
  image: Float32Array,
  imageSize: number,
  patchSize: number,
  weight: Float32Array,
  bias: Float32Array,
): Matrix {
  const width = bias.length;
  const side = imageSize / patchSize;
  const tokens: Matrix = [];
  for (let row = 0; row < side; row++) {
    for (let column = 0; column < side; column++) {
      tokens.push(
        Array.from({ length: width }, (_, out) => {
          let sum = bias[out];
          for (let channel = 0; channel < 3; channel++) {
            for (let y = 0; y < patchSize; y++) {
              for (let x = 0; x < patchSize; x++) {
                const pixel = image[(channel * imageSize + row * patchSize + y) * imageSize + column * patchSize + x];
                sum += pixel * weight[((out * 3 + channel) * patchSize + y) * patchSize + x];
              }
            }
          }
          return sum;
        }),
      );
    }
  }
  return tokens;
}

/** Adaptive average pooling along the token sequence, as torch's AdaptiveAvgPool1d bins it. */
export function referencePool(tokens: Matrix, count: number): Matrix {
  const n = tokens.length;
  return Array.from({ length: count }, (_, i) => {
    const start = Math.floor((i * n) / count);
    const end = Math.ceil(((i + 1) * n) / count);
    const run = tokens.slice(start, end);
    return run[0].map((_, j) => run.reduce((sum, token) => sum + token[j], 0) / run.length);
  });
}

function embed(
  image: Float32Array,
  arch: VittmArchitecture,
  patchSize: number,
  tokens: number,
  w: VittmEmbeddingWeights,
): Matrix {
  const patches = referencePatchEmbedding(image, arch.imageSize, patchSize, w.patchWeight, w.patchBias);
  const pooled = patches.length === tokens ? patches : referencePool(patches, tokens);
  return pooled.map((row, n) => row.map((value, j) => value + w.positionEmbedding[n * arch.width + j]));
}

function mean(tokens: Matrix): number[] {
  return tokens[0].map((_, j) => tokens.reduce((sum, token) => sum + token[j], 0) / tokens.length);
}

/** One image [3, size, size] through a ViTTM: both heads' logits. */
export function referenceVittm(
  image: Float32Array,
  arch: VittmArchitecture,
  weights: VittmWeights,
  epsilons: { readonly layerNorm: number; readonly linearAttention: number },
): { memoryLogits: number[]; processLogits: number[] } {
  const backbone: VitArchitecture = {
    id: arch.id,
    family: 'vit',
    depth: arch.depth,
    width: arch.width,
    heads: arch.heads,
    mlpRatio: arch.mlpRatio,
    patchSize: arch.processPatchSize,
    imageSize: arch.imageSize,
    tokens: arch.processTokens,
    classes: arch.classes,
    layerScale: false,
  };
  let memory = embed(image, arch, arch.memoryPatchSize, arch.memoryTokens, weights.memoryEmbedding);
  let process = embed(image, arch, arch.processPatchSize, arch.processTokens, weights.processEmbedding);
  for (const layer of weights.layers) {
    memory = layerNorm(memory, layer.readNormWeight, layer.readNormBias, epsilons.layerNorm);
    process = layerNorm(process, layer.readNormWeight, layer.readNormBias, epsilons.layerNorm);
    process = added(process, referenceLinearAttention(memory, process, arch, layer.readHead, epsilons.linearAttention));
    process = referenceBlock(process, backbone, layer.block, epsilons.layerNorm);
    memory = layerNorm(memory, layer.writeNormWeight, layer.writeNormBias, epsilons.layerNorm);
    process = layerNorm(process, layer.writeNormWeight, layer.writeNormBias, epsilons.layerNorm);
    memory = added(memory, referenceLinearAttention(process, memory, arch, layer.writeHead, epsilons.linearAttention));
  }
  const out = weights.output;
  process = layerNorm(process, out.processNormWeight, out.processNormBias, epsilons.layerNorm);
  const classify = (tokens: Matrix, normWeight: Float32Array, normBias: Float32Array, headWeight: Float32Array, headBias: Float32Array) =>
    linear(layerNorm([mean(tokens)], normWeight, normBias, epsilons.layerNorm), headWeight, headBias)[0];
  return {
    memoryLogits: classify(memory, out.memoryFcNormWeight, out.memoryFcNormBias, out.memoryHeadWeight, out.memoryHeadBias),
    processLogits: classify(process, out.processFcNormWeight, out.processFcNormBias, out.processHeadWeight, out.processHeadBias),
  };
}
