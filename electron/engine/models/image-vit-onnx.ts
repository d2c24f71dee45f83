/**
 * Synthetic image-input ViT graphs: the token-input encoder of vit-onnx.ts behind a patch embedding,
 * CLS token and position embedding. ViTTM cannot be cut at a token input (it embeds the image twice),
 * so comparing the two end to end needs a ViT that starts from the image as well.
 */
import { UserError } from '../errors.js';
import type { VitArchitecture } from './architectures.js';
import { attr, createGraphBuilder } from './onnx/graph.js';
import {
  addVitBlock,
  addVitConstants,
  addVitHead,
  checkArchitecture,
  defaultWeightStd,
  materializeAll,
  vitWeightResolver,
  type WeightSpec,
} from './vit-onnx.js';

export interface ImageVitBuildOptions {
  readonly seed: number;
  /** standard deviation of matrix, bias and embedding weights; 0.02 as in ViT's initialisation */
  readonly weightStd?: number;
  /** blocks to stack, default `depth` */
  readonly blocks?: number;
}

export interface ImageVitOnnx {
  readonly bytes: Uint8Array;
  /** float32 [batch, 3, imageSize, imageSize] */
  readonly inputName: 'image';
  /** [batch, classes] from the CLS token */
  readonly outputName: 'logits';
  readonly imageSize: number;
  /** tokens the blocks run on: patches plus the CLS token */
  readonly tokens: number;
}

export interface ImageVitEmbeddingWeights {
  /** Conv weight [width, 3, patchSize, patchSize] */
  readonly patchWeight: Float32Array;
  readonly patchBias: Float32Array;
  /** [width] */
  readonly clsToken: Float32Array;
  /** [tokens, width], the CLS token's row first */
  readonly positionEmbedding: Float32Array;
}

function embeddingWeightSpecs(arch: VitArchitecture): Record<keyof ImageVitEmbeddingWeights, WeightSpec> {
  const { width, patchSize } = arch;
  return {
    patchWeight: { name: 'patch_embed.proj.weight', dims: [width, 3, patchSize, patchSize], init: 'normal' },
    patchBias: { name: 'patch_embed.proj.bias', dims: [width], init: 'normal' },
    clsToken: { name: 'cls_token', dims: [1, 1, width], init: 'normal' },
    positionEmbedding: { name: 'pos_embed', dims: [1, arch.tokens, width], init: 'normal' },
  };
}

function checkImageLayout(arch: VitArchitecture): void {
  const { imageSize, patchSize } = arch;
  if (!Number.isInteger(patchSize) || patchSize < 1 || !Number.isInteger(imageSize) || imageSize % patchSize !== 0) {
    throw new UserError(
      'bad-patch-size',
      `${arch.id}: patch size ${patchSize} does not divide the ${imageSize}-pixel image`,
      'pick a patch size that divides the image size (14, 16 and 32 divide 224)',
    );
  }
  const patches = (imageSize / patchSize) ** 2;
  if (arch.tokens !== patches + 1) {
    throw new RangeError(`${arch.id}: ${arch.tokens} tokens, but a ${imageSize}-pixel image gives ${patches} patches plus CLS`);
  }
}

/**
 * The embedding weights `buildImageVitOnnx` puts in the graph for this seed; its blocks and head are
 * `vitBlockWeights` and `vitHeadWeights`.
 */
export function imageVitEmbeddingWeights(
  arch: VitArchitecture,
  options: { readonly seed: number; readonly weightStd?: number },
): ImageVitEmbeddingWeights {
  const specs = embeddingWeightSpecs(arch);
  const weightStd = options.weightStd ?? defaultWeightStd;
  return materializeAll(specs, options.seed, weightStd) as Record<keyof ImageVitEmbeddingWeights, Float32Array>;
}

/**
 * Builds an image-input ViT as ONNX bytes: input `image` [batch, 3, imageSize, imageSize], output
 * `logits` [batch, classes]. Its blocks and head draw the same weights as `buildVitOnnx`'s encoder
 * for the same seed, so the two agree when the encoder is fed this graph's embeddings.
 */
export function buildImageVitOnnx(arch: VitArchitecture, options: ImageVitBuildOptions): ImageVitOnnx {
  checkArchitecture(arch);
  checkImageLayout(arch);
  const blocks = options.blocks ?? arch.depth;
  if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError(`blocks must be a positive integer, got ${blocks}`);
  const graph = createGraphBuilder(`${arch.id}-image`);
  const weight = vitWeightResolver(graph, options);
  const specs = embeddingWeightSpecs(arch);
  const { width, patchSize, imageSize } = arch;

  const inputName = 'image';
  graph.input(inputName, 'float32', ['batch', 3, imageSize, imageSize]);
  addVitConstants(graph, arch);
  graph.node('Conv', [inputName, weight(specs.patchWeight), weight(specs.patchBias)], ['patch_embed/grid'], {
    kernel_shape: attr.ints([patchSize, patchSize]),
    strides: attr.ints([patchSize, patchSize]),
  });
  graph.initializerInt64('patch_embed/flat_shape', [3], [0, width, -1]);
  graph.node('Reshape', ['patch_embed/grid', 'patch_embed/flat_shape'], ['patch_embed/flat']);
  graph.node('Transpose', ['patch_embed/flat'], ['patch_embed/patches'], { perm: attr.ints([0, 2, 1]) });
  // The CLS token is one learned vector; Expand repeats it over the batch, whose size is only known at run time.
  graph.node('Shape', [inputName], ['batch_size'], { start: attr.int(0), end: attr.int(1) });
  graph.initializerInt64('cls_token/row_shape', [2], [1, width]);
  graph.node('Concat', ['batch_size', 'cls_token/row_shape'], ['cls_token/shape'], { axis: attr.int(0) });
  graph.node('Expand', [weight(specs.clsToken), 'cls_token/shape'], ['cls_token/batch']);
  graph.node('Concat', ['cls_token/batch', 'patch_embed/patches'], ['embedded_tokens'], { axis: attr.int(1) });
  graph.node('Add', ['embedded_tokens', weight(specs.positionEmbedding)], ['tokens']);

  let hidden = 'tokens';
  for (let index = 0; index < blocks; index++) {
    const output = `blocks.${index}/out`;
    addVitBlock(graph, arch, index, hidden, output, weight);
    hidden = output;
  }
  addVitHead(graph, arch, hidden, weight);
  return { bytes: graph.toBytes(), inputName, outputName: 'logits', imageSize, tokens: arch.tokens };
}
