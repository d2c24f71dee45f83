/**
 * CoSyNE (Gomez et al. 2008) configured as the paper's code runs it through EvoTorch
 * (configs/sd.yaml: popsize 16, tournament 2, σ_mutation 0.1, mutation probability 1, permute_all,
 * elitism 0.01 → 0 elites, eta null → one-point crossover). One generation:
 *   parents   = the best ⌊population/4⌋ members (4);
 *   children  = 2·parents (8): tournaments of size `tournamentSize` among the parents pick 8
 *               winners, paired first half with second half; each pair gives two one-point
 *               crossover children; every coordinate then gets N(0, σ²) mutation;
 *   permuted  = for every coordinate, that coordinate's values shuffled across the whole population
 *               (16): a population-wide uniform recombination that keeps per-coordinate marginals
 *               Gaussian, which is what keeps the genomes looking like diffusion noise;
 *   next population = the best `population` of the 24 new candidates. The old population is not
 *               merged back, so the population best can drop; best() keeps the best ever seen.
 * Generation 0 evaluates the initial population, z0 plus population−1 N(0, I) genomes, so the
 * number of images is 16 + 24·T after T generations past the first, as in the paper.
 */
import { z } from 'zod';
import type { Rng } from '../../util/rng.js';
import { checkPopulationSize, freshBase, initialGenome, resumeSearch, startSearch, type Strategy } from './ask-tell.js';
import { normalGenome } from './genome.js';
import { decodeFloat32, decodeNumber, encodeFloat32, encodeNumber, invalidState, nullableNumbers, parsePart } from './state-codec.js';
import type { CandidateOrigin, Genome, Search, SearchOptions } from './types.js';

export interface CosyneConfig extends Readonly<Record<string, number>> {
  readonly populationSize: number;
  readonly parents: number;
  readonly children: number;
  readonly tournamentSize: number;
  readonly mutationStdev: number;
}

export interface CosyneOptions extends SearchOptions {
  readonly tournamentSize?: number;
  readonly mutationStdev?: number;
}

export const cosyneDefaults = { populationSize: 16, tournamentSize: 2, mutationStdev: 0.1 } as const;

type CosyneCore =
  | { readonly stage: 'initial'; readonly z0: Genome }
  /** population sorted best first, with the scores it was ranked by */
  | { readonly stage: 'evolving'; readonly population: readonly Genome[]; readonly fitness: readonly number[]; readonly violations: readonly number[] };

/** Winner of a tournament among sorted parents: the lowest index drawn is the best. */
function tournament(rng: Rng, parents: number, size: number): number {
  let winner = parents;
  for (let round = 0; round < size; round++) winner = Math.min(winner, rng.int(parents));
  return winner;
}

/** Two children of a one-point crossover: heads swap at a cut in [1, d−1]. */
export function onePointCrossover(a: Genome, b: Genome, cut: number): [Genome, Genome] {
  const first = new Float32Array(a.length);
  const second = new Float32Array(a.length);
  first.set(a.subarray(0, cut));
  first.set(b.subarray(cut), cut);
  second.set(b.subarray(0, cut));
  second.set(a.subarray(cut), cut);
  return [first, second];
}

/** Children with their origins: `parents` index the sorted population. */
function breedChildren(config: CosyneConfig, population: readonly Genome[], rng: Rng): { children: Genome[]; origins: CandidateOrigin[] } {
  const dimension = population[0].length;
  const winners = Array.from({ length: config.children }, () => tournament(rng, config.parents, config.tournamentSize));
  const pairs = config.children / 2;
  const children: Genome[] = [];
  const origins: CandidateOrigin[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const cut = dimension > 1 ? 1 + rng.int(dimension - 1) : dimension;
    const [first, second] = [winners[pair], winners[pair + pairs]];
    children.push(...onePointCrossover(population[first], population[second], cut));
    // The second child takes its head from the second parent: same cut, parents swapped.
    origins.push({ operator: 'crossover', parents: [first, second], cut }, { operator: 'crossover', parents: [second, first], cut });
  }
  if (config.mutationStdev > 0) {
    for (const child of children) {
      for (let i = 0; i < dimension; i++) child[i] += config.mutationStdev * rng.normal();
    }
  }
  return { children, origins };
}

/** CoSyNE's permutation: each coordinate's values shuffled independently across the population. */
export function permuteCoordinates(population: readonly Genome[], rng: Rng): Genome[] {
  const size = population.length;
  const dimension = population[0].length;
  const permuted = population.map(() => new Float32Array(dimension));
  const members = new Int32Array(size);
  for (let i = 0; i < dimension; i++) {
    for (let m = 0; m < size; m++) members[m] = m;
    for (let m = size - 1; m > 0; m--) {
      const j = rng.int(m + 1);
      const swap = members[m];
      members[m] = members[j];
      members[j] = swap;
    }
    for (let m = 0; m < size; m++) permuted[m][i] = population[members[m]][i];
  }
  return permuted;
}

const strategy: Strategy<CosyneConfig, CosyneCore> = {
  algorithm: 'cosyne',
  lineageNote:
    'parents index the previous generation\'s surviving population, best first; crossover children name their two parents (head, tail) and the cut, then every coordinate was mutated; permuted members take each coordinate from one member of the whole population',
  propose(config, core, rng) {
    if (core.stage === 'initial') {
      const random = Array.from({ length: config.populationSize - 1 }, () => normalGenome(rng, core.z0.length));
      return {
        candidates: [core.z0.slice(), ...random],
        origins: [{ operator: 'initial', parents: [] }, ...random.map((): CandidateOrigin => ({ operator: 'random', parents: [] }))],
      };
    }
    const { children, origins } = breedChildren(config, core.population, rng);
    const everyMember = core.population.map((_, index) => index);
    const permuted = permuteCoordinates(core.population, rng);
    return {
      candidates: [...children, ...permuted],
      origins: [...origins, ...permuted.map((): CandidateOrigin => ({ operator: 'permutation', parents: everyMember }))],
      pool: core.population,
    };
  },
  update(config, _core, ranked) {
    const kept = ranked.order.slice(0, config.populationSize);
    return {
      stage: 'evolving',
      population: kept.map((index) => ranked.candidates[index]),
      fitness: kept.map((index) => ranked.fitness[index]),
      violations: kept.map((index) => ranked.violations[index]),
    };
  },
  encodeCore(core) {
    if (core.stage === 'initial') return { stage: 'initial', z0: encodeFloat32(core.z0) };
    return {
      stage: 'evolving',
      population: core.population.map(encodeFloat32),
      fitness: core.fitness.map(encodeNumber),
      violations: core.violations.map(encodeNumber),
    };
  },
  decodeConfig(json) {
    return makeConfig(parsePart(configSchema, json, 'config'));
  },
  decodeCore(json, config, dimension) {
    const core = parsePart(coreSchema, json, 'core');
    if (core.stage === 'initial') return { stage: 'initial', z0: decodeFloat32(core.z0, dimension, 'core.z0') };
    if (core.population.length !== config.populationSize || core.fitness.length !== config.populationSize) {
      throw invalidState(`core.population has ${core.population.length} members, config says ${config.populationSize}`);
    }
    return {
      stage: 'evolving',
      population: core.population.map((text, index) => decodeFloat32(text, dimension, `core.population[${index}]`)),
      fitness: core.fitness.map(decodeNumber),
      violations: core.violations.map(decodeNumber),
    };
  },
};

const configSchema = z.object({
  populationSize: z.number(),
  tournamentSize: z.number(),
  mutationStdev: z.number(),
});

const coreSchema = z.discriminatedUnion('stage', [
  z.object({ stage: z.literal('initial'), z0: z.string() }),
  z.object({ stage: z.literal('evolving'), population: z.array(z.string()), fitness: nullableNumbers, violations: nullableNumbers }),
]);

function makeConfig(options: { populationSize?: number; tournamentSize?: number; mutationStdev?: number }): CosyneConfig {
  const populationSize = checkPopulationSize(options.populationSize ?? cosyneDefaults.populationSize, 4);
  const tournamentSize = checkPopulationSize(options.tournamentSize ?? cosyneDefaults.tournamentSize, 1, 'tournamentSize');
  const mutationStdev = options.mutationStdev ?? cosyneDefaults.mutationStdev;
  if (!(mutationStdev >= 0) || !Number.isFinite(mutationStdev)) throw new RangeError(`mutationStdev must be ≥ 0, got ${mutationStdev}`);
  const parents = Math.floor(populationSize / 4);
  // EvoTorch's crossover rate 2.0: twice as many children as parents.
  return { populationSize, parents, children: 2 * parents, tournamentSize, mutationStdev };
}

export function createCosyne(options: CosyneOptions): Search {
  const base = freshBase(options);
  const config = makeConfig(options);
  return startSearch(strategy, base, config, { stage: 'initial', z0: initialGenome(options) });
}

export function restoreCosyne(state: unknown): Search {
  return resumeSearch(strategy, state);
}
