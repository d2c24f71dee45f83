/**
 * The synthetic ViT that stands in for a user's image-input ViT export: its architecture read from
 * the graph and initializers (inspect.ts), checked to be one EdgeTune can build, and the built-in
 * with the same shape, if any. Pure: works on the ONNX summary, never on the weights.
 */
import { UserError } from '../errors.js';
import { builtinModelIds, resolveModel, type VitArchitecture } from './architectures.js';
import { inspectModel, type ModelInspection, type VitInspection } from './inspect.js';
import type { OnnxSummary, ValueSummary } from './onnx/reader.js';

export interface VitMatch {
  /** what EdgeTune read from the model */
  inspection: ModelInspection;
  /** the stand-in's architecture, for buildImageVitOnnx */
  architecture: VitArchitecture;
  /** a built-in of the same shape (the head's class count aside), which `edgetune sweep` and `tune` take */
  builtin: string | null;
  /** the image input the user's model is fed; batch null when dynamic */
  input: { name: string; batch: number | null };
  /** what the stand-in cannot copy and how it differs, one sentence each */
  differences: string[];
}

const EXPECTED =
  'an image-input ViT as timm or DeiT export it: one float32 input [batch, 3, H, W], a patch-embedding Conv whose kernel is the patch size, ' +
  'a CLS token and position embedding, then transformer blocks (attention: MatMul and Softmax; MLP: two MatMul with GELU)';

function describeValue(value: ValueSummary): string {
  const dims = value.dims === null ? '[?]' : `[${value.dims.map((dim) => dim ?? '?').join(', ')}]`;
  return `'${value.name}' ${value.elemType ?? 'unknown type'} ${dims}`;
}

function notUnderstood(modelName: string, problem: string): UserError {
  return new UserError('not-an-image-vit', `${modelName}: ${problem}; EdgeTune expected ${EXPECTED}`, 'check the file with `edgetune inspect`; export the timm model with torch.onnx.export at a fixed image size (dynamic batch is fine)');
}

function requireKnown<T>(value: T | null, modelName: string, what: string): T {
  if (value === null) throw notUnderstood(modelName, `could not tell ${what} from the graph`);
  return value;
}

function imageInputOf(inspection: ModelInspection, modelName: string): ValueSummary {
  if (inspection.inputKind === 'tokens') {
    throw new UserError(
      'token-input-model',
      `${modelName} takes token embeddings (${inspection.inputs.map(describeValue).join(', ')}), not images: it needs no stand-in`,
      `sweep it directly: \`edgetune sweep --model ${modelName}\``,
    );
  }
  if (inspection.inputKind !== 'image') {
    throw notUnderstood(modelName, `its inputs are ${inspection.inputs.map(describeValue).join(', ') || 'none'}, none of them an image [batch, 3, H, W]`);
  }
  if (inspection.inputs.length !== 1) {
    throw notUnderstood(modelName, `it has ${inspection.inputs.length} inputs (${inspection.inputs.map(describeValue).join(', ')}); a stand-in can be fed one image`);
  }
  const input = inspection.inputs[0];
  if (input.elemType !== 'float32') throw notUnderstood(modelName, `its input ${describeValue(input)} is not float32`);
  if (input.dims?.[1] !== 3) throw notUnderstood(modelName, `its input ${describeValue(input)} does not have 3 colour channels`);
  return input;
}

/** H = W in pixels: the input's when fixed, else what the position embedding implies. */
function imageSizeOf(input: ValueSummary, vit: VitInspection & { patchSize: number; tokens: number }, modelName: string): number {
  const [, , height, width] = input.dims ?? [];
  if (typeof height === 'number' && typeof width === 'number') {
    if (height !== width) throw notUnderstood(modelName, `its image input is ${height} × ${width}; the stand-in is built for square images`);
    return height;
  }
  const side = Math.round(Math.sqrt(vit.tokens - 1));
  if (side * side !== vit.tokens - 1) throw notUnderstood(modelName, `its image size is dynamic and ${vit.tokens} tokens is not a square grid plus CLS`);
  return side * vit.patchSize;
}

function classesOf(inspection: ModelInspection): number | null {
  const last = inspection.outputs[0]?.dims?.at(-1);
  return typeof last === 'number' && last > 0 && inspection.outputs[0]?.dims?.length === 2 ? last : null;
}

/** A built-in of the same shape; the same family first (vit-s16 and deit-s16 share shapes). */
export function sameShapeBuiltin(arch: Omit<VitArchitecture, 'id' | 'classes'>): string | null {
  const matches = builtinModelIds
    .map((id) => resolveModel(id))
    .filter(
      (candidate) =>
        candidate.depth === arch.depth &&
        candidate.width === arch.width &&
        candidate.heads === arch.heads &&
        candidate.mlpRatio === arch.mlpRatio &&
        candidate.patchSize === arch.patchSize &&
        candidate.imageSize === arch.imageSize &&
        candidate.layerScale === arch.layerScale,
    );
  return (matches.find((candidate) => candidate.family === arch.family) ?? matches[0])?.id ?? null;
}

/**
 * Reads a user's image-input ViT export and says which synthetic ViT stands in for it. Throws a
 * UserError saying what was expected when the model is not one EdgeTune understands.
 */
export function matchVitArchitecture(summary: OnnxSummary, modelName = 'the model'): VitMatch {
  const inspection = inspectModel(summary);
  const input = imageInputOf(inspection, modelName);
  const vit = inspection.vit;
  if (vit === null) throw notUnderstood(modelName, 'no attention found (no Softmax or fused attention op)');
  const patchSize = requireKnown(vit.patchSize, modelName, 'the patch size (no Conv reads the image with a 4-D weight)');
  const heads = requireKnown(vit.heads, modelName, 'the number of attention heads (no reshape constant or attention scale reveals it)');
  const mlpRatio = requireKnown(vit.mlpRatio, modelName, 'the MLP width (no weight of shape [width, hidden] repeats per block)');
  const tokens = requireKnown(vit.tokens, modelName, 'the token count (no position embedding found)');
  if (!Number.isInteger(mlpRatio)) {
    throw new UserError(
      'unsupported-vit',
      `${modelName} has an MLP ratio of ${mlpRatio}; EdgeTune's synthetic ViT is built with whole-number ratios`,
      'compare with the built-in of the nearest size (`edgetune models`)',
    );
  }
  const imageSize = imageSizeOf(input, { ...vit, patchSize, tokens }, modelName);
  if (imageSize % patchSize !== 0) throw notUnderstood(modelName, `its ${imageSize}-pixel image is not a whole number of ${patchSize}-pixel patches`);
  const patches = (imageSize / patchSize) ** 2;
  const differences: string[] = [];
  if (tokens !== patches + 1) {
    const prefix = tokens - patches;
    differences.push(
      prefix > 1
        ? `the model carries ${prefix} tokens besides its ${patches} patches (distillation or register tokens); the stand-in has only CLS: ${patches + 1} tokens`
        : `the model runs ${tokens} tokens for ${patches} patches; the stand-in adds a CLS token: ${patches + 1}`,
    );
  }
  const classes = classesOf(inspection);
  if (classes === null) differences.push('the model\'s output is not [batch, classes]: the stand-in ends in a 1000-class head');
  const shape = {
    family: vit.family,
    depth: vit.depth,
    width: vit.width,
    heads,
    mlpRatio,
    patchSize,
    imageSize,
    tokens: patches + 1,
    layerScale: vit.family === 'dinov2',
  };
  const architecture: VitArchitecture = {
    id: `${vit.family}-d${vit.depth}-w${vit.width}-h${heads}-p${patchSize}`,
    ...shape,
    classes: classes ?? 1000,
  };
  const batchDim = input.dims?.[0];
  return {
    inspection,
    architecture,
    builtin: sameShapeBuiltin(shape),
    input: { name: input.name, batch: typeof batchDim === 'number' ? batchDim : null },
    differences,
  };
}
