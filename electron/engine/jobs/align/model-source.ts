/**
 * `--model default|<folder>` → a diffusion pipeline. A folder with model.json is an EdgeTune model
 * (unconditional, pixel space); a folder with model_index.json is a Stable Diffusion ONNX export.
 * The loaders name missing parts and wrong tensor names or shapes themselves; this module only
 * decides which loader a folder needs and says so when it is neither.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../errors.js';
import { loadEdgeTuneModel, loadStableDiffusion, type DiffusionPipeline, type SessionSettings } from '../../diffusion/index.js';
import type { PipelineSettings } from './settings.js';

export const defaultModelName = 'tiny-landscapes-32';

export interface AlignModel {
  /** how align.json and PNG metadata name it: `default (tiny-landscapes-32)` or the folder */
  readonly label: string;
  readonly kind: 'edgetune' | 'stable-diffusion';
  readonly folder: string;
  readonly pipeline: DiffusionPipeline;
  /** whether a prompt steers this model */
  readonly conditional: boolean;
  close(): Promise<void>;
}

/** resources/models/ of this install: beside the package.json above this file (source and dist/ alike). */
export function modelsRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json')) || !existsSync(path.join(folder, 'resources'))) {
    const parent = path.dirname(folder);
    if (parent === folder) return path.resolve('resources', 'models');
    folder = parent;
  }
  return path.join(folder, 'resources', 'models');
}

export function defaultModelFolder(): string {
  return path.join(modelsRoot(), defaultModelName);
}

/** 'default' stays 'default' (an install may move); a folder becomes absolute. */
export function normaliseModelChoice(model: string): string {
  return model === 'default' ? 'default' : path.resolve(model);
}

async function isDirectory(folder: string): Promise<boolean> {
  return stat(folder).then((info) => info.isDirectory(), () => false);
}

async function resolveFolder(model: string): Promise<{ folder: string; kind: AlignModel['kind'] }> {
  if (model === 'default') {
    const folder = defaultModelFolder();
    if (!existsSync(path.join(folder, 'model.json'))) {
      throw new UserError(
        'align-default-model-missing',
        `the default model ${defaultModelName} is not installed: ${path.join(folder, 'model.json')} does not exist`,
        `rebuild it with \`python3 resources/models/${defaultModelName}/training/train.py --out resources/models/${defaultModelName}\` (its card says how), or pass --model with an EdgeTune model folder or a Stable Diffusion ONNX folder`,
      );
    }
    return { folder, kind: 'edgetune' };
  }
  const folder = path.resolve(model);
  if (!(await isDirectory(folder))) {
    throw new UserError(
      'align-model-not-found',
      `--model ${model}: ${existsSync(folder) ? 'is a file, not a model folder' : 'no such folder'}`,
      'pass --model default, an EdgeTune model folder (model.json + denoiser) or a Stable Diffusion ONNX folder (model_index.json, text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/)',
    );
  }
  if (existsSync(path.join(folder, 'model.json'))) return { folder, kind: 'edgetune' };
  if (existsSync(path.join(folder, 'model_index.json'))) return { folder, kind: 'stable-diffusion' };
  throw new UserError(
    'align-model-unknown-layout',
    `${folder} is neither an EdgeTune model (no model.json) nor a Stable Diffusion ONNX folder (no model_index.json)`,
    "export Stable Diffusion with diffusers' ONNX exporter (e.g. `optimum-cli export onnx --model stable-diffusion-v1-5/stable-diffusion-v1-5 <folder>`), or pass --model default",
  );
}

export async function openAlignModel(options: {
  readonly model: string;
  readonly prompt: string | null;
  readonly pipeline: PipelineSettings;
  readonly session: SessionSettings;
}): Promise<AlignModel> {
  const { folder, kind } = await resolveFolder(options.model);
  const settings = options.pipeline;
  if (kind === 'edgetune') {
    const model = await loadEdgeTuneModel(folder, options.session);
    try {
      const pipeline = model.pipeline({ steps: settings.denoiseSteps, sampler: settings.sampler, batchSize: settings.batchSize });
      const label = options.model === 'default' ? `default (${model.manifest.name})` : folder;
      return { label, kind, folder, pipeline, conditional: false, close: () => model.close() };
    } catch (error) {
      await model.close();
      throw error;
    }
  }
  const model = await loadStableDiffusion(folder, options.session);
  try {
    const pipeline = model.pipeline({
      prompt: options.prompt ?? '',
      negativePrompt: settings.negativePrompt,
      guidanceScale: settings.guidanceScale,
      steps: settings.denoiseSteps,
      sampler: settings.sampler,
      batchSize: settings.batchSize,
    });
    return { label: folder, kind, folder, pipeline, conditional: true, close: () => model.close() };
  } catch (error) {
    await model.close();
    throw error;
  }
}
