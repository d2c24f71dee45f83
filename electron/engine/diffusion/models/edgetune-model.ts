/**
 * model.json of an EdgeTune diffusion model (resources/models/<name>/): an unconditional,
 * pixel-space denoiser and the training schedule it was trained with.
 */
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { parseModelFile, readJsonFile, type ModelFile } from '../files.js';
import { SAMPLERS, type SchedulerConfig } from '../schedulers/sampler.js';

export const EDGETUNE_DIFFUSION_MODEL_SCHEMA = 'edgetune/diffusion-model@1';

const insideFolder = (path: string): boolean => !isAbsolute(path) && !path.split(/[\\/]/).includes('..');

export const edgeTuneModelSchema = z.object({
  schema: z.literal(EDGETUNE_DIFFUSION_MODEL_SCHEMA),
  name: z.string().min(1),
  onnx: z.string().min(1).refine(insideFolder, 'must be a path inside the model folder'),
  imageSize: z.number().int().positive(),
  channels: z.literal(3),
  prediction: z.enum(['epsilon', 'v']),
  valueRange: z.tuple([z.number(), z.number()]).refine(([low, high]) => low < high, 'must be [low, high] with low < high'),
  scheduler: z.object({
    trainTimesteps: z.number().int().min(2),
    betaSchedule: z.enum(['linear', 'scaled_linear', 'cosine']),
    betaStart: z.number().positive(),
    betaEnd: z.number().positive(),
    defaultSteps: z.number().int().positive(),
    defaultSampler: z.enum(SAMPLERS),
    /** optional; 'trailing' starts sampling at the last training timestep, where x_T is pure noise */
    timestepSpacing: z.enum(['leading', 'trailing', 'linspace']).default('trailing'),
    /** optional; DDIM's late steps (t < belowTimestep) use η with noise frozen per run */
    lateEta: z
      .object({ eta: z.number().min(0).max(1), belowTimestep: z.number().int().min(0), noise: z.literal('frozen-per-run').default('frozen-per-run') })
      .optional(),
  }),
});

export type EdgeTuneModelManifest = z.infer<typeof edgeTuneModelSchema>;

export const edgeTuneModelFix =
  'an EdgeTune model is a folder holding model.json (schema "edgetune/diffusion-model@1") and the denoiser ONNX file it names; re-copy or rebuild the folder, or pick another --model';

export function manifestFile(folder: string): ModelFile {
  return { path: join(folder, 'model.json'), label: 'model.json', fix: edgeTuneModelFix };
}

export async function readEdgeTuneManifest(folder: string): Promise<EdgeTuneModelManifest> {
  const file = manifestFile(folder);
  return parseModelFile(edgeTuneModelSchema, await readJsonFile(file), file);
}

/**
 * The sampler configuration the manifest implies. DDIM clamps its x₀ estimate to the pixel value
 * range and re-derives ε from it, as pixel-space DDPM/DDIM samplers (and our training code) do.
 */
export function edgeTuneSchedulerConfig(manifest: EdgeTuneModelManifest, lateNoiseSeed = LATE_NOISE_SEED): SchedulerConfig {
  const { scheduler } = manifest;
  return {
    trainTimesteps: scheduler.trainTimesteps,
    betaSchedule: scheduler.betaSchedule === 'cosine' ? 'squaredcos_cap_v2' : scheduler.betaSchedule,
    betaStart: scheduler.betaStart,
    betaEnd: scheduler.betaEnd,
    trainedBetas: null,
    predictionType: manifest.prediction === 'v' ? 'v_prediction' : 'epsilon',
    timestepSpacing: scheduler.timestepSpacing,
    stepsOffset: 0,
    setAlphaToOne: true,
    clipRange: manifest.valueRange,
    useClippedModelOutput: true,
    useKarrasSigmas: false,
    ...(scheduler.lateEta
      ? {
          lateStochasticity: {
            eta: scheduler.lateEta.eta,
            belowTimestep: scheduler.lateEta.belowTimestep,
            seed: lateNoiseSeed,
            imageLength: manifest.channels * manifest.imageSize * manifest.imageSize,
          },
        }
      : {}),
  };
}

/** The late steps' frozen noise is part of the sampler, like its timesteps: one fixed draw for every run. */
export const LATE_NOISE_SEED = 12345;
