/**
 * Random search (best-of-N), the paper's black-box baseline: every generation draws fresh N(0, I)
 * genomes (16 by default); the result is the best ever seen. Generation 0 includes z0 so that the
 * search never reports worse than the base noise.
 */
import { z } from 'zod';
import { checkPopulationSize, freshBase, initialGenome, resumeSearch, startSearch, type Strategy } from './ask-tell.js';
import { normalGenome } from './genome.js';
import { decodeFloat32, encodeFloat32, parsePart } from './state-codec.js';
import type { CandidateOrigin, Genome, Search, SearchOptions } from './types.js';

export interface RandomSearchConfig extends Readonly<Record<string, number>> {
  readonly populationSize: number;
}

export const randomSearchDefaults = { populationSize: 16 } as const;

interface RandomSearchCore {
  /** z0 until generation 0 has been told; then null */
  readonly z0: Genome | null;
  readonly dimension: number;
}

const strategy: Strategy<RandomSearchConfig, RandomSearchCore> = {
  algorithm: 'random',
  lineageNote: 'random search has no parents: every candidate is a fresh N(0, I) draw (z0 in generation 0)',
  propose(config, core, rng) {
    const fresh = Array.from({ length: config.populationSize - (core.z0 === null ? 0 : 1) }, () => normalGenome(rng, core.dimension));
    const origins = fresh.map((): CandidateOrigin => ({ operator: 'random', parents: [] }));
    return core.z0 === null
      ? { candidates: fresh, origins }
      : { candidates: [core.z0.slice(), ...fresh], origins: [{ operator: 'initial', parents: [] }, ...origins] };
  },
  update(_config, core) {
    return { z0: null, dimension: core.dimension };
  },
  encodeCore(core) {
    return { z0: core.z0 === null ? null : encodeFloat32(core.z0) };
  },
  decodeConfig(json) {
    return parsePart(z.object({ populationSize: z.number().int().min(1) }), json, 'config');
  },
  decodeCore(json, _config, dimension) {
    const core = parsePart(z.object({ z0: z.string().nullable() }), json, 'core');
    return { z0: core.z0 === null ? null : decodeFloat32(core.z0, dimension, 'core.z0'), dimension };
  },
};

export function createRandomSearch(options: SearchOptions): Search {
  const config = { populationSize: checkPopulationSize(options.populationSize ?? randomSearchDefaults.populationSize, 1) };
  return startSearch(strategy, freshBase(options), config, { z0: initialGenome(options), dimension: options.dimension });
}

export function restoreRandomSearch(state: unknown): Search {
  return resumeSearch(strategy, state);
}
