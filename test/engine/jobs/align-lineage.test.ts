import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSearch, restoreSearch, type Genome } from '../../../electron/engine/align/index.js';
import { genomeHash, type AlignModel, type CandidateRecord } from '../../../electron/engine/jobs/align/index.js';
import { alignSettings, openTinyModel, readJson, startRun } from './align-helpers.js';

const dimension = 64;

function fitnessOf(candidates: readonly Genome[]): number[] {
  return candidates.map((genome) => genome.reduce((sum, value) => sum - value * value, 0));
}

describe('lineage reported by the searches', () => {
  it('CoSyNE: crossover children come from their two named parents at the cut; permuted members from the population', () => {
    const search = createSearch('cosyne', { dimension, seed: 3 });
    const initial = search.lineage();
    expect(initial.origins.map((origin) => origin.operator)).toEqual(['initial', ...Array(15).fill('random')]);
    expect(initial.pool).toEqual([]);
    search.tell(fitnessOf(search.ask()));

    const candidates = search.ask();
    const { pool, origins, note } = search.lineage();
    expect(pool).toHaveLength(16);
    expect(note).toMatch(/crossover/);
    expect(origins.map((origin) => origin.operator)).toEqual([...Array(8).fill('crossover'), ...Array(16).fill('permutation')]);
    origins.slice(0, 8).forEach((origin, index) => {
      const [head, tail] = origin.parents.map((parent) => pool[parent]);
      const cut = origin.cut as number;
      // σ = 0.1 mutation on top of the crossover: every coordinate within 0.6 (6σ) of its parent's.
      for (let i = 0; i < dimension; i++) expect(Math.abs(candidates[index][i] - (i < cut ? head : tail)[i])).toBeLessThan(0.6);
      // Parents are the best quarter of the sorted population.
      expect(Math.max(...origin.parents)).toBeLessThan(4);
    });
    origins.slice(8).forEach((origin, offset) => {
      expect(origin.parents).toEqual([...Array(16).keys()]);
      const child = candidates[8 + offset];
      for (let i = 0; i < dimension; i++) expect(pool.map((member) => member[i])).toContain(child[i]);
    });
  });

  it('zero-order: every neighbour names the pivot; the pivot is z0 until a neighbour beats it', () => {
    const search = createSearch('zero-order', { dimension, seed: 4 });
    const z0 = search.ask()[0];
    const first = search.lineage();
    expect(first.origins[0]).toEqual({ operator: 'initial', parents: [] });
    expect(first.origins.slice(1).every((origin) => origin.operator === 'neighbour' && origin.parents[0] === 0)).toBe(true);
    expect(genomeHash(first.pool[0])).toBe(genomeHash(z0));
    search.tell(fitnessOf(search.ask()));
    expect(search.lineage().origins).toHaveLength(16);
  });

  it('SNES, sep-CMA-ES and random search say they have no parents', () => {
    for (const algorithm of ['snes', 'cmaes', 'random'] as const) {
      const search = createSearch(algorithm, { dimension, seed: 5, populationSize: 8 });
      search.tell(fitnessOf(search.ask()));
      const { origins, pool, note } = search.lineage();
      expect(pool).toEqual([]);
      expect(origins.every((origin) => origin.parents.length === 0)).toBe(true);
      expect(note).toMatch(/no parents/);
    }
  });

  it('is the same after a restore as before it', () => {
    const search = createSearch('cosyne', { dimension, seed: 6 });
    search.tell(fitnessOf(search.ask()));
    const restored = restoreSearch(JSON.parse(JSON.stringify(search.state())));
    expect(restored.lineage()).toEqual(search.lineage());
    expect(restored.ask()).toEqual(search.ask());
  });
});

describe('lineage recorded by a run', () => {
  let root: string;
  let modelFolder: string;
  let model: AlignModel;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'edgetune-align-lineage-'));
    ({ folder: modelFolder, model } = await openTinyModel(root));
  });
  afterAll(async () => {
    await model?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("names each CoSyNE child's parents by genome hash, all from the previous generation", async () => {
    const folder = join(root, 'cosyne');
    await startRun({ folder, model, settings: alignSettings(modelFolder, 'cosyne', { budget: { generations: 3 } }) });
    const read = (generation: number) =>
      readJson<{ candidates: CandidateRecord[]; lineageNote: string; generationSeed: number }>(join(folder, `generations/${generation}/candidates.json`));
    const [zero, one, two] = [await read(0), await read(1), await read(2)];
    expect(zero.candidates[0]).toMatchObject({ operator: 'initial', parents: [] });
    expect(one.lineageNote).toMatch(/parents/);
    expect(typeof one.generationSeed).toBe('number');
    const previous = new Set(zero.candidates.map((candidate) => candidate.genomeHash));
    for (const candidate of one.candidates) {
      expect(candidate.parents.length).toBe(candidate.operator === 'crossover' ? 2 : 16);
      for (const parent of candidate.parents) expect(previous.has(parent)).toBe(true);
    }
    // Generation 2 descends from generation 1's best 16 of 24: its parents are among those.
    const survivors = new Set(one.candidates.map((candidate) => candidate.genomeHash));
    expect(two.candidates.every((candidate) => candidate.parents.every((parent) => survivors.has(parent)))).toBe(true);
    expect(new Set(two.candidates.flatMap((candidate) => candidate.parents)).size).toBe(16);
  });

  it('names the pivot as the parent of every zero-order neighbour, and says SNES has none', async () => {
    const zeroOrder = join(root, 'zero-order');
    await startRun({ folder: zeroOrder, model, settings: alignSettings(modelFolder, 'zero-order', { budget: { generations: 2 } }) });
    const zero = await readJson<{ candidates: CandidateRecord[] }>(join(zeroOrder, 'generations/0/candidates.json'));
    expect(zero.candidates.slice(1).every((candidate) => candidate.operator === 'neighbour' && candidate.parents[0] === zero.candidates[0].genomeHash)).toBe(true);

    const snes = join(root, 'snes');
    await startRun({ folder: snes, model, settings: alignSettings(modelFolder, 'snes', { budget: { generations: 1 }, populationSize: 6 }) });
    const generation = await readJson<{ candidates: CandidateRecord[]; lineageNote: string }>(join(snes, 'generations/0/candidates.json'));
    expect(generation.candidates.every((candidate) => candidate.operator === 'distribution' && candidate.parents.length === 0)).toBe(true);
    expect(generation.lineageNote).toMatch(/no parents/);
  });
});
