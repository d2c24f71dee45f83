import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchAlign } from '../../../electron/engine/bench/align.js';
import { writeTinyEdgeTuneModel } from '../../../electron/engine/diffusion/index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-bench-align-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the align bench', () => {
  it('compares each method with random search at equal images and measures bookkeeping and storage', async () => {
    const modelFolder = join(root, 'tiny');
    await writeTinyEdgeTuneModel(modelFolder, { imageSize: 16 });
    const figures = await benchAlign({
      seeds: 2,
      images: 41,
      populationSize: 8,
      denoiseSteps: 2,
      algorithms: ['cosyne', 'random', 'zero-order'],
      modelFolder,
      session: { executionProviders: ['cpu'], intraOpNumThreads: 1 },
    });
    expect(figures.seeds).toEqual([1, 2]);
    expect(figures.model).toMatchObject({ source: modelFolder, latentShape: [3, 16, 16], denoiseSteps: 2 });
    const byName = Object.fromEntries(figures.methods.map((method) => [method.algorithm, method]));
    // CoSyNE with population 8: 8 + 12 + 12 = 32 images, 44 would pass 41; random 5 × 8 = 40; zero-order 9 + 8 × 4 = 41.
    expect([byName.cosyne.imagesMean, byName.random.imagesMean, byName['zero-order'].imagesMean]).toEqual([32, 40, 41]);
    expect(byName.random.relativeToRandom).toBe(1);
    for (const method of figures.methods) {
      expect(method.relativeToRandom).toBeCloseTo(method.bestRewardMean / method.randomBestRewardMean, 12);
      expect(method.bookkeepingShareMedian).toBeGreaterThan(0);
      expect(method.bookkeepingShareMedian).toBeLessThan(1);
      expect(method.eaBookkeepingShareMedian).toBeGreaterThan(0);
      expect(method.eaBookkeepingShareMedian).toBeLessThanOrEqual(method.bookkeepingShareMedian);
      expect(method.populationStorageShare).toBeGreaterThan(0);
      expect(method.improvementOverBaselinePct).toBeGreaterThanOrEqual(0);
    }
    expect(figures.targets.storageWithin2xPopulation).toBe(true);
  });
});
