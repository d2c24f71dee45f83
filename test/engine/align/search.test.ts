import { describe, expect, it } from 'vitest';
import { algorithmNames, createSearch, restoreSearch, type AlgorithmName, type Search } from '../../../electron/engine/align/search/index.js';
import { norm } from '../../../electron/engine/align/vector.js';
import { isUserError } from '../../../electron/engine/errors.js';
import { baseNoise, bestWithin, shiftedSphere } from './objectives.js';

const sphere64 = shiftedSphere(64);

function generations(search: Search, objective: (genome: Float32Array) => number, count: number): Float32Array[][] {
  const asked: Float32Array[][] = [];
  for (let g = 0; g < count; g++) {
    const candidates = search.ask();
    asked.push(candidates);
    search.tell(candidates.map(objective));
  }
  return asked;
}

describe.each(algorithmNames)('%s search', (algorithm: AlgorithmName) => {
  const options = { dimension: 64, seed: 11, direction: 'min' as const };

  it('is deterministic: the same seed gives the same candidates, another seed others', () => {
    const first = generations(createSearch(algorithm, options), sphere64, 4);
    const second = generations(createSearch(algorithm, options), sphere64, 4);
    expect(second).toEqual(first);
    const other = generations(createSearch(algorithm, { ...options, seed: 12 }), sphere64, 4);
    expect(other[3][0]).not.toEqual(first[3][0]);
  });

  it('asks the same candidates until told', () => {
    const search = createSearch(algorithm, options);
    search.tell(search.ask().map(sphere64));
    expect(search.ask()).toEqual(search.ask());
  });

  it('continues from a saved state exactly as an uninterrupted run', () => {
    const uninterrupted = generations(createSearch(algorithm, options), sphere64, 6);

    const interrupted = createSearch(algorithm, options);
    const firstPart = generations(interrupted, sphere64, 3);
    interrupted.ask(); // saved between ask and tell: the restored search must ask the same again
    const saved = JSON.parse(JSON.stringify(interrupted.state()));
    const resumed = restoreSearch(saved);
    expect(resumed.generation).toBe(3);
    expect(resumed.evaluations).toBe(interrupted.evaluations);
    const secondPart = generations(resumed, sphere64, 3);

    expect([...firstPart, ...secondPart]).toEqual(uninterrupted);
    expect(resumed.state()).toEqual(
      (() => {
        const reference = createSearch(algorithm, options);
        generations(reference, sphere64, 6);
        return reference.state();
      })(),
    );
  });

  it('re-normalises every candidate to the Gaussian shell, norm √d, when asked', () => {
    const search = createSearch(algorithm, { ...options, shell: true });
    for (const candidates of generations(search, sphere64, 3)) {
      for (const candidate of candidates) expect(norm(candidate)).toBeCloseTo(8, 4);
    }
  });

  it('ranks NaN and ±Infinity fitness worst, counts them, and never reports them as best', () => {
    const search = createSearch(algorithm, { ...options, direction: 'max' });
    const candidates = search.ask();
    const fitness = candidates.map((_, index) => [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY][index] ?? -index);
    const report = search.tell(fitness);
    expect(report.invalid).toBe(3);
    expect(search.invalid).toBe(3);
    expect(report.best?.fitness).toBe(-3);
    expect(report.generationBest?.index).toBe(3);
    expect(Number.isFinite(report.meanFitness)).toBe(true);
    // the next generation is still made of finite genomes
    for (const candidate of search.ask()) expect(candidate.every(Number.isFinite)).toBe(true);
  });

  it('reports nothing as best while every candidate is invalid', () => {
    const search = createSearch(algorithm, options);
    const report = search.tell(search.ask().map(() => Number.NaN));
    expect(report.best).toBeNull();
    expect(report.generationBest).toBeNull();
    expect(Number.isNaN(report.meanFitness)).toBe(true);
    expect(search.best()).toBeNull();
    search.tell(search.ask().map(sphere64));
    expect(search.best()).not.toBeNull();
  });

  it('rejects a tell that does not match the ask', () => {
    const search = createSearch(algorithm, options);
    expect(() => search.tell([1])).toThrow(/before ask/);
    const size = search.ask().length;
    expect(() => search.tell([1, 2])).toThrow(`got 2 fitness values for ${size} candidates`);
    expect(() => search.tell(Array(size).fill(1), Array(size).fill(-1))).toThrow(/violations are ≥ 0/);
  });

  it('refuses a damaged state, naming the broken field', () => {
    const search = createSearch(algorithm, options);
    search.tell(search.ask().map(sphere64));
    const state = JSON.parse(JSON.stringify(search.state()));
    let caught: unknown;
    try {
      restoreSearch({ ...state, core: {} });
    } catch (error) {
      caught = error;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/core\./);
    expect(() => restoreSearch({ ...state, schema: 'something-else' })).toThrow(/schema/);
  });
});

describe('searches improve a shifted sphere and beat random search at equal images', () => {
  // Every search starts from the same z0; f(x) = ‖x − c‖² with c ~ N(0, ¼I).
  const cases: { dimension: number; evaluations: number; factors: Record<Exclude<AlgorithmName, 'random'>, number> }[] = [
    // d = 64, 1,500 images: measured factors ~80–90 (CoSyNE), ~120–160 (SNES), ~60–75 (sep-CMA-ES), ~3.5–5.5 (zero-order)
    { dimension: 64, evaluations: 1500, factors: { cosyne: 40, snes: 80, cmaes: 30, 'zero-order': 2.5 } },
    // d = 4,096, 1,500 images: measured ~1.35, ~1.25, ~1.12 and ~1.15
    { dimension: 4096, evaluations: 1500, factors: { cosyne: 1.25, snes: 1.15, cmaes: 1.07, 'zero-order': 1.08 } },
  ];

  it.each(cases)('d = $dimension within $evaluations images', ({ dimension, evaluations, factors }) => {
    const objective = shiftedSphere(dimension);
    const initial = baseNoise(dimension);
    const start = objective(initial);
    const options = { dimension, seed: 3, direction: 'min' as const, initial };
    const random = bestWithin(createSearch('random', options), objective, evaluations);
    for (const [algorithm, factor] of Object.entries(factors) as [AlgorithmName, number][]) {
      const best = bestWithin(createSearch(algorithm, options), objective, evaluations);
      expect(start / best, `${algorithm}: f(z0) / best`).toBeGreaterThan(factor);
      if (algorithm !== 'zero-order') expect(best, `${algorithm} vs random search`).toBeLessThan(random);
    }
  });

  it('maximises as well as minimises: −f rises 5-fold toward 0 within 800 images', () => {
    const objective = shiftedSphere(64);
    const negated = (genome: Float32Array) => -objective(genome);
    for (const algorithm of ['cosyne', 'snes', 'cmaes'] as const) {
      const initial = baseNoise(64);
      const best = bestWithin(createSearch(algorithm, { dimension: 64, seed: 5, direction: 'max', initial }), negated, 800);
      expect(best, algorithm).toBeGreaterThan(-objective(initial) / 5);
    }
  });
});
