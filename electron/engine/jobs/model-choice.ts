import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { builtinModelIds, countMacs, resolveModel, type VitArchitecture } from '../models/architectures.js';

/** What `--model` named: a built-in architecture, or a user's ONNX file. */
export type ModelChoice = { kind: 'builtin'; arch: VitArchitecture } | { kind: 'file'; path: string };

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
