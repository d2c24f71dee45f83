/** EdgeTune's own small unconditional pixel-space diffusion model as a DiffusionPipeline. */
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { denoise, type NoisePredictor } from '../denoise.js';
import { samplesToRgbImages } from '../image.js';
import {
  edgeTuneModelFix,
  edgeTuneSchedulerConfig,
  readEdgeTuneManifest,
  type EdgeTuneModelManifest,
} from '../models/edgetune-model.js';
import { runInGroups } from '../onnx/grouped-run.js';
import { openModelSession, requireType, type ModelSession, type SessionSettings } from '../onnx/session.js';
import { fixedBatch, floatTensor, timestepTensor } from '../onnx/tensors.js';
import { checkBatchSize, generateInBatches, type DiffusionPipeline } from '../pipeline.js';
import { createSampler } from '../schedulers/create.js';
import type { SamplerName } from '../schedulers/sampler.js';

export interface EdgeTunePipelineSettings {
  /** default: the manifest's defaultSteps */
  readonly steps?: number;
  /** default: the manifest's defaultSampler */
  readonly sampler?: SamplerName;
  /** images per denoiser call; default 4 */
  readonly batchSize?: number;
}

export interface EdgeTuneDiffusionModel {
  readonly folder: string;
  readonly manifest: EdgeTuneModelManifest;
  pipeline(settings?: EdgeTunePipelineSettings): DiffusionPipeline;
  close(): Promise<void>;
}

export const defaultBatchSize = 4;

export async function loadEdgeTuneModel(folder: string, sessionSettings: SessionSettings): Promise<EdgeTuneDiffusionModel> {
  const manifest = await readEdgeTuneManifest(folder);
  const denoiser = await openModelSession(
    { path: join(folder, manifest.onnx), label: manifest.onnx, fix: edgeTuneModelFix },
    sessionSettings,
    { inputs: ['sample', 'timestep'], outputs: ['noise_pred'], writtenBy: 'the EdgeTune model contract (model.json, schema edgetune/diffusion-model@1)' },
  );
  try {
    return createModel(folder, manifest, bindDenoiser(denoiser, manifest), () => denoiser.release());
  } catch (error) {
    await denoiser.release();
    throw error;
  }
}

function createModel(
  folder: string,
  manifest: EdgeTuneModelManifest,
  predictor: (images: number) => NoisePredictor,
  close: () => Promise<void>,
): EdgeTuneDiffusionModel {
  const latentShape = [manifest.channels, manifest.imageSize, manifest.imageSize];
  const schedulerConfig = edgeTuneSchedulerConfig(manifest);
  return {
    folder,
    manifest,
    pipeline(settings = {}) {
      const steps = settings.steps ?? manifest.scheduler.defaultSteps;
      const sampler = createSampler(settings.sampler ?? manifest.scheduler.defaultSampler, schedulerConfig, steps);
      const pipeline: DiffusionPipeline = {
        latentShape,
        steps,
        batchSize: checkBatchSize(settings.batchSize ?? defaultBatchSize),
        generate: (latents, options = {}) =>
          generateInBatches(latents, pipeline, options, async (joined, images, onStep) => {
            const final = await denoise({ sampler, latents: joined, predict: predictor(images), signal: options.signal, onStep });
            // Pixel space: the final sample is the image.
            return samplesToRgbImages(final, [images, ...latentShape], manifest.valueRange);
          }),
      };
      return pipeline;
    },
    close,
  };
}

/** The denoiser's prediction for a batch of images, fed in the element types its export declares. */
function bindDenoiser(denoiser: ModelSession, manifest: EdgeTuneModelManifest): (images: number) => NoisePredictor {
  const sampleInfo = denoiser.inputs.get('sample')!;
  const timestepInfo = denoiser.inputs.get('timestep')!;
  const sampleType = requireType(denoiser.label, sampleInfo, ['float32', 'float16'] as const);
  const timestepType = requireType(denoiser.label, timestepInfo, ['float32', 'float16', 'int32', 'int64'] as const);
  checkDeclaredShape(manifest, sampleInfo.shape);
  const imageShape = [manifest.channels, manifest.imageSize, manifest.imageSize];
  const imageLength = manifest.channels * manifest.imageSize * manifest.imageSize;
  const batchOfModel = fixedBatch(sampleInfo);
  return (images) => async (modelInput, timestep) => {
    const output = await runInGroups(
      denoiser,
      images,
      batchOfModel,
      (start, count) => ({
        sample: floatTensor(sampleType, modelInput.subarray(start * imageLength, (start + count) * imageLength), [count, ...imageShape]),
        timestep: timestepTensor(timestepInfo, timestepType, timestep, count),
      }),
      'noise_pred',
    );
    return output.values;
  };
}

function checkDeclaredShape(manifest: EdgeTuneModelManifest, shape: readonly (number | string)[]): void {
  const expected = [null, manifest.channels, manifest.imageSize, manifest.imageSize];
  const disagrees =
    shape.length !== 0 &&
    (shape.length !== 4 || expected.some((size, axis) => size !== null && typeof shape[axis] === 'number' && shape[axis] !== size));
  if (disagrees) {
    throw new UserError(
      'model-unsupported',
      `${manifest.onnx}: input sample is declared [${shape.join(', ')}], but model.json says ${manifest.channels}×${manifest.imageSize}×${manifest.imageSize} images`,
      'make model.json agree with the exported denoiser (imageSize, channels), or re-export it',
    );
  }
}
