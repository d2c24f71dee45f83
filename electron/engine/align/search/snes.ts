/**
 * Separable natural evolution strategy (SNES, Schaul et al. 2011), as the paper's code runs EvoTorch's
 * SNES: mean μ = z0, per-coordinate σ = 0.2, λ = 4 + ⌊3 ln d⌋, NES rank utilities u_k, and
 *   μ ← μ + η_μ · σ · Σ u_k ε_k,     σ ← σ · exp(½ η_σ Σ u_k (ε_k² − 1)),
 * with η_μ = 1 and η_σ = 0.2(3 + ln d)/√d. ε_k = (x_k − μ)/σ is read back from the candidate that was
 * evaluated, so a shell-projected candidate updates the distribution where it actually was.
 * Starting at z0 with a small σ (rather than μ = 0, Σ = I) keeps samples near the Gaussian shell.
 */
import { z } from 'zod';
import { checkPopulationSize, freshBase, initialGenome, resumeSearch, startSearch, type Strategy } from './ask-tell.js';
import { defaultLambda, nesUtilities } from './distribution.js';
import { decodeFloat64, encodeFloat64, parsePart } from './state-codec.js';
import type { CandidateOrigin, Search, SearchOptions } from './types.js';

export interface SnesConfig extends Readonly<Record<string, number>> {
  readonly populationSize: number;
  readonly stdevInit: number;
  readonly centerLearningRate: number;
  readonly stdevLearningRate: number;
}

export interface SnesOptions extends SearchOptions {
  readonly stdevInit?: number;
  readonly centerLearningRate?: number;
  readonly stdevLearningRate?: number;
}

export const snesDefaults = { stdevInit: 0.2, centerLearningRate: 1 } as const;

export function defaultSnesStdevLearningRate(dimension: number): number {
  return (0.2 * (3 + Math.log(dimension))) / Math.sqrt(dimension);
}

interface SnesCore {
  readonly mean: Float64Array;
  readonly stdev: Float64Array;
}

const strategy: Strategy<SnesConfig, SnesCore> = {
  algorithm: 'snes',
  lineageNote: "SNES has no parents: every candidate is a sample of its Gaussian (mean and per-coordinate σ), which every earlier generation's ranking has moved",
  propose(config, core, rng) {
    const dimension = core.mean.length;
    const candidates = Array.from({ length: config.populationSize }, () => {
      const sample = new Float32Array(dimension);
      for (let i = 0; i < dimension; i++) sample[i] = core.mean[i] + core.stdev[i] * rng.normal();
      return sample;
    });
    return { candidates, origins: candidates.map((): CandidateOrigin => ({ operator: 'distribution', parents: [] })) };
  },
  update(config, core, ranked) {
    const dimension = core.mean.length;
    const utilities = nesUtilities(ranked.order.length);
    const meanStep = new Float64Array(dimension);
    const stdevGradient = new Float64Array(dimension);
    ranked.order.forEach((candidateIndex, rank) => {
      const candidate = ranked.candidates[candidateIndex];
      const utility = utilities[rank];
      for (let i = 0; i < dimension; i++) {
        const epsilon = (candidate[i] - core.mean[i]) / core.stdev[i];
        meanStep[i] += utility * epsilon;
        stdevGradient[i] += utility * (epsilon * epsilon - 1);
      }
    });
    const mean = new Float64Array(dimension);
    const stdev = new Float64Array(dimension);
    for (let i = 0; i < dimension; i++) {
      mean[i] = core.mean[i] + config.centerLearningRate * core.stdev[i] * meanStep[i];
      stdev[i] = core.stdev[i] * Math.exp(0.5 * config.stdevLearningRate * stdevGradient[i]);
    }
    return { mean, stdev };
  },
  encodeCore(core) {
    return { mean: encodeFloat64(core.mean), stdev: encodeFloat64(core.stdev) };
  },
  decodeConfig(json) {
    return parsePart(configSchema, json, 'config');
  },
  decodeCore(json, _config, dimension) {
    const core = parsePart(coreSchema, json, 'core');
    return { mean: decodeFloat64(core.mean, dimension, 'core.mean'), stdev: decodeFloat64(core.stdev, dimension, 'core.stdev') };
  },
};

const configSchema = z.object({
  populationSize: z.number().int().min(2),
  stdevInit: z.number().positive(),
  centerLearningRate: z.number().positive(),
  stdevLearningRate: z.number().nonnegative(),
});
const coreSchema = z.object({ mean: z.string(), stdev: z.string() });

function positive(value: number, label: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${label} must be a positive number, got ${value}`);
  return value;
}

export function createSnes(options: SnesOptions): Search {
  const base = freshBase(options);
  const config: SnesConfig = {
    populationSize: checkPopulationSize(options.populationSize ?? defaultLambda(options.dimension), 2),
    stdevInit: positive(options.stdevInit ?? snesDefaults.stdevInit, 'stdevInit'),
    centerLearningRate: positive(options.centerLearningRate ?? snesDefaults.centerLearningRate, 'centerLearningRate'),
    stdevLearningRate: positive(options.stdevLearningRate ?? defaultSnesStdevLearningRate(options.dimension), 'stdevLearningRate'),
  };
  const mean = Float64Array.from(initialGenome(options));
  return startSearch(strategy, base, config, { mean, stdev: new Float64Array(options.dimension).fill(config.stdevInit) });
}

export function restoreSnes(state: unknown): Search {
  return resumeSearch(strategy, state);
}
