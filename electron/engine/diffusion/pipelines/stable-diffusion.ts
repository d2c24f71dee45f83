/** A Stable Diffusion 1.x/2.x ONNX folder as a DiffusionPipeline: one prompt, many initial latents. */
import { UserError } from '../../errors.js';
import { denoise } from '../denoise.js';
import { guidanceActive } from '../guidance.js';
import { readStableDiffusionFolder, stableDiffusionFix, type StableDiffusionFolder } from '../models/stable-diffusion-folder.js';
import type { ModelFile } from '../files.js';
import { openModelSession, type ModelSession, type SessionSettings } from '../onnx/session.js';
import { checkBatchSize, generateInBatches, type DiffusionPipeline } from '../pipeline.js';
import { createSampler } from '../schedulers/create.js';
import type { SamplerName } from '../schedulers/sampler.js';
import { createPromptEncoder, type PromptEncoder } from './stable-diffusion/prompt-encoder.js';
import { bindUnet, type Unet } from './stable-diffusion/unet.js';
import { bindVaeDecoder, type VaeDecoder } from './stable-diffusion/vae-decoder.js';

export interface StableDiffusionPipelineSettings {
  readonly prompt: string;
  /** what guidance steers away from; default '' (the unconditional embedding) */
  readonly negativePrompt?: string;
  /** classifier-free guidance scale; default 7.5; at ≤ 1 only the prompt is run */
  readonly guidanceScale?: number;
  /** denoising steps; default 50 */
  readonly steps?: number;
  /** default: Euler for folders exported with an Euler scheduler, DDIM otherwise */
  readonly sampler?: SamplerName;
  /** images per UNet call before guidance doubles it; default 1 (SD 1.5 at 512² is heavy) */
  readonly batchSize?: number;
  /** image size in pixels; default the UNet's native size (512² for SD 1.5) */
  readonly height?: number;
  readonly width?: number;
}

export interface StableDiffusionModel {
  readonly folder: string;
  readonly defaultSampler: SamplerName;
  /** text-encoder runs so far: one per distinct prompt text, however many images are generated */
  readonly textEncoderRuns: number;
  pipeline(settings: StableDiffusionPipelineSettings): DiffusionPipeline;
  close(): Promise<void>;
}

export const defaultGuidanceScale = 7.5;
export const defaultSteps = 50;
export const defaultBatchSize = 1;
const defaultLatentSize: readonly [number, number] = [64, 64];

export async function loadStableDiffusion(folder: string, sessionSettings: SessionSettings): Promise<StableDiffusionModel> {
  const layout = await readStableDiffusionFolder(folder);
  const sessions: ModelSession[] = [];
  const open = async (file: ModelFile, inputs: string[], outputs: string[]): Promise<ModelSession> => {
    const session = await openModelSession(file, sessionSettings, { inputs, outputs, writtenBy: "diffusers' ONNX export" });
    sessions.push(session);
    return session;
  };
  try {
    const textEncoder = await open(layout.textEncoder, ['input_ids'], ['last_hidden_state']);
    const unet = await open(layout.unet, ['sample', 'timestep', 'encoder_hidden_states'], ['out_sample']);
    const vaeDecoder = await open(layout.vaeDecoder, ['latent_sample'], ['sample']);
    return createModel(
      layout,
      createPromptEncoder(textEncoder, layout.tokenizer, stableDiffusionFix),
      bindUnet(unet),
      bindVaeDecoder(vaeDecoder, layout.vaeScalingFactor),
      () => Promise.all(sessions.map((session) => session.release())).then(() => undefined),
    );
  } catch (error) {
    await Promise.all(sessions.map((session) => session.release()));
    throw error;
  }
}

function createModel(
  layout: StableDiffusionFolder,
  promptEncoder: PromptEncoder,
  unet: Unet,
  vaeDecoder: VaeDecoder,
  close: () => Promise<void>,
): StableDiffusionModel {
  return {
    folder: layout.folder,
    defaultSampler: layout.scheduler.defaultSampler,
    get textEncoderRuns() {
      return promptEncoder.runs;
    },
    pipeline(settings) {
      const steps = settings.steps ?? defaultSteps;
      const sampler = createSampler(settings.sampler ?? layout.scheduler.defaultSampler, layout.scheduler.config, steps);
      const batchSize = checkBatchSize(settings.batchSize ?? defaultBatchSize);
      const guidanceScale = settings.guidanceScale ?? defaultGuidanceScale;
      if (!Number.isFinite(guidanceScale) || guidanceScale < 0) throw new RangeError(`guidanceScale must be ≥ 0, got ${guidanceScale}`);
      const guided = guidanceActive(guidanceScale);
      const latentShape = [unet.latentChannels, ...latentSize(layout, unet, settings)];
      const texts = guided ? [settings.negativePrompt ?? '', settings.prompt] : [settings.prompt];

      const pipeline: DiffusionPipeline = {
        latentShape,
        steps,
        batchSize,
        generate: (latents, options = {}) =>
          generateInBatches(latents, pipeline, options, async (joined, images, onStep) => {
            const prompts = await Promise.all(texts.map((text) => promptEncoder.embed(text)));
            const predict = unet.predictor({ prompts, images, latentShape, guidanceScale: guided ? guidanceScale : null });
            const final = await denoise({ sampler, latents: joined, predict, signal: options.signal, onStep });
            return vaeDecoder.decode(final, images, latentShape);
          }),
      };
      return pipeline;
    },
    close,
  };
}

/** The latent [height, width] for the image size asked for, the UNet's fixed size, or its native one. */
function latentSize(layout: StableDiffusionFolder, unet: Unet, settings: StableDiffusionPipelineSettings): [number, number] {
  const native = unet.fixedLatentSize ?? layout.latentSampleSize ?? defaultLatentSize;
  const scale = layout.vaeScaleFactor;
  const height = settings.height ?? native[0] * scale;
  const width = settings.width ?? native[1] * scale;
  if (!Number.isInteger(height / scale) || !Number.isInteger(width / scale) || height <= 0 || width <= 0) {
    throw new RangeError(`image size ${width}×${height} must be positive multiples of ${scale} (the VAE's scale)`);
  }
  const fixed = unet.fixedLatentSize;
  if (fixed !== null && (height / scale !== fixed[0] || width / scale !== fixed[1])) {
    throw new UserError(
      'model-unsupported',
      `${layout.unet.label} was exported for ${fixed[1] * scale}×${fixed[0] * scale} images only; ${width}×${height} was asked for`,
      'leave the image size at its default, or re-export the UNet with dynamic height and width',
    );
  }
  return [height / scale, width / scale];
}
