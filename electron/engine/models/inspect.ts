/**
 * What EdgeTune understands of a user's ONNX model (`edgetune inspect`), and where a token-input
 * model takes its tokens (for sweeps).
 *
 * Exporters disagree on almost everything visible: torch.onnx's TorchScript path renames MatMul
 * weights (`onnx::MatMul_415`) and computes reshape targets at run time; the dynamo path folds them
 * into constants but deduplicates equal tensors, so every block's LayerNorm weight is `blocks.0.*`.
 * So the architecture is read from structure (one Softmax per attention, weight shapes, reshape
 * constants, the attention scale); names are only used to tell the family apart.
 */
import { UserError } from '../errors.js';
import type { ModelFamily } from './architectures.js';
import type { ElemType } from './onnx/schema.js';
import type { InitializerSummary, NodeSummary, OnnxSummary, ValueSummary } from './onnx/reader.js';

export interface VitInspection {
  readonly family: ModelFamily;
  readonly depth: number;
  readonly width: number;
  /** null when neither reshape constants nor the attention scale reveal the head count */
  readonly heads: number | null;
  readonly mlpRatio: number | null;
  /** null for token-input models, which have no patch embedding */
  readonly patchSize: number | null;
  /** tokens per image at the export's input size; null when the token axis is dynamic */
  readonly tokens: number | null;
}

export type InputKind = 'image' | 'tokens' | 'other';

export interface ModelInspection {
  readonly irVersion: number;
  readonly opsetVersion: number | null;
  readonly inputs: readonly ValueSummary[];
  readonly outputs: readonly ValueSummary[];
  readonly inputKind: InputKind;
  /** null when the graph does not look like a ViT (no attention) */
  readonly vit: VitInspection | null;
  /** files next to the model that hold its weights */
  readonly externalDataFiles: readonly string[];
  readonly opCounts: Readonly<Record<string, number>>;
}

const floatTypes: ReadonlySet<ElemType | null> = new Set<ElemType | null>(['float32', 'float16', 'bfloat16', 'float64']);

function isFloatOfRank(value: ValueSummary, rank: number): boolean {
  return floatTypes.has(value.elemType) && value.dims !== null && value.dims.length === rank;
}

function inputKindOf(summary: OnnxSummary): InputKind {
  if (summary.inputs.some((input) => isFloatOfRank(input, 4))) return 'image';
  if (summary.inputs.some((input) => isFloatOfRank(input, 3))) return 'tokens';
  return 'other';
}

interface GraphIndex {
  readonly summary: OnnxSummary;
  readonly producers: ReadonlyMap<string, NodeSummary>;
  readonly consumers: ReadonlyMap<string, readonly NodeSummary[]>;
  readonly initializers: ReadonlyMap<string, InitializerSummary>;
}

function indexGraph(summary: OnnxSummary): GraphIndex {
  const producers = new Map<string, NodeSummary>();
  const consumers = new Map<string, NodeSummary[]>();
  for (const node of summary.nodes) {
    for (const output of node.outputs) producers.set(output, node);
    for (const input of node.inputs) {
      const list = consumers.get(input);
      if (list === undefined) consumers.set(input, [node]);
      else list.push(node);
    }
  }
  const initializers = new Map(summary.initializers.map((initializer) => [initializer.name, initializer]));
  return { summary, producers, consumers, initializers };
}

/** Most frequent value; ties go to the one seen first. */
function mostCommon<T>(values: readonly T[]): T | null {
  const counts = new Map<T, number>();
  let best: T | null = null;
  let bestCount = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The target shape of a Reshape as far as it is known without running the model: constants, and
 * TorchScript's Concat of unsqueezed run-time dims (one unknown element each) with constants.
 */
function knownShape(index: GraphIndex, name: string): (number | null)[] | null {
  const constant = index.summary.int64Constants.get(name);
  if (constant !== undefined) return [...constant];
  const producer = index.producers.get(name);
  if (producer === undefined) return null;
  if (producer.opType === 'Identity' || producer.opType === 'Cast') return knownShape(index, producer.inputs[0]);
  if (producer.opType !== 'Concat') return null;
  const parts: (number | null)[] = [];
  for (const input of producer.inputs) {
    const part = index.summary.int64Constants.get(input);
    if (part !== undefined) parts.push(...part);
    else if (index.producers.get(input)?.opType === 'Unsqueeze') parts.push(null);
    else return null;
  }
  return parts;
}

function headsFromReshapes(index: GraphIndex, width: number): number[] {
  const votes: number[] = [];
  for (const node of index.summary.nodes) {
    if (node.opType !== 'Reshape' || node.inputs[1] === undefined) continue;
    const shape = knownShape(index, node.inputs[1]);
    if (shape === null) continue;
    const [, , third, fourth, fifth] = shape;
    // fused qkv as timm writes it: [batch, tokens, 3, heads, headWidth]
    if (shape.length === 5 && third === 3 && fourth !== null && fifth !== null && fourth * fifth === width && fourth > 0) {
      votes.push(fourth);
    }
    // separate q, k, v as Hugging Face writes them: [batch, tokens, heads, headWidth]
    if (
      shape.length === 4 &&
      third !== null &&
      fourth !== null &&
      third > 1 &&
      fourth > 1 &&
      third * fourth === width
    ) {
      votes.push(third);
    }
  }
  return votes;
}

/**
 * Attention scales: 1/√d on the scores or on q alone, or d^-¼ on q and on k both (as the dynamo
 * exporter writes scaled_dot_product_attention). Only a scale whose result goes into Softmax, or meets
 * another activation in a MatMul, counts: GELU's ½ and √2 feed weight MatMuls and Erf.
 */
function headsFromScales(index: GraphIndex, width: number): number[] {
  const votes: number[] = [];
  const scaleOf = (name: string): { op: string; scale: number } | null => {
    const producer = index.producers.get(name);
    if (producer === undefined || (producer.opType !== 'Mul' && producer.opType !== 'Div')) return null;
    const scale = producer.inputs.map((input) => index.summary.floatScalars.get(input)).find((value) => value !== undefined);
    return scale === undefined || scale <= 0 ? null : { op: producer.opType, scale };
  };
  for (const node of index.summary.nodes) {
    const scaled = scaleOf(node.outputs[0] ?? '');
    if (scaled === null) continue;
    let scaledOperands = 0;
    for (const consumer of index.consumers.get(node.outputs[0]) ?? []) {
      if (consumer.opType === 'Softmax') scaledOperands = 1;
      const activations = consumer.inputs.every((input) => !index.initializers.has(input));
      if (consumer.opType === 'MatMul' && activations) {
        scaledOperands = consumer.inputs.filter((input) => scaleOf(input)?.scale === scaled.scale).length;
      }
    }
    if (scaledOperands === 0) continue;
    const exponent = scaledOperands === 2 ? 4 : 2;
    const headWidth = scaled.op === 'Mul' ? scaled.scale ** -exponent : scaled.scale ** exponent;
    const rounded = Math.round(headWidth);
    if (rounded >= 1 && Math.abs(headWidth - rounded) < 1e-3 * rounded && width % rounded === 0) votes.push(width / rounded);
  }
  return votes;
}

function weightInitializersOf(index: GraphIndex): InitializerSummary[] {
  const weights: InitializerSummary[] = [];
  for (const node of index.summary.nodes) {
    if (node.opType !== 'MatMul' && node.opType !== 'Gemm') continue;
    for (const input of node.inputs.slice(0, 2)) {
      const initializer = index.initializers.get(input) ?? index.initializers.get(identitySource(index, input));
      if (initializer !== undefined && initializer.dims.length === 2) weights.push(initializer);
    }
  }
  return weights;
}

function identitySource(index: GraphIndex, name: string): string {
  const producer = index.producers.get(name);
  return producer?.opType === 'Identity' ? producer.inputs[0] : name;
}

function mlpRatioOf(weights: readonly InitializerSummary[], width: number): number | null {
  const hiddenWidths = weights.flatMap(({ dims: [rows, columns] }) => {
    if (rows === width && columns !== width && columns !== 3 * width) return [columns];
    if (columns === width && rows !== width && rows !== 3 * width) return [rows];
    return [];
  });
  // fc1 and fc2 appear once per block and the classifier head only once, so the MLP width wins.
  const hidden = mostCommon(hiddenWidths);
  return hidden === null ? null : Math.round((hidden / width) * 1e4) / 1e4;
}

function namesOf(summary: OnnxSummary): string[] {
  return [
    ...summary.initializers.map((initializer) => initializer.name),
    ...summary.nodes.flatMap((node) => [node.name, ...node.outputs]),
  ];
}

function familyOf(names: readonly string[]): ModelFamily {
  const text = names.join('\n').toLowerCase();
  if (text.includes('dinov2') || /\bls[12]\.|layer_scale|lambda1/.test(text)) return 'dinov2';
  if (text.includes('dist_token') || text.includes('distillation')) return 'deit';
  return 'vit';
}

const fusedAttentionOps = ['Attention', 'MultiHeadAttention', 'GroupQueryAttention'];

interface PatchEmbedding {
  readonly width: number;
  readonly patchSize: number;
  readonly imageInput: ValueSummary;
}

function patchEmbeddingOf(index: GraphIndex): PatchEmbedding | null {
  for (const node of index.summary.nodes) {
    if (node.opType !== 'Conv') continue;
    const imageInput = index.summary.inputs.find((input) => input.name === node.inputs[0]);
    const weight = index.initializers.get(node.inputs[1] ?? '');
    if (imageInput === undefined || weight === undefined || weight.dims.length !== 4) continue;
    return { width: weight.dims[0], patchSize: weight.dims[2], imageInput };
  }
  return null;
}

/**
 * Tokens per image: patches plus prefix tokens (CLS, distillation, registers). The position
 * embedding says it directly when it matches the input size; DINOv2 keeps a 518-pixel one and
 * interpolates, so then the count comes from the image size and the [1, k, width] prefix tokens.
 */
function tokensOf(index: GraphIndex, width: number, patch: PatchEmbedding): number | null {
  const tokenTables = index.summary.initializers.filter(
    (initializer) => initializer.dims.length === 3 && initializer.dims[0] === 1 && initializer.dims[2] === width,
  );
  const positionTable =
    tokenTables.find((table) => /pos/i.test(table.name)) ??
    tokenTables.reduce<InitializerSummary | null>((largest, table) => (table.dims[1] > (largest?.dims[1] ?? 1) ? table : largest), null);
  const [, , height, imageWidth] = patch.imageInput.dims ?? [];
  const patches =
    typeof height === 'number' && typeof imageWidth === 'number'
      ? Math.floor(height / patch.patchSize) * Math.floor(imageWidth / patch.patchSize)
      : null;
  const positionTokens = positionTable?.dims[1] ?? null;
  if (patches === null) return positionTokens;
  const maxPrefixTokens = 16;
  if (positionTokens !== null && positionTokens >= patches && positionTokens - patches <= maxPrefixTokens) return positionTokens;
  const prefixTokens = tokenTables
    .filter((table) => table !== positionTable && table.dims[1] <= maxPrefixTokens)
    .reduce((sum, table) => sum + table.dims[1], 0);
  return patches + prefixTokens;
}

function vitOf(summary: OnnxSummary): VitInspection | null {
  const index = indexGraph(summary);
  const names = namesOf(summary);
  const attentionCount = ['Softmax', ...fusedAttentionOps].reduce((sum, op) => sum + (summary.opCounts[op] ?? 0), 0);
  const patch = patchEmbeddingOf(index);
  const tokenInput = summary.inputs.find((input) => isFloatOfRank(input, 3) && typeof input.dims?.[2] === 'number');
  const width = patch?.width ?? (tokenInput?.dims?.[2] as number | undefined) ?? null;
  if (attentionCount === 0 || width === null) return null;

  const heads = mostCommon(headsFromReshapes(index, width)) ?? mostCommon(headsFromScales(index, width));
  const tokenAxis = tokenInput?.dims?.[1];
  return {
    family: familyOf(names),
    depth: attentionCount,
    width,
    heads,
    mlpRatio: mlpRatioOf(weightInitializersOf(index), width),
    patchSize: patch?.patchSize ?? null,
    tokens: patch !== null ? tokensOf(index, width, patch) : typeof tokenAxis === 'number' ? tokenAxis : null,
  };
}

export function inspectModel(summary: OnnxSummary): ModelInspection {
  const externalDataFiles = [
    ...new Set(summary.initializers.flatMap((initializer) => (initializer.externalData ? [initializer.externalData.location] : []))),
  ];
  return {
    irVersion: summary.irVersion,
    opsetVersion: summary.opsetVersion,
    inputs: summary.inputs,
    outputs: summary.outputs,
    inputKind: inputKindOf(summary),
    vit: vitOf(summary),
    externalDataFiles,
    opCounts: summary.opCounts,
  };
}

export interface TokenInput {
  readonly inputName: string;
  readonly width: number;
  readonly tokenAxis: 1;
}

function describeInput(input: ValueSummary): string {
  const dims = input.dims === null ? '[?]' : `[${input.dims.map((dim) => dim ?? '?').join(', ')}]`;
  return `'${input.name}' ${input.elemType ?? 'unknown type'} ${dims}`;
}

/**
 * The input a latency sweep varies: the first rank-3 float input [batch, tokens, width] whose token
 * axis is dynamic. `modelName` (usually the file name) is used in error messages.
 */
export function findTokenInput(summary: OnnxSummary, modelName = 'the model'): TokenInput {
  const tokenInputs = summary.inputs.filter((input) => isFloatOfRank(input, 3));
  const dynamic = tokenInputs.find((input) => typeof input.dims?.[1] !== 'number');
  if (dynamic !== undefined) {
    const width = dynamic.dims?.[2];
    if (typeof width !== 'number') {
      throw new UserError(
        'token-width-unknown',
        `${modelName}: input ${describeInput(dynamic)} has no fixed width (axis 2)`,
        'Export with a fixed embedding width: only batch and tokens may be dynamic.',
      );
    }
    return { inputName: dynamic.name, width, tokenAxis: 1 };
  }
  const fixed = tokenInputs[0];
  if (fixed !== undefined) {
    throw new UserError(
      'no-dynamic-token-axis',
      `${modelName} has no dynamic token axis: its input '${fixed.name}' is fixed at ${fixed.dims?.[1]}; export with a dynamic axis or use \`edgetune inspect\``,
      `Re-export with the token axis dynamic, e.g. torch.onnx.export(..., dynamic_axes={'${fixed.name}': {0: 'batch', 1: 'tokens'}}).`,
    );
  }
  const image = summary.inputs.find((input) => isFloatOfRank(input, 4));
  if (image !== undefined) {
    throw new UserError(
      'image-input-model',
      `${modelName} takes images (input ${describeInput(image)}); EdgeTune sweeps token-input models, whose input is [batch, tokens, width]`,
      'Export the transformer blocks without the patch embedding (input [batch, tokens, width], dynamic axes 0 and 1), ' +
        'or sweep a built-in model of the same shape (`edgetune inspect` shows the shape, `edgetune models` the built-ins).',
    );
  }
  const inputs = summary.inputs.map(describeInput).join(', ') || 'none';
  throw new UserError(
    'no-token-input',
    `${modelName} has no token input: EdgeTune expects a float input [batch, tokens, width]; its inputs are ${inputs}`,
    'Export the transformer blocks with input [batch, tokens, width] and a dynamic tokens axis.',
  );
}
