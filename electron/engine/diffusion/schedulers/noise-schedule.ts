/**
 * The training noise schedule of a DDPM-family model: β per training timestep and the cumulative
 * ᾱ_t = Π(1 − β) that every sampler works from. Names follow diffusers' scheduler_config.json.
 */
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';

export interface NoiseScheduleConfig {
  readonly trainTimesteps: number;
  readonly betaSchedule: BetaSchedule;
  readonly betaStart: number;
  readonly betaEnd: number;
  /** explicit betas, one per training timestep; they override the schedule when present */
  readonly trainedBetas: readonly number[] | null;
}

/** Improved DDPM's cosine schedule caps β so that the last steps do not divide by ᾱ ≈ 0. */
const cosineMaxBeta = 0.999;
const cosineOffset = 0.008;

export function betas(config: NoiseScheduleConfig): Float64Array {
  const count = config.trainTimesteps;
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`trainTimesteps must be an integer ≥ 2, got ${count}`);
  if (config.trainedBetas !== null) {
    if (config.trainedBetas.length !== count) {
      throw new RangeError(`trainedBetas has ${config.trainedBetas.length} values for ${count} training timesteps`);
    }
    return Float64Array.from(config.trainedBetas);
  }
  const out = new Float64Array(count);
  const fraction = (index: number): number => index / (count - 1);
  switch (config.betaSchedule) {
    case 'linear':
      for (let t = 0; t < count; t++) out[t] = config.betaStart + fraction(t) * (config.betaEnd - config.betaStart);
      break;
    case 'scaled_linear': {
      // Stable Diffusion's schedule: linear in √β.
      const from = Math.sqrt(config.betaStart);
      const to = Math.sqrt(config.betaEnd);
      for (let t = 0; t < count; t++) out[t] = (from + fraction(t) * (to - from)) ** 2;
      break;
    }
    case 'squaredcos_cap_v2': {
      const alphaBar = (time: number): number => Math.cos(((time + cosineOffset) / (1 + cosineOffset)) * (Math.PI / 2)) ** 2;
      for (let t = 0; t < count; t++) {
        out[t] = Math.min(1 - alphaBar((t + 1) / count) / alphaBar(t / count), cosineMaxBeta);
      }
      break;
    }
  }
  return out;
}

/** ᾱ_t for t = 0 … trainTimesteps − 1. */
export function alphasCumprod(config: NoiseScheduleConfig): Float64Array {
  const beta = betas(config);
  const out = new Float64Array(beta.length);
  let product = 1;
  for (let t = 0; t < beta.length; t++) {
    product *= 1 - beta[t];
    out[t] = product;
  }
  return out;
}
