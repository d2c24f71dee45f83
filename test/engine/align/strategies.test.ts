import { describe, expect, it } from 'vitest';
import { defaultLambda, nesUtilities } from '../../../electron/engine/align/search/distribution.js';
import { createRandomSearch } from '../../../electron/engine/align/search/random.js';
import { rankOrder } from '../../../electron/engine/align/search/ranking.js';
import { createSepCmaes, sepCmaesParameters } from '../../../electron/engine/align/search/sep-cmaes.js';
import { createSnes, defaultSnesStdevLearningRate } from '../../../electron/engine/align/search/snes.js';
import { createZeroOrder, neighbour } from '../../../electron/engine/align/search/zero-order.js';
import { cosine, norm } from '../../../electron/engine/align/vector.js';
import { createRng } from '../../../electron/engine/util/rng.js';
import { baseNoise, shiftedSphere } from './objectives.js';

describe('zero-order neighbourhood search', () => {
  it('draws neighbours at cosine 0.95 with the pivot, on the pivot’s sphere', () => {
    const pivot = baseNoise(4096);
    const rng = createRng(1);
    for (let k = 0; k < 8; k++) {
      const near = neighbour(pivot, 0.95, rng);
      expect(cosine(near, pivot)).toBeCloseTo(0.95, 5);
      expect(norm(near) / norm(pivot)).toBeCloseTo(1, 5);
    }
  });

  it('evaluates the pivot with 16 neighbours first (17 images), then 16 per generation', () => {
    const initial = baseNoise(64);
    const search = createZeroOrder({ dimension: 64, seed: 2, initial });
    const first = search.ask();
    expect(first).toHaveLength(17);
    expect(first[0]).toEqual(initial);
    for (const candidate of first.slice(1)) expect(cosine(candidate, initial)).toBeCloseTo(0.95, 5);
    search.tell(first.map(() => 0));
    expect(search.ask()).toHaveLength(16);
  });

  it('moves the pivot only to a neighbour that beats it', () => {
    const initial = baseNoise(64);
    const search = createZeroOrder({ dimension: 64, seed: 3, initial, direction: 'max' });
    search.tell(search.ask().map((_, index) => (index === 0 ? 10 : 1))); // the pivot wins: stay
    let candidates = search.ask();
    for (const candidate of candidates) expect(cosine(candidate, initial)).toBeCloseTo(0.95, 5);
    search.tell(candidates.map((_, index) => (index === 4 ? 11 : 0))); // neighbour 4 wins: move there
    const moved = candidates[4];
    candidates = search.ask();
    for (const candidate of candidates) expect(cosine(candidate, moved)).toBeCloseTo(0.95, 5);
  });
});

describe('random search', () => {
  it('draws 16 fresh N(0, I) genomes per generation, z0 among the first', () => {
    const initial = baseNoise(256);
    const search = createRandomSearch({ dimension: 256, seed: 4, initial });
    const first = search.ask();
    expect(first).toHaveLength(16);
    expect(first[0]).toEqual(initial);
    search.tell(first.map(() => 0));
    const second = search.ask();
    expect(second).toHaveLength(16);
    const values = second.flatMap((genome) => Array.from(genome));
    expect(values.reduce((sum, value) => sum + value * value, 0) / values.length).toBeCloseTo(1, 1);
    expect(second.some((genome) => genome.every((value, i) => value === initial[i]))).toBe(false);
  });
});

describe('SNES', () => {
  it('uses λ = 4 + ⌊3 ln d⌋ (33 at d = 16,384) and η_σ = 0.2(3 + ln d)/√d', () => {
    expect(defaultLambda(16_384)).toBe(33);
    expect(defaultLambda(65_536)).toBe(37);
    expect(defaultSnesStdevLearningRate(16_384)).toBeCloseTo(0.0199, 4);
    expect(createSnes({ dimension: 16_384, seed: 1 }).ask()).toHaveLength(33);
  });

  it('NES utilities sum to zero, decrease with rank, and give the worse half equal weight', () => {
    const utilities = Array.from(nesUtilities(33));
    expect(utilities.reduce((sum, value) => sum + value, 0)).toBeCloseTo(0, 12);
    for (let k = 1; k < 17; k++) expect(utilities[k]).toBeLessThan(utilities[k - 1]);
    expect(new Set(utilities.slice(17).map((value) => value.toFixed(12))).size).toBe(1);
  });

  it('samples around μ = z0 with σ = 0.2', () => {
    const initial = baseNoise(4096);
    const samples = createSnes({ dimension: 4096, seed: 2, initial }).ask();
    for (const sample of samples.slice(0, 4)) {
      const offset = sample.map((value, i) => value - initial[i]);
      expect(norm(offset) / Math.sqrt(4096)).toBeCloseTo(0.2, 2);
    }
  });

  it('moves μ toward better samples: with η_μ = 1 the mean lands on the utility-weighted samples', () => {
    const dimension = 16;
    const initial = baseNoise(dimension);
    const search = createSnes({ dimension, seed: 3, initial, direction: 'max', populationSize: 6 });
    const samples = search.ask();
    const fitness = samples.map((_, index) => -index); // sample 0 best
    search.tell(fitness);
    const utilities = nesUtilities(6);
    const expected = initial.map((value, i) => value + samples.reduce((sum, sample, k) => sum + utilities[k] * (sample[i] - value), 0));
    const mean = JSON.parse(JSON.stringify(search.state())).core.mean as string;
    const decoded = new Float64Array(new Uint8Array(Buffer.from(mean, 'base64')).buffer);
    for (let i = 0; i < dimension; i++) expect(decoded[i]).toBeCloseTo(expected[i], 5);
  });
});

describe('separable CMA-ES', () => {
  it('uses the standard parameters with the separable learning-rate correction (d + 2)/3', () => {
    const n = 16_384;
    const p = sepCmaesParameters(n, defaultLambda(n));
    expect(p.mu).toBe(16);
    expect(p.weights.reduce((sum, w) => sum + w, 0)).toBeCloseTo(1, 12);
    const fullC1 = 2 / ((n + 1.3) ** 2 + p.muEff);
    expect(p.c1 / fullC1).toBeCloseTo((n + 2) / 3, 6);
    expect(p.c1 + p.cMu).toBeLessThan(1);
    expect(p.chiN).toBeCloseTo(Math.sqrt(n), 0);
  });

  it('starts at z0 with σ0 = 0.1 and adapts σ upward while steps keep pointing the same way', () => {
    const dimension = 64;
    const initial = baseNoise(dimension);
    const search = createSepCmaes({ dimension, seed: 4, initial, direction: 'max' });
    const first = search.ask();
    expect(first).toHaveLength(defaultLambda(dimension));
    const offset = first[0].map((value, i) => value - initial[i]);
    expect(norm(offset) / Math.sqrt(dimension)).toBeGreaterThan(0.05);
    expect(norm(offset) / Math.sqrt(dimension)).toBeLessThan(0.15);
    // a linear objective: the ideal step direction never changes, so CSA must grow σ
    const linear = (genome: Float32Array) => genome.reduce((sum, value) => sum + value, 0);
    search.tell(first.map(linear));
    for (let g = 0; g < 30; g++) search.tell(search.ask().map(linear));
    const sigma = (search.state().core as { sigma: number }).sigma;
    expect(sigma).toBeGreaterThan(0.2);
  });
});

describe('ranking', () => {
  it('puts feasible before infeasible (by violation) before invalid, stable on ties', () => {
    const fitness = [5, Number.NaN, 9, 1, 7, 7, Number.POSITIVE_INFINITY];
    const violations = [0, 0, 0.5, 0, 0.1, 0, 0];
    expect(rankOrder(fitness, violations, 'max')).toEqual([5, 0, 3, 4, 2, 1, 6]);
    expect(rankOrder(fitness, violations, 'min')).toEqual([3, 0, 5, 4, 2, 1, 6]);
  });

  it('a constrained search prefers a feasible candidate over a better infeasible one', () => {
    const search = createRandomSearch({ dimension: 8, seed: 5, direction: 'max' });
    const candidates = search.ask();
    const fitness = candidates.map((_, index) => index);
    const violations = candidates.map((_, index) => (index >= 10 ? 0.2 : 0));
    search.tell(fitness, violations);
    expect(search.best()?.fitness).toBe(9);
    expect(search.best()?.violation).toBe(0);
  });
});

describe('options', () => {
  it('rejects an initial genome of the wrong size or with non-finite values', () => {
    expect(() => createSnes({ dimension: 8, seed: 1, initial: new Float32Array(7) })).toThrow(/7 values, expected dimension 8/);
    expect(() => createSnes({ dimension: 2, seed: 1, initial: Float32Array.of(0, Number.NaN) })).toThrow(/finite/);
    expect(() => createRandomSearch({ dimension: 0, seed: 1 })).toThrow(/dimension/);
  });

  it('an objective sanity check: the shifted sphere is 0 at its centre only', () => {
    const f = shiftedSphere(4);
    expect(f(new Float32Array(4))).toBeGreaterThan(0);
  });
});
