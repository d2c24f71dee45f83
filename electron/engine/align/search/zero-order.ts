/**
 * Zero-order neighbourhood search (Ma et al. 2025, the paper's second black-box baseline): around a
 * pivot z, draw neighbours z' = ‖z‖(λ·ẑ + √(1 − λ²)·ŵ) with ŵ a random unit vector orthogonal to ẑ,
 * so cos(z, z') = λ (0.95) and ‖z'‖ = ‖z‖: the neighbours stay on the pivot's sphere. The pivot moves
 * to the best neighbour only if that neighbour beats it.
 * Generation 0 evaluates the pivot (z0) with its first 16 neighbours, 17 images, as the paper's code
 * does per step; later generations reuse the pivot's score and evaluate 16, because the samplers are
 * deterministic and re-scoring the same pivot would only spend an image.
 */
import { z } from 'zod';
import type { Rng } from '../../util/rng.js';
import { checkPopulationSize, freshBase, initialGenome, resumeSearch, startSearch, type Strategy } from './ask-tell.js';
import { dot, norm } from '../vector.js';
import { compareOutcomes } from './ranking.js';
import { decodeFloat32, decodeNumber, encodeFloat32, encodeNumber, parsePart } from './state-codec.js';
import type { CandidateOrigin, Genome, Search, SearchOptions } from './types.js';

export interface ZeroOrderConfig extends Readonly<Record<string, number>> {
  /** neighbours per generation */
  readonly populationSize: number;
  /** cosine similarity λ between the pivot and each neighbour */
  readonly cosine: number;
}

export interface ZeroOrderOptions extends SearchOptions {
  readonly cosine?: number;
}

export const zeroOrderDefaults = { populationSize: 16, cosine: 0.95 } as const;

interface ZeroOrderCore {
  readonly pivot: Genome;
  /** NaN until generation 0 has scored the pivot */
  readonly pivotFitness: number;
  readonly pivotViolation: number;
  readonly scored: boolean;
}

/** A random point at cosine `cosine` from `pivot` on the sphere of the pivot's norm. */
export function neighbour(pivot: Genome, cosine: number, rng: Rng): Genome {
  const dimension = pivot.length;
  const radius = norm(pivot);
  const other = new Float64Array(dimension);
  for (let i = 0; i < dimension; i++) other[i] = rng.normal();
  // Gram–Schmidt against the pivot's direction ẑ = pivot/radius.
  const along = dot(other, pivot) / (radius * radius);
  for (let i = 0; i < dimension; i++) other[i] -= along * pivot[i];
  const acrossScale = (radius * Math.sqrt(1 - cosine * cosine)) / norm(other);
  const result = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) result[i] = cosine * pivot[i] + acrossScale * other[i];
  return result;
}

const strategy: Strategy<ZeroOrderConfig, ZeroOrderCore> = {
  algorithm: 'zero-order',
  lineageNote: 'every neighbour has one parent, the pivot it was drawn around (cosine λ, same norm); generation 0 also scores the pivot, z0',
  propose(config, core, rng) {
    const neighbours = Array.from({ length: config.populationSize }, () => neighbour(core.pivot, config.cosine, rng));
    const origins = neighbours.map((): CandidateOrigin => ({ operator: 'neighbour', parents: [0] }));
    return core.scored
      ? { candidates: neighbours, origins, pool: [core.pivot] }
      : { candidates: [core.pivot.slice(), ...neighbours], origins: [{ operator: 'initial', parents: [] }, ...origins], pool: [core.pivot] };
  },
  update(_config, core, ranked) {
    let { pivot, pivotFitness, pivotViolation } = core;
    if (!core.scored) {
      pivotFitness = ranked.fitness[0];
      pivotViolation = ranked.violations[0];
    }
    const top = ranked.order[0];
    const moves = compareOutcomes(ranked.fitness[top], ranked.violations[top], pivotFitness, pivotViolation, ranked.direction) < 0;
    if (moves) {
      pivot = ranked.candidates[top];
      pivotFitness = ranked.fitness[top];
      pivotViolation = ranked.violations[top];
    }
    return { pivot, pivotFitness, pivotViolation, scored: true };
  },
  encodeCore(core) {
    return {
      pivot: encodeFloat32(core.pivot),
      pivotFitness: encodeNumber(core.pivotFitness),
      pivotViolation: encodeNumber(core.pivotViolation),
      scored: core.scored,
    };
  },
  decodeConfig(json) {
    return parsePart(z.object({ populationSize: z.number().int().min(1), cosine: z.number().gt(-1).lt(1) }), json, 'config');
  },
  decodeCore(json, _config, dimension) {
    const core = parsePart(
      z.object({ pivot: z.string(), pivotFitness: z.number().nullable(), pivotViolation: z.number().nullable(), scored: z.boolean() }),
      json,
      'core',
    );
    return {
      pivot: decodeFloat32(core.pivot, dimension, 'core.pivot'),
      pivotFitness: decodeNumber(core.pivotFitness),
      pivotViolation: decodeNumber(core.pivotViolation),
      scored: core.scored,
    };
  },
};

export function createZeroOrder(options: ZeroOrderOptions): Search {
  const cosine = options.cosine ?? zeroOrderDefaults.cosine;
  if (!(cosine > -1 && cosine < 1)) throw new RangeError(`cosine must lie in (−1, 1), got ${cosine}`);
  if (options.dimension < 2) throw new RangeError('zero-order search needs dimension ≥ 2 to have a direction orthogonal to the pivot');
  const config = { populationSize: checkPopulationSize(options.populationSize ?? zeroOrderDefaults.populationSize, 1), cosine };
  const pivot = initialGenome(options);
  if (norm(pivot) === 0) throw new RangeError('zero-order search cannot start from the zero genome: it has no direction');
  return startSearch(strategy, freshBase(options), config, { pivot, pivotFitness: Number.NaN, pivotViolation: 0, scored: false });
}

export function restoreZeroOrder(state: unknown): Search {
  return resumeSearch(strategy, state);
}
