/**
 * Synthetic token-input ViT graphs for latency sweeps: the same operators and shapes as a real
 * export, with seeded random weights. The token axis is symbolic so one session serves every count.
 *
 * Weights are generated while the model is serialized, straight into the output buffer, so building
 * ViT-L (1.2 GB) holds one copy of the weights, not three.
 */
import { createRng, deriveSeed, type Rng } from '../util/rng.js';
import type { ModelPart, VitArchitecture } from './architectures.js';
import { attr, createGraphBuilder, type Float32Source, type GraphBuilder } from './onnx/graph.js';

export interface VitBuildOptions {
  readonly part: ModelPart;
  readonly seed: number;
  /** blocks to stack: default 1 for a block, `depth` for the encoder */
  readonly blocks?: number;
  /** standard deviation of matrix and bias weights; 0.02 as in ViT's initialisation */
  readonly weightStd?: number;
  /** a block's output: the tokens (default), or their mean, so that a timed run copies back one number */
  readonly blockOutput?: 'tokens' | 'mean';
}

export interface VitOnnx {
  readonly bytes: Uint8Array;
  readonly inputName: 'tokens';
  readonly outputName: 'out' | 'out_mean' | 'logits';
  readonly tokenAxis: 1;
  readonly width: number;
}

export const layerNormEpsilon = 1e-6;
export const defaultWeightStd = 0.02;
/** DINOv2 initialises LayerScale at 1e-5, which would make every block nearly the identity; 0.1 keeps the branches visible. */
const layerScaleValue = 0.1;

type WeightInit = 'normal' | 'ones' | 'zeros' | 'layerScale';

/** One weight tensor of the graph: its name is also what seeds its values. */
export interface WeightSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly init: WeightInit;
}

/**
 * Normal draws cost ~45 ns each in JavaScript, which would make ViT-L take a quarter of a minute.
 * Large tensors therefore read short runs from a pool of true normal draws, each run starting at a
 * random entry with a random odd stride and sign: every value is N(0, std²), the runs are seeded,
 * and 300M values cost about a second. Latency does not care about the rest of the statistics.
 */
const normalPoolLength = 4096;
const normalRunLength = 1024;

function normalFiller(rng: Rng, length: number, std: number): (chunk: Float32Array) => void {
  if (length <= normalPoolLength) {
    return (chunk) => {
      for (let i = 0; i < chunk.length; i++) chunk[i] = rng.normal() * std;
    };
  }
  const pool = new Float32Array(normalPoolLength);
  for (let i = 0; i < pool.length; i++) pool[i] = rng.normal() * std;
  const mask = normalPoolLength - 1;
  let runLeft = 0;
  let at = 0;
  let stride = 1;
  let sign = 1;
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) {
      if (runLeft === 0) {
        at = rng.int(normalPoolLength);
        // odd strides visit every entry of a power-of-two pool before repeating
        stride = 2 * rng.int(normalPoolLength / 2) + 1;
        sign = rng.next() < 0.5 ? -1 : 1;
        runLeft = normalRunLength;
      }
      chunk[i] = sign * pool[at];
      at = (at + stride) & mask;
      runLeft--;
    }
  };
}

/** Seeded values of one weight tensor; the same (seed, name) gives the same values in any graph. */
function weightSource(spec: WeightSpec, seed: number, weightStd: number): Float32Source {
  const length = spec.dims.reduce((product, dim) => product * dim, 1);
  return {
    length,
    start() {
      const rng = createRng(deriveSeed(seed, spec.name));
      switch (spec.init) {
        case 'normal':
          return normalFiller(rng, length, weightStd);
        case 'ones':
          return (chunk) => chunk.fill(1);
        case 'zeros':
          return (chunk) => chunk.fill(0);
        case 'layerScale':
          return (chunk) => chunk.fill(layerScaleValue);
      }
    },
  };
}

function materialize(source: Float32Source): Float32Array {
  const values = new Float32Array(source.length);
  source.start()(values);
  return values;
}

/** Weights of one block, laid out as the graph uses them: matrices are [in, out] for MatMul. */
export interface VitBlockWeights {
  readonly norm1Weight: Float32Array;
  readonly norm1Bias: Float32Array;
  /** [width, 3·width]: columns are q, k, v, each split into heads of width/heads */
  readonly qkvWeight: Float32Array;
  readonly qkvBias: Float32Array;
  readonly projWeight: Float32Array;
  readonly projBias: Float32Array;
  readonly norm2Weight: Float32Array;
  readonly norm2Bias: Float32Array;
  readonly fc1Weight: Float32Array;
  readonly fc1Bias: Float32Array;
  readonly fc2Weight: Float32Array;
  readonly fc2Bias: Float32Array;
  /** LayerScale vectors, present when the architecture has LayerScale */
  readonly ls1Gamma: Float32Array | null;
  readonly ls2Gamma: Float32Array | null;
}

function blockWeightSpecs(arch: VitArchitecture, index: number): Record<keyof VitBlockWeights, WeightSpec | null> {
  const width = arch.width;
  const hidden = arch.mlpRatio * width;
  const spec = (name: string, dims: number[], init: WeightInit): WeightSpec => ({ name: `blocks.${index}.${name}`, dims, init });
  return {
    norm1Weight: spec('norm1.weight', [width], 'ones'),
    norm1Bias: spec('norm1.bias', [width], 'zeros'),
    qkvWeight: spec('attn.qkv.weight', [width, 3 * width], 'normal'),
    qkvBias: spec('attn.qkv.bias', [3 * width], 'normal'),
    projWeight: spec('attn.proj.weight', [width, width], 'normal'),
    projBias: spec('attn.proj.bias', [width], 'normal'),
    norm2Weight: spec('norm2.weight', [width], 'ones'),
    norm2Bias: spec('norm2.bias', [width], 'zeros'),
    fc1Weight: spec('mlp.fc1.weight', [width, hidden], 'normal'),
    fc1Bias: spec('mlp.fc1.bias', [hidden], 'normal'),
    fc2Weight: spec('mlp.fc2.weight', [hidden, width], 'normal'),
    fc2Bias: spec('mlp.fc2.bias', [width], 'normal'),
    ls1Gamma: arch.layerScale ? spec('ls1.gamma', [width], 'layerScale') : null,
    ls2Gamma: arch.layerScale ? spec('ls2.gamma', [width], 'layerScale') : null,
  };
}

/** The weights `buildVitOnnx` puts in block `index` for this seed: for reference implementations. */
export function vitBlockWeights(
  arch: VitArchitecture,
  options: { readonly seed: number; readonly index: number; readonly weightStd?: number },
): VitBlockWeights {
  const weights = materializeAll(blockWeightSpecs(arch, options.index), options.seed, options.weightStd ?? defaultWeightStd);
  return weights as unknown as VitBlockWeights;
}

/** The encoder's final LayerNorm and classifier; `headWeight` is [width, classes]. */
export interface VitHeadWeights {
  readonly normWeight: Float32Array;
  readonly normBias: Float32Array;
  readonly headWeight: Float32Array;
  readonly headBias: Float32Array;
}

function headWeightSpecs(arch: VitArchitecture): Record<keyof VitHeadWeights, WeightSpec> {
  return {
    normWeight: { name: 'norm.weight', dims: [arch.width], init: 'ones' },
    normBias: { name: 'norm.bias', dims: [arch.width], init: 'zeros' },
    headWeight: { name: 'head.weight', dims: [arch.width, arch.classes], init: 'normal' },
    headBias: { name: 'head.bias', dims: [arch.classes], init: 'normal' },
  };
}

/** The final norm and head weights `buildVitOnnx` puts in an encoder for this seed. */
export function vitHeadWeights(
  arch: VitArchitecture,
  options: { readonly seed: number; readonly weightStd?: number },
): VitHeadWeights {
  const weights = materializeAll(headWeightSpecs(arch), options.seed, options.weightStd ?? defaultWeightStd);
  return weights as unknown as VitHeadWeights;
}

export function materializeAll<K extends string>(
  specs: Record<K, WeightSpec | null>,
  seed: number,
  weightStd: number,
): Record<K, Float32Array | null> {
  const entries = (Object.entries(specs) as [K, WeightSpec | null][]).map(
    ([key, spec]) => [key, spec === null ? null : materialize(weightSource(spec, seed, weightStd))] as const,
  );
  return Object.fromEntries(entries) as Record<K, Float32Array | null>;
}

export function checkArchitecture(arch: VitArchitecture): void {
  const positive = [arch.width, arch.heads, arch.depth, arch.mlpRatio, arch.classes];
  if (!positive.every((value) => Number.isInteger(value) && value > 0)) {
    throw new RangeError(`architecture ${arch.id}: width, heads, depth, mlpRatio and classes must be positive integers`);
  }
  if (arch.width % arch.heads !== 0) {
    throw new RangeError(`architecture ${arch.id}: width ${arch.width} is not divisible by ${arch.heads} heads`);
  }
}

/** Shared constants every block reads, declared once per graph. */
const constant = {
  qkvShape: 'const.qkv_shape',
  mergeShape: 'const.merge_heads_shape',
  attentionScale: 'const.attention_scale',
  index: ['const.index_0', 'const.index_1', 'const.index_2'],
  invSqrt2: 'const.inv_sqrt2',
  one: 'const.one',
  half: 'const.half',
} as const;

/** Declares the constants every block and the head read; call once per graph, before the first block. */
export function addVitConstants(graph: GraphBuilder, arch: VitArchitecture): void {
  const headWidth = arch.width / arch.heads;
  // 0 copies the input's dim, which keeps batch and tokens symbolic through the reshape.
  graph.initializerInt64(constant.qkvShape, [5], [0, -1, 3, arch.heads, headWidth]);
  graph.initializerInt64(constant.mergeShape, [3], [0, 0, arch.width]);
  graph.initializerFloat32(constant.attentionScale, [], Float32Array.of(1 / Math.sqrt(headWidth)));
  constant.index.forEach((name, index) => graph.initializerInt64(name, [], [index]));
  graph.initializerFloat32(constant.invSqrt2, [], Float32Array.of(Math.SQRT1_2));
  graph.initializerFloat32(constant.one, [], Float32Array.of(1));
  graph.initializerFloat32(constant.half, [], Float32Array.of(0.5));
}

/** Declares a weight tensor in the graph and returns its name; call it once per tensor. */
export type WeightResolver = (spec: WeightSpec | null) => string;

/**
 * The weights `buildVitOnnx` declares for `seed`; `overrides` replaces named tensors (e.g.
 * 'blocks.0.attn.qkv.weight') with given values, for graphs whose behaviour a test must know.
 */
export function vitWeightResolver(
  graph: GraphBuilder,
  options: { readonly seed: number; readonly weightStd?: number; readonly overrides?: ReadonlyMap<string, Float32Array> },
): WeightResolver {
  const weightStd = options.weightStd ?? defaultWeightStd;
  return (spec) => {
    if (spec === null) throw new Error('weight requested for a tensor this architecture does not have');
    const values = options.overrides?.get(spec.name) ?? weightSource(spec, options.seed, weightStd);
    graph.initializerFloat32(spec.name, spec.dims, values);
    return spec.name;
  };
}

/** Tensors of one block's attention that a token-reduction transform reads. */
export interface VitAttentionTensors {
  /** tokens after the attention residual, [batch, tokens, width] */
  readonly residual: string;
  /** attention probabilities, [batch, heads, queries, keys] */
  readonly attention: string;
  /** [batch, heads, tokens, headWidth] */
  readonly keys: string;
  readonly values: string;
}

/** Points where a transform can change a block without copying it. */
export interface VitBlockHooks {
  /** added to the scaled attention logits before the softmax; broadcasts to [batch, heads, queries, keys] */
  readonly attentionLogitBias?: string;
  /** runs after the attention residual and returns the tokens the MLP (and every later block) runs on */
  readonly reduceTokens?: (block: VitAttentionTensors) => string;
}

/** Adds block `index` (pre-norm attention + MLP) reading `input` and writing `output`. */
export function addVitBlock(
  graph: GraphBuilder,
  arch: VitArchitecture,
  index: number,
  input: string,
  output: string,
  weight: WeightResolver,
  hooks: VitBlockHooks = {},
): void {
  const specs = blockWeightSpecs(arch, index);
  const at = (name: string): string => `blocks.${index}/${name}`;
  const layerNorm = { axis: attr.int(-1), epsilon: attr.float(layerNormEpsilon) };

  graph.node('LayerNormalization', [input, weight(specs.norm1Weight), weight(specs.norm1Bias)], [at('norm1')], layerNorm);
  graph.node('MatMul', [at('norm1'), weight(specs.qkvWeight)], [at('qkv_matmul')]);
  graph.node('Add', [at('qkv_matmul'), weight(specs.qkvBias)], [at('qkv')]);
  graph.node('Reshape', [at('qkv'), constant.qkvShape], [at('qkv_heads')]);
  // [batch, tokens, 3, heads, headWidth] → [3, batch, heads, tokens, headWidth]
  graph.node('Transpose', [at('qkv_heads')], [at('qkv_split')], { perm: attr.ints([2, 0, 3, 1, 4]) });
  const [q, k, v] = ['q', 'k', 'v'].map((name, slot) => {
    graph.node('Gather', [at('qkv_split'), constant.index[slot]], [at(name)], { axis: attr.int(0) });
    return at(name);
  });
  graph.node('Transpose', [k], [at('k_t')], { perm: attr.ints([0, 1, 3, 2]) });
  graph.node('MatMul', [q, at('k_t')], [at('scores_raw')]);
  graph.node('Mul', [at('scores_raw'), constant.attentionScale], [at('scores')]);
  let logits = at('scores');
  if (hooks.attentionLogitBias !== undefined) {
    graph.node('Add', [logits, hooks.attentionLogitBias], [at('scores_biased')]);
    logits = at('scores_biased');
  }
  graph.node('Softmax', [logits], [at('attention')], { axis: attr.int(-1) });
  graph.node('MatMul', [at('attention'), v], [at('context_heads')]);
  graph.node('Transpose', [at('context_heads')], [at('context_tokens')], { perm: attr.ints([0, 2, 1, 3]) });
  graph.node('Reshape', [at('context_tokens'), constant.mergeShape], [at('context')]);
  graph.node('MatMul', [at('context'), weight(specs.projWeight)], [at('proj_matmul')]);
  graph.node('Add', [at('proj_matmul'), weight(specs.projBias)], [at('proj')]);
  let attentionBranch = at('proj');
  if (specs.ls1Gamma !== null) {
    graph.node('Mul', [attentionBranch, weight(specs.ls1Gamma)], [at('ls1')]);
    attentionBranch = at('ls1');
  }
  graph.node('Add', [input, attentionBranch], [at('residual1')]);
  const mlpInput =
    hooks.reduceTokens === undefined
      ? at('residual1')
      : hooks.reduceTokens({ residual: at('residual1'), attention: at('attention'), keys: k, values: v });

  graph.node('LayerNormalization', [mlpInput, weight(specs.norm2Weight), weight(specs.norm2Bias)], [at('norm2')], layerNorm);
  graph.node('MatMul', [at('norm2'), weight(specs.fc1Weight)], [at('fc1_matmul')]);
  graph.node('Add', [at('fc1_matmul'), weight(specs.fc1Bias)], [at('fc1')]);
  // Exact GELU, x·½·(1 + erf(x/√2)): opset 17 has no Gelu op; onnxruntime fuses this pattern.
  graph.node('Mul', [at('fc1'), constant.invSqrt2], [at('gelu_scaled')]);
  graph.node('Erf', [at('gelu_scaled')], [at('gelu_erf')]);
  graph.node('Add', [at('gelu_erf'), constant.one], [at('gelu_shifted')]);
  graph.node('Mul', [at('fc1'), at('gelu_shifted')], [at('gelu_gated')]);
  graph.node('Mul', [at('gelu_gated'), constant.half], [at('gelu')]);
  graph.node('MatMul', [at('gelu'), weight(specs.fc2Weight)], [at('fc2_matmul')]);
  graph.node('Add', [at('fc2_matmul'), weight(specs.fc2Bias)], [at('fc2')]);
  let mlpBranch = at('fc2');
  if (specs.ls2Gamma !== null) {
    graph.node('Mul', [mlpBranch, weight(specs.ls2Gamma)], [at('ls2')]);
    mlpBranch = at('ls2');
  }
  graph.node('Add', [mlpInput, mlpBranch], [output]);
}

/** Adds the encoder's final LayerNorm and the classifier on the CLS token (token 0): `hidden` → `logits`. */
export function addVitHead(graph: GraphBuilder, arch: VitArchitecture, hidden: string, weight: WeightResolver): void {
  const head = headWeightSpecs(arch);
  graph.node('LayerNormalization', [hidden, weight(head.normWeight), weight(head.normBias)], ['norm'], {
    axis: attr.int(-1),
    epsilon: attr.float(layerNormEpsilon),
  });
  graph.node('Gather', ['norm', constant.index[0]], ['cls'], { axis: attr.int(1) });
  graph.node('MatMul', ['cls', weight(head.headWeight)], ['head_matmul']);
  graph.node('Add', ['head_matmul', weight(head.headBias)], ['logits']);
  graph.output('logits', 'float32', ['batch', arch.classes]);
}

/**
 * Builds a token-input ViT block or encoder as ONNX bytes for `ort.InferenceSession.create(bytes)`.
 * Input `tokens` is float32 [batch, tokens, width]; the block outputs `out` of the same shape, the
 * encoder `logits` [batch, classes] from the CLS token (token 0).
 */
export function buildVitOnnx(arch: VitArchitecture, options: VitBuildOptions): VitOnnx {
  checkArchitecture(arch);
  const blocks = options.blocks ?? (options.part === 'block' ? 1 : arch.depth);
  if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError(`blocks must be a positive integer, got ${blocks}`);
  const graph = createGraphBuilder(`${arch.id}-${options.part}`);
  const weight = vitWeightResolver(graph, options);

  const inputName = 'tokens';
  graph.input(inputName, 'float32', ['batch', 'tokens', arch.width]);
  addVitConstants(graph, arch);
  let hidden: string = inputName;
  for (let index = 0; index < blocks; index++) {
    const output = options.part === 'block' && index === blocks - 1 ? 'out' : `blocks.${index}/out`;
    addVitBlock(graph, arch, index, hidden, output, weight);
    hidden = output;
  }
  if (options.part === 'block' && options.blockOutput === 'mean') {
    // Timing a block on a GPU provider should not time copying [batch, tokens, width] back to the
    // host, which the block never does inside a network: hand back one number instead.
    graph.node('ReduceMean', ['out'], ['out_mean'], { keepdims: attr.int(0) });
    graph.output('out_mean', 'float32', []);
    return { bytes: graph.toBytes(), inputName, outputName: 'out_mean', tokenAxis: 1, width: arch.width };
  }
  if (options.part === 'block') {
    graph.output('out', 'float32', ['batch', 'tokens', arch.width]);
    return { bytes: graph.toBytes(), inputName, outputName: 'out', tokenAxis: 1, width: arch.width };
  }

  addVitHead(graph, arch, hidden, weight);
  return { bytes: graph.toBytes(), inputName, outputName: 'logits', tokenAxis: 1, width: arch.width };
}
