import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { builtinModelIds, countMacs, resolveModel, type VitArchitecture } from '../models/architectures.js';
import { inspectModel } from '../models/inspect.js';
import { matchVitArchitecture } from '../models/match-vit.js';
import { readOnnxFile, type ValueSummary } from '../models/onnx/reader.js';

/** A user's image-input ViT export that a synthetic ViT of its architecture stands in for. */
export interface StandIn {
  /** the export, as an absolute path */
  file: string;
  /** its image input and the batch it was exported for (null: dynamic) */
  input: { name: string; batch: number | null };
  /** what the stand-in cannot copy, one sentence each */
  differences: string[];
}

/**
 * What `--model` named: a synthetic ViT built in memory (a built-in architecture, or the stand-in
 * for a user's image-input export, with `standIn` saying which), or a user's token-input ONNX file.
 */
export type ModelChoice = { kind: 'builtin'; arch: VitArchitecture; standIn?: StandIn } | { kind: 'file'; path: string };

/** Names a model without reading it: built-in ids, else a file to be read by whoever times it. */
export function chooseModel(model: string): ModelChoice {
  if (builtinModelIds.includes(model)) return { kind: 'builtin', arch: resolveModel(model) };
  if (model.toLowerCase().endsWith('.onnx') || model.includes(path.sep) || existsSync(model)) {
    if (!existsSync(model)) {
      throw new UserError('model-not-found', `model file ${model} does not exist`, 'check the path, or pass a built-in id (`edgetune models` lists them)');
    }
    return { kind: 'file', path: path.resolve(model) };
  }
  return { kind: 'builtin', arch: resolveModel(model) };
}

const describeInput = (value: ValueSummary) => `'${value.name}' ${value.elemType ?? 'unknown type'} [${value.dims?.map((dim) => dim ?? '?').join(', ') ?? '?'}]`;

/**
 * What a sweep times for `--model`: a built-in, a token-input file as it is, or, for an image-input
 * ViT export, the synthetic ViT of its architecture (a sweep needs a token axis to vary, which an
 * image-input graph does not have). A file that is neither is refused, saying what was expected.
 */
export async function chooseSweepModel(model: string): Promise<ModelChoice> {
  const choice = chooseModel(model);
  if (choice.kind === 'builtin') return choice;
  const name = path.basename(choice.path);
  const summary = await readOnnxFile(choice.path);
  const inputKind = inspectModel(summary).inputKind;
  if (inputKind === 'tokens') return choice;
  if (inputKind === 'other') {
    throw new UserError(
      'no-token-input',
      `${name} has neither a token input nor an image input: its inputs are ${summary.inputs.map(describeInput).join(', ') || 'none'}; ` +
        'EdgeTune sweeps token-input models (a float input [batch, tokens, width] with a dynamic token axis) and image-input ViTs as timm or DeiT export them (input [batch, 3, H, W]), through a synthetic ViT of their shape',
      'check the file with `edgetune inspect`; export the transformer blocks with input [batch, tokens, width] (dynamic axes 0 and 1), or the whole ViT with input [batch, 3, H, W]',
    );
  }
  let match;
  try {
    match = matchVitArchitecture(summary, name);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(
      error.code,
      error.code === 'not-an-image-vit' ? `${error.message}; or a token-input model (input [batch, tokens, width], dynamic token axis), which EdgeTune sweeps as it is` : error.message,
      `${error.fix ?? 'check the file with `edgetune inspect`'}; or export the transformer blocks alone (input [batch, tokens, width], dynamic token axis) and sweep that file`,
    );
  }
  return { kind: 'builtin', arch: match.architecture, standIn: { file: choice.path, input: match.input, differences: match.differences } };
}

/** "depth 12, width 384, 6 heads, MLP ratio 4, 16-pixel patches, 224 px, 197 tokens" */
export function describeShape(arch: VitArchitecture): string {
  return `depth ${arch.depth}, width ${arch.width}, ${arch.heads} heads, MLP ratio ${arch.mlpRatio}, ${arch.patchSize}-pixel patches, ${arch.imageSize} px, ${arch.tokens} tokens${arch.layerScale ? ', LayerScale' : ''}`;
}

export interface TokenRange {
  from: number;
  to: number;
}

/** Parses `A:B` (or a single count) and checks it against the model's token count. */
export function parseTokenRange(text: string | undefined, maxTokens: number | undefined, modelName: string): TokenRange {
  const fallbackMax = maxTokens ?? 197;
  if (text === undefined) return { from: 1, to: fallbackMax };
  const match = /^\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(text);
  if (!match) throw new UserError('bad-token-range', `--tokens ${text} is not a range`, 'write it as A:B, e.g. --tokens 1:197');
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from < 1 || to < from) {
    throw new UserError('bad-token-range', `--tokens ${text} is empty or starts below 1`, 'write A:B with 1 ≤ A ≤ B, e.g. --tokens 1:197');
  }
  if (maxTokens !== undefined && to > maxTokens) {
    throw new UserError('bad-token-range', `--tokens ${text} goes beyond ${modelName}, which has ${maxTokens} tokens`, `pick a range within 1:${maxTokens}`);
  }
  if (to - from < 4) {
    throw new UserError('bad-token-range', `--tokens ${text} has only ${to - from + 1} counts: too few to see a staircase`, 'sweep at least 5 token counts, e.g. --tokens 1:197');
  }
  return { from, to };
}

export function describeArchitecture(arch: VitArchitecture): Record<string, unknown> {
  return {
    id: arch.id,
    family: arch.family,
    depth: arch.depth,
    width: arch.width,
    heads: arch.heads,
    mlpRatio: arch.mlpRatio,
    patchSize: arch.patchSize,
    tokens: arch.tokens,
    blockMacs: countMacs(arch, { part: 'block', tokens: arch.tokens, batch: 1 }),
    macs: countMacs(arch, { part: 'encoder', tokens: arch.tokens, batch: 1 }),
  };
}
