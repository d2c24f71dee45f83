import { UserError } from '../../errors.js';
import { alphasCumprod } from './noise-schedule.js';
import { checkSameLength, type Sampler, type SchedulerConfig } from './sampler.js';
import { spacedTimesteps } from './timesteps.js';

/**
 * Euler's method on the probability-flow ODE in σ = √((1−ᾱ)/ᾱ) (Karras et al. 2022, as diffusers'
 * EulerDiscreteScheduler with no churn): the sample is x₀ + σ·ε, the model sees it scaled back to
 * unit variance, and σ follows the training timesteps (no Karras spacing) down to 0.
 */
export interface EulerSampler extends Sampler {
  /** σ at each step, then the final 0 */
  readonly sigmas: readonly number[];
}

export function createEulerSampler(config: SchedulerConfig, steps: number): EulerSampler {
  if (config.useKarrasSigmas) {
    throw new UserError(
      'scheduler-unsupported',
      'the scheduler config asks for Karras sigmas (use_karras_sigmas), which EdgeTune\'s Euler sampler does not implement',
      'use the DDIM sampler, or set "use_karras_sigmas": false in scheduler/scheduler_config.json',
    );
  }
  const alphaBars = alphasCumprod(config);
  const trainSigmas = alphaBars.map((alphaBar) => Math.sqrt((1 - alphaBar) / alphaBar));
  const spacing = config.timestepSpacing ?? 'linspace';
  const timesteps = spacedTimesteps({
    trainTimesteps: config.trainTimesteps,
    steps,
    spacing,
    stepsOffset: config.stepsOffset,
    integral: false,
  });
  const sigmas = [...timesteps.map((t) => interpolate(trainSigmas, t)), 0];
  const maxSigma = Math.max(...sigmas);
  // diffusers' convention, kept so that the same latents give the same images there and here.
  const initNoiseSigma = spacing === 'leading' ? Math.sqrt(maxSigma ** 2 + 1) : maxSigma;
  return {
    name: 'euler',
    timesteps,
    sigmas,
    initNoiseSigma,
    scaleModelInput(sample, stepIndex) {
      const scale = 1 / Math.sqrt(sigmas[stepIndex] ** 2 + 1);
      return sample.map((value) => value * scale);
    },
    step(modelOutput, stepIndex, sample) {
      checkSameLength(modelOutput, sample);
      const sigma = sigmas[stepIndex];
      const stepSigma = sigmas[stepIndex + 1] - sigma;
      const vScale = -sigma / Math.sqrt(sigma ** 2 + 1);
      const vShrink = 1 / (sigma ** 2 + 1);
      const out = new Float32Array(sample.length);
      for (let i = 0; i < sample.length; i++) {
        let original: number;
        switch (config.predictionType) {
          case 'epsilon':
            original = sample[i] - sigma * modelOutput[i];
            break;
          case 'v_prediction':
            original = modelOutput[i] * vScale + sample[i] * vShrink;
            break;
          case 'sample':
            original = modelOutput[i];
            break;
        }
        const derivative = (sample[i] - original) / sigma;
        out[i] = sample[i] + derivative * stepSigma;
      }
      return out;
    },
  };
}

/** Linear interpolation of a per-timestep table at a fractional timestep. */
function interpolate(table: Float64Array, timestep: number): number {
  const below = Math.floor(timestep);
  if (below >= table.length - 1) return table[table.length - 1];
  const fraction = timestep - below;
  return table[below] * (1 - fraction) + table[below + 1] * fraction;
}
