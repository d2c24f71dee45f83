import { describe, expect, it } from 'vitest';
import { createCosyne, onePointCrossover } from '../../../electron/engine/align/search/cosyne.js';
import { restoreSearch } from '../../../electron/engine/align/search/index.js';
import { norm } from '../../../electron/engine/align/vector.js';
import { baseNoise, shiftedSphere } from './objectives.js';

const dimension = 32;
const objective = shiftedSphere(dimension);

/** Sorted values of coordinate i across genomes: the multiset a permutation must preserve. */
function column(genomes: readonly Float32Array[], i: number): number[] {
  return genomes.map((genome) => genome[i]).sort((a, b) => a - b);
}

/** The best `count` candidates by minimised fitness, best first. */
function bestOf(candidates: Float32Array[], fitness: number[], count: number): Float32Array[] {
  return fitness
    .map((value, index) => ({ value, index }))
    .sort((a, b) => a.value - b.value)
    .slice(0, count)
    .map(({ index }) => candidates[index]);
}

describe('CoSyNE as the paper configures it', () => {
  it('starts from z0 plus 15 N(0, I) genomes: 16 images in generation 0', () => {
    const initial = baseNoise(dimension);
    const search = createCosyne({ dimension, seed: 1, initial });
    const population = search.ask();
    expect(population).toHaveLength(16);
    expect(population[0]).toEqual(initial);
    const others = population.slice(1).flatMap((genome) => Array.from(genome));
    const mean = others.reduce((sum, value) => sum + value, 0) / others.length;
    const variance = others.reduce((sum, value) => sum + (value - mean) ** 2, 0) / others.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(variance).toBeGreaterThan(0.8);
    expect(variance).toBeLessThan(1.2);
  });

  it('then evaluates 8 children and 16 permuted genomes per generation: 16 + 24·T images', () => {
    const search = createCosyne({ dimension, seed: 2, direction: 'min' });
    search.tell(search.ask().map(objective));
    for (let t = 1; t <= 5; t++) {
      const candidates = search.ask();
      expect(candidates).toHaveLength(24);
      search.tell(candidates.map(objective));
      expect(search.evaluations).toBe(16 + 24 * t);
    }
  });

  it('permutes each coordinate across the population and keeps the best 16 of the 24 new genomes', () => {
    const search = createCosyne({ dimension, seed: 3, direction: 'min' });
    let population = search.ask();
    let fitness = population.map(objective);
    search.tell(fitness);
    let sorted = bestOf(population, fitness, 16);
    for (let generation = 1; generation <= 3; generation++) {
      const candidates = search.ask();
      const permuted = candidates.slice(8);
      for (let i = 0; i < dimension; i++) expect(column(permuted, i)).toEqual(column(sorted, i));
      // a permutation that moved nothing would make the permuted genomes the population itself
      expect(permuted.filter((genome, m) => genome.every((value, i) => value === sorted[m][i])).length).toBeLessThan(16);
      population = candidates;
      fitness = candidates.map(objective);
      search.tell(fitness);
      sorted = bestOf(population, fitness, 16);
    }
  });

  it('breeds children by one-point crossover of two of the best 4 (mutation off to see it)', () => {
    const search = createCosyne({ dimension, seed: 4, direction: 'min', mutationStdev: 0 });
    const population = search.ask();
    const fitness = population.map(objective);
    search.tell(fitness);
    const parents = bestOf(population, fitness, 4);
    const children = search.ask().slice(0, 8);
    for (let pair = 0; pair < 4; pair++) {
      const [first, second] = [children[2 * pair], children[2 * pair + 1]];
      const explained = parents.some((a) =>
        parents.some((b) =>
          Array.from({ length: dimension - 1 }, (_, k) => k + 1).some((cut) => {
            const [x, y] = onePointCrossover(a, b, cut);
            return x.every((value, i) => value === first[i]) && y.every((value, i) => value === second[i]);
          }),
        ),
      );
      expect(explained, `children ${2 * pair} and ${2 * pair + 1}`).toBe(true);
    }
  });

  it('mutates every coordinate of a child with σ = 0.1', () => {
    const wide = 4096;
    const plain = createCosyne({ dimension: wide, seed: 5, mutationStdev: 0 });
    const mutated = createCosyne({ dimension: wide, seed: 5 });
    const fitness = plain.ask().map((genome) => genome[0]);
    expect(mutated.ask()).toEqual(plain.ask());
    plain.tell(fitness);
    mutated.tell(fitness);
    // same seed, same rng draws up to the mutation: the difference is the mutation itself
    const [before, after] = [plain.ask()[0], mutated.ask()[0]];
    const noise = after.map((value, i) => value - before[i]);
    expect(noise.every((value) => value !== 0)).toBe(true);
    expect(norm(noise) / Math.sqrt(wide)).toBeCloseTo(0.1, 2);
  });

  it('scales with --pop: a quarter are parents, twice as many children, the whole population permuted', () => {
    const search = createCosyne({ dimension, seed: 8, populationSize: 32 });
    expect(search.ask()).toHaveLength(32);
    search.tell(search.ask().map(objective));
    expect(search.ask()).toHaveLength(16 + 32);
    expect(() => createCosyne({ dimension, seed: 8, populationSize: 3 })).toThrow('populationSize must be an integer ≥ 4, got 3');
  });

  it('one-point crossover swaps tails at the cut', () => {
    const a = Float32Array.of(1, 2, 3, 4);
    const b = Float32Array.of(5, 6, 7, 8);
    expect(onePointCrossover(a, b, 1)).toEqual([Float32Array.of(1, 6, 7, 8), Float32Array.of(5, 2, 3, 4)]);
    expect(onePointCrossover(a, b, 3)).toEqual([Float32Array.of(1, 2, 3, 8), Float32Array.of(5, 6, 7, 4)]);
  });

  it('keeps the best ever even when the population loses it', () => {
    const search = createCosyne({ dimension, seed: 6, direction: 'max' });
    search.tell(search.ask().map((_, index) => (index === 5 ? 100 : 0)));
    const champion = search.best();
    search.tell(search.ask().map(() => 1));
    expect(search.best()).toEqual(champion);
  });

  it('resumes from a state saved before generation 0 was told', () => {
    const search = createCosyne({ dimension, seed: 7, initial: baseNoise(dimension) });
    const asked = search.ask();
    const resumed = restoreSearch(JSON.parse(JSON.stringify(search.state())));
    expect(resumed.ask()).toEqual(asked);
  });
});
