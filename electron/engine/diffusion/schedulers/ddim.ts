import { createRng } from '../../util/rng.js';
import { alphasCumprod } from './noise-schedule.js';
import { checkSameLength, originalAndNoise, type LateStochasticity, type Sampler, type SchedulerConfig } from './sampler.js';
import { spacedTimesteps } from './timesteps.js';

/**
 * DDIM with η = 0 (Song et al. 2021): deterministic, so an initial latent fully determines the
 * image, which is what searching the initial noise needs. With `lateStochasticity` the last steps
 * use η > 0 with noise frozen per run, which keeps that property.
 *
 * Each step moves to the next timestep of the plan. diffusers instead subtracts
 * trainTimesteps // steps, which is the same for 'leading' spacing (Stable Diffusion's) and
 * differs only for 'linspace'/'trailing' plans whose steps do not divide the training timesteps.
 */
export function createDdimSampler(config: SchedulerConfig, steps: number): Sampler {
  const alphaBars = alphasCumprod(config);
  const timesteps = spacedTimesteps({
    trainTimesteps: config.trainTimesteps,
    steps,
    spacing: config.timestepSpacing ?? 'leading',
    stepsOffset: config.stepsOffset,
    integral: true,
  });
  const finalAlphaBar = config.setAlphaToOne ? 1 : alphaBars[0];
  const [clipLow, clipHigh] = config.clipRange ?? [-Infinity, Infinity];
  const frozenNoise = frozenLateNoise(config.lateStochasticity, timesteps);
  return {
    name: 'ddim',
    timesteps,
    initNoiseSigma: 1,
    scaleModelInput: (sample) => sample,
    step(modelOutput, stepIndex, sample) {
      checkSameLength(modelOutput, sample);
      const alphaBar = alphaBars[timesteps[stepIndex]];
      const nextAlphaBar = stepIndex + 1 < timesteps.length ? alphaBars[timesteps[stepIndex + 1]] : finalAlphaBar;
      const nextSignal = Math.sqrt(nextAlphaBar);
      const nextNoiseScale = Math.sqrt(1 - nextAlphaBar);
      const signal = Math.sqrt(alphaBar);
      const noiseScale = Math.sqrt(1 - alphaBar);
      const injected = frozenNoise[stepIndex];
      const eta = injected ? config.lateStochasticity!.eta : 0;
      const sigma = eta * Math.sqrt(((1 - nextAlphaBar) / (1 - alphaBar)) * (1 - alphaBar / nextAlphaBar));
      const keptNoiseScale = injected ? Math.sqrt(Math.max(0, 1 - nextAlphaBar - sigma * sigma)) : nextNoiseScale;
      const out = new Float32Array(sample.length);
      for (let i = 0; i < sample.length; i++) {
        const [original, noise] = originalAndNoise(config.predictionType, modelOutput[i], sample[i], alphaBar);
        const clipped = Math.min(clipHigh, Math.max(clipLow, original));
        const usedNoise = config.useClippedModelOutput ? (sample[i] - signal * clipped) / noiseScale : noise;
        out[i] = nextSignal * clipped + keptNoiseScale * usedNoise + (injected ? sigma * injected[i % injected.length] : 0);
      }
      return out;
    },
  };
}

/** One image's worth of seeded Gaussian noise for each late step; null for the deterministic steps. */
function frozenLateNoise(late: LateStochasticity | undefined, timesteps: readonly number[]): (Float32Array | null)[] {
  if (!late || late.eta <= 0) return timesteps.map(() => null);
  const rng = createRng(late.seed);
  return timesteps.map((timestep) => (timestep < late.belowTimestep ? Float32Array.from({ length: late.imageLength }, () => rng.normal()) : null));
}
