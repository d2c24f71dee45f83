import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { resolveModel, type VitArchitecture } from '../models/architectures.js';
import { buildVitOnnx } from '../models/vit-onnx.js';
import { findTokenInput } from '../models/inspect.js';
import { readOnnxSummary } from '../models/onnx/reader.js';

/**
 * Where a timed model comes from: a synthetic ViT built in memory, or a user's file. The synthetic
 * ViT is a built-in (`id`), or any architecture EdgeTune can build (`arch`, plain data so it crosses
 * to the worker): the stand-in for a user's image-input export.
 */
export type ModelSource =
  | { kind: 'builtin'; id: string; arch?: VitArchitecture; part: 'block' | 'encoder'; blocks?: number; seed: number }
  | { kind: 'file'; path: string };

export interface LoadedModel {
  bytes: Uint8Array;
  inputName: string;
  width: number;
  description: Record<string, unknown>;
}

export async function loadModel(source: ModelSource): Promise<LoadedModel> {
  if (source.kind === 'builtin') {
    const arch = source.arch ?? resolveModel(source.id);
    const built = buildVitOnnx(arch, { part: source.part, seed: source.seed, blocks: source.blocks, blockOutput: 'mean' });
    return {
      bytes: built.bytes,
      inputName: built.inputName,
      width: built.width,
      description: { id: arch.id, ...(source.arch ? { architecture: source.arch } : {}), part: source.part, blocks: source.blocks ?? (source.part === 'block' ? 1 : arch.depth), seed: source.seed, output: built.outputName },
    };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(source.path));
  } catch (error) {
    throw new UserError('model-not-found', `cannot read model file ${source.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'check the path, or pass a built-in id such as vit-b16 (`edgetune models` lists them)');
  }
  const summary = readOnnxSummary(bytes, source.path);
  const tokenInput = findTokenInput(summary, source.path);
  return { bytes, inputName: tokenInput.inputName, width: tokenInput.width, description: { file: source.path } };
}
