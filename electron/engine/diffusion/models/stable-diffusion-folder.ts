/**
 * A Stable Diffusion folder as diffusers' ONNX exporters (optimum-cli, diffusers' conversion
 * script) write it: text_encoder/, unet/, vae_decoder/ each with model.onnx, tokenizer/,
 * scheduler/scheduler_config.json and model_index.json.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { fileExists, parseModelFile, readJsonFile, type ModelFile } from '../files.js';
import { parseDiffusersScheduler, type DiffusersScheduler } from '../schedulers/diffusers-config.js';
import type { ClipTokenizer } from '../tokenizer/clip-tokenizer.js';
import { loadClipTokenizer } from '../tokenizer/load.js';

export const stableDiffusionFix =
  'EdgeTune reads Stable Diffusion 1.x/2.x folders as diffusers\' ONNX export writes them (model_index.json, text_encoder/, unet/, vae_decoder/, tokenizer/, scheduler/), e.g. `optimum-cli export onnx --model stable-diffusion-v1-5/stable-diffusion-v1-5 <folder>`';

/** Stable Diffusion's VAE scales latents to unit variance by this factor. */
export const defaultVaeScalingFactor = 0.18215;

export interface StableDiffusionFolder {
  readonly folder: string;
  readonly textEncoder: ModelFile;
  readonly unet: ModelFile;
  readonly vaeDecoder: ModelFile;
  readonly tokenizer: ClipTokenizer;
  readonly scheduler: DiffusersScheduler;
  /** latents are divided by this before the VAE decodes them */
  readonly vaeScalingFactor: number;
  /** image pixels per latent cell along each side (8 for every SD 1.x/2.x VAE) */
  readonly vaeScaleFactor: number;
  /** the UNet's native latent [height, width] (unet/config.json sample_size), null when not recorded */
  readonly latentSampleSize: readonly [number, number] | null;
}

const modelIndexSchema = z.looseObject({ _class_name: z.string().optional() });

const vaeConfigSchema = z.object({
  scaling_factor: z.number().positive().optional(),
  block_out_channels: z.array(z.number().int().positive()).min(1).optional(),
});

const unetConfigSchema = z.object({
  sample_size: z.union([z.number().int().positive(), z.tuple([z.number().int().positive(), z.number().int().positive()])]).optional(),
});

export async function readStableDiffusionFolder(folder: string): Promise<StableDiffusionFolder> {
  const file = (label: string): ModelFile => ({ path: join(folder, label), label, fix: stableDiffusionFix });
  const indexFile = file('model_index.json');
  const index = parseModelFile(modelIndexSchema, await readJsonFile(indexFile), indexFile);
  const foreign = ['text_encoder_2', 'transformer', 'prior'].find((part) => part in index);
  if (foreign !== undefined) {
    throw new UserError(
      'model-unsupported',
      `${folder} is a ${index._class_name ?? 'diffusion'} pipeline (it has ${foreign}); EdgeTune runs Stable Diffusion 1.x/2.x folders`,
      stableDiffusionFix,
    );
  }
  const schedulerFile = file('scheduler/scheduler_config.json');
  const scheduler = parseDiffusersScheduler(await readJsonFile(schedulerFile), schedulerFile);
  const tokenizer = await loadClipTokenizer(join(folder, 'tokenizer'), 'tokenizer', stableDiffusionFix);

  const vaeConfigFile = file('vae_decoder/config.json');
  const vaeConfig = (await fileExists(vaeConfigFile.path))
    ? parseModelFile(vaeConfigSchema, await readJsonFile(vaeConfigFile), vaeConfigFile)
    : {};
  const unetConfigFile = file('unet/config.json');
  const unetConfig = (await fileExists(unetConfigFile.path))
    ? parseModelFile(unetConfigSchema, await readJsonFile(unetConfigFile), unetConfigFile)
    : {};
  const sampleSize = unetConfig.sample_size;

  return {
    folder,
    textEncoder: file('text_encoder/model.onnx'),
    unet: file('unet/model.onnx'),
    vaeDecoder: file('vae_decoder/model.onnx'),
    tokenizer,
    scheduler,
    vaeScalingFactor: vaeConfig.scaling_factor ?? defaultVaeScalingFactor,
    // Each VAE decoder block but the last upsamples by 2.
    vaeScaleFactor: vaeConfig.block_out_channels ? 2 ** (vaeConfig.block_out_channels.length - 1) : 8,
    latentSampleSize: sampleSize === undefined ? null : typeof sampleSize === 'number' ? [sampleSize, sampleSize] : sampleSize,
  };
}
