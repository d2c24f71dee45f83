/**
 * Synthetic image-input ViTTM graphs with seeded weights, laid out as the official code
 * (github.com/pjjajal/EfficientTTMs, models/vittm) runs them with its published defaults: linear-
 * attention read/write heads, Add fusion, no memory blocks. Weight names follow its checkpoint keys,
 * and the ViT blocks are vit-onnx.ts's, so `blocks.i.*` draw the same values as in a ViT of that size.
 */
import type { VitArchitecture } from '../architectures.js';
import { attr, createGraphBuilder, type GraphBuilder } from '../onnx/graph.js';
import {
  addVitBlock,
  addVitConstants,
  checkArchitecture,
  layerNormEpsilon,
  materializeAll,
  defaultWeightStd,
  vitBlockWeights,
  vitWeightResolver,
  type VitBlockWeights,
  type WeightResolver,
  type WeightSpec,
} from '../vit-onnx.js';
import { patchGridTokens, resolveStreamLayout, tokenPoolingBins, type VittmArchitecture } from './architectures.js';
import type { LinearAttentionShape } from './macs.js';

export interface VittmBuildOptions {
  readonly seed: number;
  /** standard deviation of matrix, bias and embedding weights; 0.02 as in ViT's initialisation */
  readonly weightStd?: number;
  /** layers to stack, default `depth` */
  readonly layers?: number;
  /** replaces named tensors (e.g. 'read_norm.0.weight') with given values, for tests that must tell norms apart */
  readonly overrides?: ReadonlyMap<string, Float32Array>;
}

export const vittmOutputNames = ['memory_logits', 'process_logits'] as const;

export interface VittmOnnx {
  readonly bytes: Uint8Array;
  /** float32 [batch, 3, imageSize, imageSize] */
  readonly inputName: 'image';
  /** each [batch, classes] */
  readonly outputNames: typeof vittmOutputNames;
  readonly imageSize: number;
}

export interface LinearAttentionOnnx {
  readonly bytes: Uint8Array;
  /** `input` [batch, inputTokens, width] is read from; `query` [batch, queryTokens, width] asks */
  readonly inputNames: readonly ['input', 'query'];
  /** [batch, queryTokens, width] */
  readonly outputName: 'out';
}

/** Matrices are [in, out] as MatMul uses them; q and k are width→latentWidth, v is width→width. */
export interface LinearAttentionWeights {
  readonly qWeight: Float32Array;
  readonly qBias: Float32Array;
  readonly kWeight: Float32Array;
  readonly kBias: Float32Array;
  readonly vWeight: Float32Array;
  readonly vBias: Float32Array;
}

export interface VittmEmbeddingWeights {
  /** Conv weight [width, 3, patchSize, patchSize] */
  readonly patchWeight: Float32Array;
  readonly patchBias: Float32Array;
  /** [tokens, width] */
  readonly positionEmbedding: Float32Array;
}

export interface VittmLayerWeights {
  /** one read norm and one write norm per layer, each applied to both streams */
  readonly readNormWeight: Float32Array;
  readonly readNormBias: Float32Array;
  readonly writeNormWeight: Float32Array;
  readonly writeNormBias: Float32Array;
  readonly readHead: LinearAttentionWeights;
  readonly writeHead: LinearAttentionWeights;
  readonly block: VitBlockWeights;
}

export interface VittmOutputWeights {
  readonly processNormWeight: Float32Array;
  readonly processNormBias: Float32Array;
  readonly memoryFcNormWeight: Float32Array;
  readonly memoryFcNormBias: Float32Array;
  /** [width, classes] */
  readonly memoryHeadWeight: Float32Array;
  readonly memoryHeadBias: Float32Array;
  readonly processFcNormWeight: Float32Array;
  readonly processFcNormBias: Float32Array;
  readonly processHeadWeight: Float32Array;
  readonly processHeadBias: Float32Array;
}

export interface VittmWeights {
  readonly memoryEmbedding: VittmEmbeddingWeights;
  readonly processEmbedding: VittmEmbeddingWeights;
  readonly layers: readonly VittmLayerWeights[];
  readonly output: VittmOutputWeights;
}

/** fast-transformers' (and so ViTTM's) guard on the linear-attention normaliser */
export const linearAttentionEpsilon = 1e-6;

type Stream = 'memory' | 'process';

const normal = (name: string, dims: number[]): WeightSpec => ({ name, dims, init: 'normal' });
const normSpecs = (name: string, width: number): { weight: WeightSpec; bias: WeightSpec } => ({
  weight: { name: `${name}.weight`, dims: [width], init: 'ones' },
  bias: { name: `${name}.bias`, dims: [width], init: 'zeros' },
});

function linearAttentionWeightSpecs(shape: LinearAttentionShape, name: string): Record<keyof LinearAttentionWeights, WeightSpec> {
  const { width, latentWidth } = shape;
  return {
    qWeight: normal(`${name}.q.weight`, [width, latentWidth]),
    qBias: normal(`${name}.q.bias`, [latentWidth]),
    kWeight: normal(`${name}.k.weight`, [width, latentWidth]),
    kBias: normal(`${name}.k.bias`, [latentWidth]),
    vWeight: normal(`${name}.v.weight`, [width, width]),
    vBias: normal(`${name}.v.bias`, [width]),
  };
}

function patchSizeOf(arch: VittmArchitecture, stream: Stream): number {
  return stream === 'memory' ? arch.memoryPatchSize : arch.processPatchSize;
}

function tokensOf(arch: VittmArchitecture, stream: Stream): number {
  return stream === 'memory' ? arch.memoryTokens : arch.processTokens;
}

function embeddingWeightSpecs(arch: VittmArchitecture, stream: Stream): Record<keyof VittmEmbeddingWeights, WeightSpec> {
  const patchSize = patchSizeOf(arch, stream);
  return {
    patchWeight: normal(`${stream}_embedder.proj.weight`, [arch.width, 3, patchSize, patchSize]),
    patchBias: normal(`${stream}_embedder.proj.bias`, [arch.width]),
    positionEmbedding: normal(`${stream}_pos_embed`, [1, tokensOf(arch, stream), arch.width]),
  };
}

function layerNormSpecs(arch: VittmArchitecture, index: number) {
  return { read: normSpecs(`read_norm.${index}`, arch.width), write: normSpecs(`write_norm.${index}`, arch.width) };
}

function outputWeightSpecs(arch: VittmArchitecture): Record<keyof VittmOutputWeights, WeightSpec> {
  const processNorm = normSpecs('process_norm', arch.width);
  const memoryFcNorm = normSpecs('fc_norm', arch.width);
  const processFcNorm = normSpecs('fc_norm_process', arch.width);
  // The official classifiers start at zero; random ones keep the two outputs distinguishable.
  return {
    processNormWeight: processNorm.weight,
    processNormBias: processNorm.bias,
    memoryFcNormWeight: memoryFcNorm.weight,
    memoryFcNormBias: memoryFcNorm.bias,
    memoryHeadWeight: normal('head.weight', [arch.width, arch.classes]),
    memoryHeadBias: normal('head.bias', [arch.classes]),
    processFcNormWeight: processFcNorm.weight,
    processFcNormBias: processFcNorm.bias,
    processHeadWeight: normal('process_head.weight', [arch.width, arch.classes]),
    processHeadBias: normal('process_head.bias', [arch.classes]),
  };
}

/** The ViT that runs on the process tokens, in the form vit-onnx.ts builds blocks for. */
function processBackbone(arch: VittmArchitecture): VitArchitecture {
  return {
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
}

function checkLinearAttentionShape(shape: LinearAttentionShape): void {
  const { width, heads, latentWidth } = shape;
  if (![width, heads, latentWidth].every((value) => Number.isInteger(value) && value > 0)) {
    throw new RangeError(`linear attention needs positive integer width, heads and latentWidth, got ${width}, ${heads}, ${latentWidth}`);
  }
  if (width % heads !== 0 || latentWidth % heads !== 0) {
    throw new RangeError(`linear attention: width ${width} and latentWidth ${latentWidth} must both divide into ${heads} heads`);
  }
}

function checkVittm(arch: VittmArchitecture): void {
  checkArchitecture(processBackbone(arch));
  checkLinearAttentionShape(arch);
  for (const stream of ['memory', 'process'] as const) {
    const patchSize = patchSizeOf(arch, stream);
    resolveStreamLayout(stream, arch.imageSize, { patchSize, tokens: tokensOf(arch, stream), defaultPatchSize: patchSize });
  }
}

/** The weights `buildVittmOnnx` puts in the graph for this seed: for reference implementations. */
export function vittmWeights(
  arch: VittmArchitecture,
  options: { readonly seed: number; readonly weightStd?: number; readonly layers?: number },
): VittmWeights {
  const weightStd = options.weightStd ?? defaultWeightStd;
  const values = <K extends string>(specs: Record<K, WeightSpec>): Record<K, Float32Array> =>
    materializeAll(specs, options.seed, weightStd) as Record<K, Float32Array>;
  const backbone = processBackbone(arch);
  const layers = Array.from({ length: options.layers ?? arch.depth }, (_, index): VittmLayerWeights => {
    const norms = layerNormSpecs(arch, index);
    const normValues = values({
      readNormWeight: norms.read.weight,
      readNormBias: norms.read.bias,
      writeNormWeight: norms.write.weight,
      writeNormBias: norms.write.bias,
    });
    return {
      ...normValues,
      readHead: values(linearAttentionWeightSpecs(arch, `read_head.${index}`)),
      writeHead: values(linearAttentionWeightSpecs(arch, `write_head.${index}`)),
      block: vitBlockWeights(backbone, { seed: options.seed, index, weightStd }),
    };
  });
  return {
    memoryEmbedding: values(embeddingWeightSpecs(arch, 'memory')),
    processEmbedding: values(embeddingWeightSpecs(arch, 'process')),
    layers,
    output: values(outputWeightSpecs(arch)),
  };
}

/** The weights of the read or write head `name` (e.g. 'write_head.3') for this seed. */
export function linearAttentionWeights(
  shape: LinearAttentionShape,
  options: { readonly seed: number; readonly name: string; readonly weightStd?: number },
): LinearAttentionWeights {
  const specs = linearAttentionWeightSpecs(shape, options.name);
  return materializeAll(specs, options.seed, options.weightStd ?? defaultWeightStd) as Record<keyof LinearAttentionWeights, Float32Array>;
}

const linearAttentionConstant = {
  latentHeadsShape: 'const.vittm.latent_heads_shape',
  valueHeadsShape: 'const.vittm.value_heads_shape',
  mergeHeadsShape: 'const.vittm.merge_heads_shape',
  lastAxis: 'const.vittm.last_axis',
  one: 'const.vittm.one',
  epsilon: 'const.vittm.epsilon',
} as const;

function addLinearAttentionConstants(graph: GraphBuilder, shape: LinearAttentionShape): void {
  const { width, heads, latentWidth } = shape;
  graph.initializerInt64(linearAttentionConstant.latentHeadsShape, [4], [0, 0, heads, latentWidth / heads]);
  graph.initializerInt64(linearAttentionConstant.valueHeadsShape, [4], [0, 0, heads, width / heads]);
  graph.initializerInt64(linearAttentionConstant.mergeHeadsShape, [3], [0, 0, width]);
  graph.initializerInt64(linearAttentionConstant.lastAxis, [1], [-1]);
  graph.initializerFloat32(linearAttentionConstant.one, [], Float32Array.of(1));
  graph.initializerFloat32(linearAttentionConstant.epsilon, [], Float32Array.of(linearAttentionEpsilon));
}

/**
 * Multi-head linear attention (Katharopoulos et al.) as ViTTM reads and writes with it: feature map
 * elu(x)+1, so out = φ(Q)·(φ(K)ᵀV) / (φ(Q)·Σφ(K) + ε) per head. Computing φ(K)ᵀV first is what makes
 * it linear in both token counts. The official module also creates an output projection but never
 * calls it, so there is none here.
 */
function addLinearAttention(
  graph: GraphBuilder,
  shape: LinearAttentionShape,
  name: string,
  input: string,
  query: string,
  output: string,
  weight: WeightResolver,
): void {
  const specs = linearAttentionWeightSpecs(shape, name);
  const at = (part: string): string => `${name}/${part}`;
  const c = linearAttentionConstant;
  const feature = (source: string, prefix: 'q' | 'k', weightSpec: WeightSpec, biasSpec: WeightSpec): string => {
    graph.node('MatMul', [source, weight(weightSpec)], [at(`${prefix}_matmul`)]);
    graph.node('Add', [at(`${prefix}_matmul`), weight(biasSpec)], [at(`${prefix}_linear`)]);
    graph.node('Elu', [at(`${prefix}_linear`)], [at(`${prefix}_elu`)], { alpha: attr.float(1) });
    graph.node('Add', [at(`${prefix}_elu`), c.one], [at(`${prefix}_feature`)]);
    graph.node('Reshape', [at(`${prefix}_feature`), c.latentHeadsShape], [at(`${prefix}_heads`)]);
    return at(`${prefix}_heads`);
  };

  // [batch, tokens, heads, latent/heads] → q [batch, heads, queries, ·], kᵀ [batch, heads, ·, inputs]
  graph.node('Transpose', [feature(query, 'q', specs.qWeight, specs.qBias)], [at('q')], { perm: attr.ints([0, 2, 1, 3]) });
  graph.node('Transpose', [feature(input, 'k', specs.kWeight, specs.kBias)], [at('k_t')], { perm: attr.ints([0, 2, 3, 1]) });
  graph.node('MatMul', [input, weight(specs.vWeight)], [at('v_matmul')]);
  graph.node('Add', [at('v_matmul'), weight(specs.vBias)], [at('v_linear')]);
  graph.node('Reshape', [at('v_linear'), c.valueHeadsShape], [at('v_heads')]);
  graph.node('Transpose', [at('v_heads')], [at('v')], { perm: attr.ints([0, 2, 1, 3]) });

  graph.node('MatMul', [at('k_t'), at('v')], [at('kv')]);
  graph.node('ReduceSum', [at('k_t'), c.lastAxis], [at('k_sum')], { keepdims: attr.int(1) });
  graph.node('MatMul', [at('q'), at('kv')], [at('numerator')]);
  graph.node('MatMul', [at('q'), at('k_sum')], [at('normalizer_raw')]);
  graph.node('Add', [at('normalizer_raw'), c.epsilon], [at('normalizer')]);
  graph.node('Div', [at('numerator'), at('normalizer')], [at('heads_out')]);
  graph.node('Transpose', [at('heads_out')], [at('tokens_out')], { perm: attr.ints([0, 2, 1, 3]) });
  graph.node('Reshape', [at('tokens_out'), c.mergeHeadsShape], [output]);
}

/**
 * One read or write head alone: for checking it against a reference and for timing it. Its weights
 * are those of head `name` in a ViTTM built with the same seed.
 */
export function buildLinearAttentionOnnx(
  shape: LinearAttentionShape,
  options: { readonly seed: number; readonly name?: string; readonly weightStd?: number },
): LinearAttentionOnnx {
  checkLinearAttentionShape(shape);
  const name = options.name ?? 'read_head.0';
  const graph = createGraphBuilder(name);
  graph.input('input', 'float32', ['batch', 'input_tokens', shape.width]);
  graph.input('query', 'float32', ['batch', 'query_tokens', shape.width]);
  addLinearAttentionConstants(graph, shape);
  addLinearAttention(graph, shape, name, 'input', 'query', 'out', vitWeightResolver(graph, options));
  graph.output('out', 'float32', ['batch', 'query_tokens', shape.width]);
  return { bytes: graph.toBytes(), inputNames: ['input', 'query'], outputName: 'out' };
}

/**
 * A token count between patch grids: each output token is the mean of a contiguous run of grid
 * tokens (`tokenPoolingBins`), computed as a difference of prefix sums so the cost stays one add
 * per grid value and the constants stay one per output token, where a pooling matrix would cost
 * grid·tokens of both.
 */
function addTokenPooling(graph: GraphBuilder, prefix: string, input: string, gridTokens: number, tokens: number): string {
  const bins = tokenPoolingBins(gridTokens, tokens);
  const at = (part: string): string => `${prefix}/${part}`;
  graph.initializerInt64(at('pads'), [6], [0, 1, 0, 0, 0, 0]);
  graph.initializerInt64(at('token_axis'), [], [1]);
  graph.initializerInt64(at('bin_starts'), [tokens], bins.map((bin) => bin.start));
  graph.initializerInt64(at('bin_ends'), [tokens], bins.map((bin) => bin.end));
  graph.initializerFloat32(at('inverse_bin_sizes'), [tokens, 1], Float32Array.from(bins, (bin) => 1 / (bin.end - bin.start)));
  // A leading zero makes prefix[j] the sum of the first j tokens, so prefix[end] − prefix[start] is a bin.
  graph.node('Pad', [input, at('pads')], [at('padded')]);
  graph.node('CumSum', [at('padded'), at('token_axis')], [at('prefix_sums')]);
  graph.node('Gather', [at('prefix_sums'), at('bin_ends')], [at('sums_to_end')], { axis: attr.int(1) });
  graph.node('Gather', [at('prefix_sums'), at('bin_starts')], [at('sums_to_start')], { axis: attr.int(1) });
  graph.node('Sub', [at('sums_to_end'), at('sums_to_start')], [at('bin_sums')]);
  graph.node('Mul', [at('bin_sums'), at('inverse_bin_sizes')], [at('pooled')]);
  return at('pooled');
}

/** Conv patch embedding, row-major tokens, optional pooling, position embedding: [batch, tokens, width]. */
function addStreamEmbedding(graph: GraphBuilder, arch: VittmArchitecture, stream: Stream, image: string, weight: WeightResolver): string {
  const specs = embeddingWeightSpecs(arch, stream);
  const patchSize = patchSizeOf(arch, stream);
  const gridTokens = patchGridTokens(arch.imageSize, patchSize);
  const tokens = tokensOf(arch, stream);
  const prefix = `${stream}_embedder`;
  const at = (part: string): string => `${prefix}/${part}`;
  graph.node('Conv', [image, weight(specs.patchWeight), weight(specs.patchBias)], [at('grid')], {
    kernel_shape: attr.ints([patchSize, patchSize]),
    strides: attr.ints([patchSize, patchSize]),
  });
  graph.initializerInt64(at('flat_shape'), [3], [0, arch.width, -1]);
  graph.node('Reshape', [at('grid'), at('flat_shape')], [at('flat')]);
  graph.node('Transpose', [at('flat')], [at('patches')], { perm: attr.ints([0, 2, 1]) });
  const embedded = tokens === gridTokens ? at('patches') : addTokenPooling(graph, `${prefix}/pool`, at('patches'), gridTokens, tokens);
  graph.node('Add', [embedded, weight(specs.positionEmbedding)], [at('out')]);
  return at('out');
}

/**
 * One ViTTM layer. The norms' outputs replace the streams (they are not pre-norm branches), each norm
 * is shared by both streams, and memory meets two norms in a row: the official forward pass does so.
 */
function addVittmLayer(
  graph: GraphBuilder,
  arch: VittmArchitecture,
  index: number,
  streams: { readonly memory: string; readonly process: string },
  weight: WeightResolver,
): { memory: string; process: string } {
  const norms = layerNormSpecs(arch, index);
  const at = (part: string): string => `layers.${index}/${part}`;
  const layerNorm = { axis: attr.int(-1), epsilon: attr.float(layerNormEpsilon) };
  const readNorm = [weight(norms.read.weight), weight(norms.read.bias)];
  const writeNorm = [weight(norms.write.weight), weight(norms.write.bias)];

  graph.node('LayerNormalization', [streams.memory, ...readNorm], [at('memory_read_norm')], layerNorm);
  graph.node('LayerNormalization', [streams.process, ...readNorm], [at('process_read_norm')], layerNorm);
  const read = `read_head.${index}/out`;
  addLinearAttention(graph, arch, `read_head.${index}`, at('memory_read_norm'), at('process_read_norm'), read, weight);
  graph.node('Add', [at('process_read_norm'), read], [at('process_read')]);
  const blockOut = `blocks.${index}/out`;
  addVitBlock(graph, processBackbone(arch), index, at('process_read'), blockOut, weight);

  graph.node('LayerNormalization', [at('memory_read_norm'), ...writeNorm], [at('memory_write_norm')], layerNorm);
  graph.node('LayerNormalization', [blockOut, ...writeNorm], [at('process_write_norm')], layerNorm);
  const write = `write_head.${index}/out`;
  addLinearAttention(graph, arch, `write_head.${index}`, at('process_write_norm'), at('memory_write_norm'), write, weight);
  graph.node('Add', [at('memory_write_norm'), write], [at('memory')]);
  return { memory: at('memory'), process: at('process_write_norm') };
}

function addClassifier(
  graph: GraphBuilder,
  tokens: string,
  { norm, head }: { readonly norm: readonly [WeightSpec, WeightSpec]; readonly head: readonly [WeightSpec, WeightSpec] },
  output: string,
  weight: WeightResolver,
): void {
  const at = (part: string): string => `${output}/${part}`;
  graph.node('ReduceMean', [tokens], [at('mean_token')], { axes: attr.ints([1]), keepdims: attr.int(0) });
  graph.node('LayerNormalization', [at('mean_token'), weight(norm[0]), weight(norm[1])], [at('norm')], {
    axis: attr.int(-1),
    epsilon: attr.float(layerNormEpsilon),
  });
  graph.node('MatMul', [at('norm'), weight(head[0])], [at('matmul')]);
  graph.node('Add', [at('matmul'), weight(head[1])], [output]);
}

/**
 * Builds an image-input ViTTM as ONNX bytes for `ort.InferenceSession.create(bytes)`: input `image`
 * float32 [batch, 3, imageSize, imageSize], outputs `memory_logits` and `process_logits`, each
 * [batch, classes], from the mean memory and mean process token. Checkpoint selection in the official
 * training script follows the memory head, so that is probably the reported prediction.
 */
export function buildVittmOnnx(arch: VittmArchitecture, options: VittmBuildOptions): VittmOnnx {
  checkVittm(arch);
  const layers = options.layers ?? arch.depth;
  if (!Number.isInteger(layers) || layers < 1) throw new RangeError(`layers must be a positive integer, got ${layers}`);
  const graph = createGraphBuilder(arch.id);
  const weight = vitWeightResolver(graph, options);
  const inputName = 'image';
  graph.input(inputName, 'float32', ['batch', 3, arch.imageSize, arch.imageSize]);
  addVitConstants(graph, processBackbone(arch));
  addLinearAttentionConstants(graph, arch);

  let streams = {
    memory: addStreamEmbedding(graph, arch, 'memory', inputName, weight),
    process: addStreamEmbedding(graph, arch, 'process', inputName, weight),
  };
  for (let index = 0; index < layers; index++) streams = addVittmLayer(graph, arch, index, streams, weight);

  const out = outputWeightSpecs(arch);
  graph.node('LayerNormalization', [streams.process, weight(out.processNormWeight), weight(out.processNormBias)], ['process_norm'], {
    axis: attr.int(-1),
    epsilon: attr.float(layerNormEpsilon),
  });
  const [memoryLogits, processLogits] = vittmOutputNames;
  const memoryClassifier = {
    norm: [out.memoryFcNormWeight, out.memoryFcNormBias],
    head: [out.memoryHeadWeight, out.memoryHeadBias],
  } as const;
  const processClassifier = {
    norm: [out.processFcNormWeight, out.processFcNormBias],
    head: [out.processHeadWeight, out.processHeadBias],
  } as const;
  addClassifier(graph, streams.memory, memoryClassifier, memoryLogits, weight);
  addClassifier(graph, 'process_norm', processClassifier, processLogits, weight);
  for (const name of vittmOutputNames) graph.output(name, 'float32', ['batch', arch.classes]);
  return { bytes: graph.toBytes(), inputName, outputNames: vittmOutputNames, imageSize: arch.imageSize };
}

