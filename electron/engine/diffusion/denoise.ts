import { throwIfCancelled } from './pipeline.js';
import type { Sampler } from './schedulers/sampler.js';

/** The model's prediction (ε, v or x₀, as the sampler's config says) for its scaled input. */
export type NoisePredictor = (modelInput: Float32Array, timestep: number) => Promise<Float32Array>;

export interface DenoiseRun {
  readonly sampler: Sampler;
  /** a batch of initial noise, unit Gaussian, concatenated */
  readonly latents: Float32Array;
  readonly predict: NoisePredictor;
  readonly signal?: AbortSignal;
  readonly onStep?: () => void;
}

/** The sampling loop both pipelines share: from initial noise to the final sample (latent or pixels). */
export async function denoise(run: DenoiseRun): Promise<Float32Array> {
  const { sampler } = run;
  let sample: Float32Array = run.latents.map((value) => value * sampler.initNoiseSigma);
  for (let stepIndex = 0; stepIndex < sampler.timesteps.length; stepIndex++) {
    throwIfCancelled(run.signal);
    const prediction = await run.predict(sampler.scaleModelInput(sample, stepIndex), sampler.timesteps[stepIndex]);
    sample = sampler.step(prediction, stepIndex, sample);
    run.onStep?.();
  }
  return sample;
}
