/**
 * Separable CMA-ES (Ros & Hansen 2008): CMA-ES with a diagonal covariance, the only kind that fits
 * d = 16,384–65,536 (a full C would hold d² numbers). Standard parameters (Hansen's tutorial) with
 * positive weights on the best μ = ⌊λ/2⌋, cumulative step-size adaptation on ‖p_σ‖, and the separable
 * correction: the rank-one and rank-μ learning rates c1 and cμ are multiplied by (d + 2)/3, because a
 * diagonal has only d free parameters to learn instead of d(d+1)/2.
 * Defaults follow the paper's code: λ = 4 + ⌊3 ln d⌋, mean = z0, σ0 = 0.1. (That code used EvoTorch's
 * `csa_squared` variant, exp((c_σ/2d_σ)(‖p_σ‖²/d − 1)); in these dimensions the two agree closely.)
 */
import { z } from 'zod';
import { checkPopulationSize, freshBase, initialGenome, resumeSearch, startSearch, type Strategy } from './ask-tell.js';
import { defaultLambda } from './distribution.js';
import { decodeFloat64, encodeFloat64, parsePart } from './state-codec.js';
import type { CandidateOrigin, Search, SearchOptions } from './types.js';

export interface SepCmaesConfig extends Readonly<Record<string, number>> {
  readonly populationSize: number;
  readonly stdevInit: number;
}

export interface SepCmaesOptions extends SearchOptions {
  readonly stdevInit?: number;
}

export const sepCmaesDefaults = { stdevInit: 0.1 } as const;

interface SepCmaesCore {
  readonly mean: Float64Array;
  readonly sigma: number;
  /** the diagonal of C */
  readonly variances: Float64Array;
  readonly pathSigma: Float64Array;
  readonly pathC: Float64Array;
  readonly updates: number;
}

/** Strategy parameters for dimension n and population λ. */
export function sepCmaesParameters(n: number, lambda: number) {
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const total = raw.reduce((sum, value) => sum + value, 0);
  const weights = raw.map((value) => value / total);
  const muEff = 1 / weights.reduce((sum, w) => sum + w * w, 0);
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cC = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const separable = (n + 2) / 3;
  const c1 = Math.min(1, (separable * 2) / ((n + 1.3) ** 2 + muEff));
  const cMu = Math.min(1 - c1, (separable * 2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { mu, weights, muEff, cSigma, dSigma, cC, c1, cMu, chiN };
}

const strategy: Strategy<SepCmaesConfig, SepCmaesCore> = {
  algorithm: 'cmaes',
  lineageNote: "sep-CMA-ES has no parents: every candidate is a sample of its Gaussian (mean, σ, diagonal covariance), which every earlier generation's ranking has moved",
  propose(config, core, rng) {
    const n = core.mean.length;
    const scale = new Float64Array(n);
    for (let i = 0; i < n; i++) scale[i] = core.sigma * Math.sqrt(core.variances[i]);
    const candidates = Array.from({ length: config.populationSize }, () => {
      const sample = new Float32Array(n);
      for (let i = 0; i < n; i++) sample[i] = core.mean[i] + scale[i] * rng.normal();
      return sample;
    });
    return { candidates, origins: candidates.map((): CandidateOrigin => ({ operator: 'distribution', parents: [] })) };
  },
  update(config, core, ranked) {
    const n = core.mean.length;
    const p = sepCmaesParameters(n, config.populationSize);
    // y = (x − m)/σ of the evaluated candidates, so a shell-projected candidate counts where it was.
    const steps = ranked.order.slice(0, p.mu).map((index) => {
      const candidate = ranked.candidates[index];
      const step = new Float64Array(n);
      for (let i = 0; i < n; i++) step[i] = (candidate[i] - core.mean[i]) / core.sigma;
      return step;
    });
    const weightedStep = new Float64Array(n);
    steps.forEach((step, k) => {
      for (let i = 0; i < n; i++) weightedStep[i] += p.weights[k] * step[i];
    });

    const mean = new Float64Array(n);
    const pathSigma = new Float64Array(n);
    const sigmaGain = Math.sqrt(p.cSigma * (2 - p.cSigma) * p.muEff);
    let pathSigmaSquared = 0;
    for (let i = 0; i < n; i++) {
      mean[i] = core.mean[i] + core.sigma * weightedStep[i];
      pathSigma[i] = (1 - p.cSigma) * core.pathSigma[i] + (sigmaGain * weightedStep[i]) / Math.sqrt(core.variances[i]);
      pathSigmaSquared += pathSigma[i] * pathSigma[i];
    }
    const pathSigmaNorm = Math.sqrt(pathSigmaSquared);
    const updates = core.updates + 1;
    // h_σ stalls the rank-one path while ‖p_σ‖ is large, so C does not grow during a fast σ increase.
    const stalled = pathSigmaNorm / Math.sqrt(1 - (1 - p.cSigma) ** (2 * updates)) >= (1.4 + 2 / (n + 1)) * p.chiN;
    const hSigma = stalled ? 0 : 1;
    const cGain = hSigma * Math.sqrt(p.cC * (2 - p.cC) * p.muEff);
    const keep = 1 - p.c1 - p.cMu + (1 - hSigma) * p.c1 * p.cC * (2 - p.cC);
    const pathC = new Float64Array(n);
    const variances = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      pathC[i] = (1 - p.cC) * core.pathC[i] + cGain * weightedStep[i];
      let rankMu = 0;
      for (let k = 0; k < steps.length; k++) rankMu += p.weights[k] * steps[k][i] * steps[k][i];
      variances[i] = keep * core.variances[i] + p.c1 * pathC[i] * pathC[i] + p.cMu * rankMu;
    }
    const sigma = core.sigma * Math.exp((p.cSigma / p.dSigma) * (pathSigmaNorm / p.chiN - 1));
    return { mean, sigma, variances, pathSigma, pathC, updates };
  },
  encodeCore(core) {
    return {
      mean: encodeFloat64(core.mean),
      sigma: core.sigma,
      variances: encodeFloat64(core.variances),
      pathSigma: encodeFloat64(core.pathSigma),
      pathC: encodeFloat64(core.pathC),
      updates: core.updates,
    };
  },
  decodeConfig(json) {
    return parsePart(configSchema, json, 'config');
  },
  decodeCore(json, _config, n) {
    const core = parsePart(coreSchema, json, 'core');
    return {
      mean: decodeFloat64(core.mean, n, 'core.mean'),
      sigma: core.sigma,
      variances: decodeFloat64(core.variances, n, 'core.variances'),
      pathSigma: decodeFloat64(core.pathSigma, n, 'core.pathSigma'),
      pathC: decodeFloat64(core.pathC, n, 'core.pathC'),
      updates: core.updates,
    };
  },
};

const configSchema = z.object({ populationSize: z.number().int().min(2), stdevInit: z.number().positive() });
const coreSchema = z.object({
  mean: z.string(),
  sigma: z.number().positive(),
  variances: z.string(),
  pathSigma: z.string(),
  pathC: z.string(),
  updates: z.number().int().nonnegative(),
});

export function createSepCmaes(options: SepCmaesOptions): Search {
  const base = freshBase(options);
  const stdevInit = options.stdevInit ?? sepCmaesDefaults.stdevInit;
  if (!(stdevInit > 0) || !Number.isFinite(stdevInit)) throw new RangeError(`stdevInit must be a positive number, got ${stdevInit}`);
  const config: SepCmaesConfig = {
    populationSize: checkPopulationSize(options.populationSize ?? defaultLambda(options.dimension), 2),
    stdevInit,
  };
  const n = options.dimension;
  return startSearch(strategy, base, config, {
    mean: Float64Array.from(initialGenome(options)),
    sigma: stdevInit,
    variances: new Float64Array(n).fill(1),
    pathSigma: new Float64Array(n),
    pathC: new Float64Array(n),
    updates: 0,
  });
}

export function restoreSepCmaes(state: unknown): Search {
  return resumeSearch(strategy, state);
}
