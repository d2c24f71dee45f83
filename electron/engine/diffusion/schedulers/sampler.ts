import type { NoiseScheduleConfig } from './noise-schedule.js';
import type { TimestepSpacing } from './timesteps.js';

/** What the network predicts: the added noise ε, the velocity v = √ᾱ·ε − √(1−ᾱ)·x₀, or x₀ itself. */
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

export const SAMPLERS = ['ddim', 'euler'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** A scheduler configuration with diffusers' meaning, whichever file it was read from. */
export interface SchedulerConfig extends NoiseScheduleConfig {
  readonly predictionType: PredictionType;
  /** absent: each sampler's diffusers default (DDIM 'leading', Euler 'linspace') */
  readonly timestepSpacing?: TimestepSpacing;
  readonly stepsOffset: number;
  /** DDIM's last step lands on ᾱ = 1 (a clean image) rather than on ᾱ_0 */
  readonly setAlphaToOne: boolean;
  /** DDIM clamps its x₀ estimate into this range (diffusers' clip_sample); null: no clamping */
  readonly clipRange: readonly [number, number] | null;
  /** after clamping, DDIM re-derives ε from the clamped x₀, as the original DDPM/DDIM code does */
  readonly useClippedModelOutput: boolean;
  /** Karras σ spacing is not implemented; Euler refuses a config that asks for it */
  readonly useKarrasSigmas: boolean;
  /** DDIM: stochastic late steps with noise frozen per run (see LateStochasticity) */
  readonly lateStochasticity?: LateStochasticity;
}

/**
 * DDIM with η > 0 only on the last, low-noise steps (timestep < `belowTimestep`). The injected noise
 * is drawn once from `seed` for one image and shared by every image, so an image stays a
 * deterministic function of its initial noise (what noise search needs) while the late steps can
 * still wash out the errors a briefly trained model leaves behind.
 */
export interface LateStochasticity {
  readonly eta: number;
  readonly belowTimestep: number;
  readonly seed: number;
  /** values in one image's sample; the frozen noise repeats with this period across a batch */
  readonly imageLength: number;
}

/**
 * A deterministic sampler as a pure function of its inputs: no hidden step counter, so one
 * sampler serves any number of batches, and `step` never mutates `sample`.
 */
export interface Sampler {
  readonly name: SamplerName;
  /** the training timestep the model is told at each step, noisiest first (may be fractional for Euler) */
  readonly timesteps: readonly number[];
  /** initial latents (unit Gaussian) are multiplied by this before the first step */
  readonly initNoiseSigma: number;
  /** what the model sees at `stepIndex` for the current sample */
  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array;
  /** the sample after step `stepIndex`, from the model's output on it */
  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array): Float32Array;
}

/**
 * x₀ and ε from a model output at noise level ᾱ, for x_t = √ᾱ·x₀ + √(1−ᾱ)·ε.
 * Written per element so samplers can call it in their loops without allocating.
 */
export function originalAndNoise(
  predictionType: PredictionType,
  modelOutput: number,
  sample: number,
  alphaBar: number,
): [original: number, noise: number] {
  const signal = Math.sqrt(alphaBar);
  const noiseScale = Math.sqrt(1 - alphaBar);
  switch (predictionType) {
    case 'epsilon':
      return [(sample - noiseScale * modelOutput) / signal, modelOutput];
    case 'v_prediction':
      return [signal * sample - noiseScale * modelOutput, signal * modelOutput + noiseScale * sample];
    case 'sample':
      return [modelOutput, (sample - signal * modelOutput) / noiseScale];
  }
}

export function checkSameLength(modelOutput: Float32Array, sample: Float32Array): void {
  if (modelOutput.length !== sample.length) {
    throw new RangeError(`model output has ${modelOutput.length} values for a sample of ${sample.length}`);
  }
}
