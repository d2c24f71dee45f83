import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewardFromSpec } from '../../../electron/engine/align/index.js';
import {
  ALIGN_SCHEMA,
  readCheckpoint,
  readGenomeFile,
  resumedBudget,
  runAlign,
  type AlignDocument,
  type AlignModel,
  type CandidateRecord,
} from '../../../electron/engine/jobs/align/index.js';
import { decodePng } from '../../../electron/engine/store/png.js';
import { RunFolder } from '../../../electron/engine/store/runs.js';
import { alignSettings, openTinyModel, outcome, readJson, startRun } from './align-helpers.js';

let root: string;
let modelFolder: string;
let model: AlignModel;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-align-run-'));
  ({ folder: modelFolder, model } = await openTinyModel(root));
});
afterAll(async () => {
  await model?.close();
  await rm(root, { recursive: true, force: true });
});

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(folder)) total += (await stat(join(folder, name))).size;
  return total;
}

describe('an align run on a tiny generated model', () => {
  let folder: string;
  let document: AlignDocument;
  beforeAll(async () => {
    folder = join(root, 'cosyne');
    const result = await startRun({ folder, model, settings: alignSettings(modelFolder, 'cosyne', { budget: { generations: 3 } }) });
    expect(result.status).toBe('complete');
    document = result.document;
  });

  it('logs every generation: best, mean and median reward, images, wall time, peak memory', async () => {
    expect(document).toMatchObject({ schema: ALIGN_SCHEMA, status: 'complete', algorithm: 'cosyne', populationSize: 16, images: 16 + 24 + 24 });
    expect(document.reward).toMatchObject({ spec: 'jpeg-size', direction: 'min' });
    expect(document.model).toMatchObject({ kind: 'edgetune', latentShape: [3, 16, 16], latentBytes: 3 * 16 * 16 * 4, denoiseSteps: 3, batchSize: 8 });
    expect(document.generations.map((g) => [g.generation, g.images, g.imagesTotal])).toEqual([
      [0, 16, 16],
      [1, 24, 40],
      [2, 24, 64],
    ]);
    for (const generation of document.generations) {
      expect(generation.bestReward).toBeLessThanOrEqual(generation.medianReward as number);
      expect(generation.medianReward).toBeGreaterThan(0);
      expect(generation.meanReward).toBeGreaterThan(0);
      expect(generation.timing.wallMs).toBeGreaterThan(generation.timing.pipelineMs);
      expect(generation.peakRssBytes).toBeGreaterThanOrEqual(generation.rssBytes * 0.5);
      expect(generation.peakRssBytes).toBeGreaterThan(10_000_000);
    }
    const run = await readJson<{ kind: string; status: string }>(join(folder, 'run.json'));
    expect(run).toMatchObject({ kind: 'align', status: 'complete' });
  });

  it('names the baseline (z0, candidate 0 of generation 0) and the best, never worse than the baseline', () => {
    const { baseline, best } = document;
    expect(baseline).toMatchObject({ image: expect.stringMatching(/^generations\/0\/000-/), extraImage: false });
    expect(best!.reward).toBeLessThanOrEqual(baseline!.reward as number);
    expect(Math.min(...document.generations.map((g) => g.bestReward as number))).toBe(best!.reward);
  });

  it('saves every candidate as a PNG whose metadata says how to make it again', async () => {
    const { candidates } = await readJson<{ candidates: CandidateRecord[] }>(join(folder, 'generations/1/candidates.json'));
    expect(candidates).toHaveLength(24);
    expect(await readdir(join(folder, 'generations/1'))).toHaveLength(25);
    const record = candidates[5];
    const png = decodePng(await readFile(join(folder, record.image)));
    expect([png.width, png.height]).toEqual([16, 16]);
    expect(png.text).toMatchObject({
      Software: 'EdgeTune',
      model: modelFolder,
      seed: '7',
      algorithm: 'cosyne',
      generation: '1',
      candidate: '5',
      rewardSpec: 'jpeg-size',
      reward: String(record.reward),
      genomeHash: record.genomeHash,
    });
    expect(png.text.recipe).toContain(`edgetune align --model ${modelFolder} --reward jpeg-size --algo cosyne --seed 7 --denoise-steps 3 --batch 8 --steps 2`);
  });

  it("keeps the best genome, and regenerating it gives the best image's pixels", async () => {
    const best = document.best!;
    const genome = await readGenomeFile(join(folder, best.genome), 3 * 16 * 16);
    const [image] = await model.pipeline.generate([genome]);
    const png = decodePng(await readFile(join(folder, best.image)));
    expect(Buffer.from(image.data).equals(Buffer.from(png.data))).toBe(true);
    expect(png.text.genomeHash).toBe(best.genomeHash);
  });

  it('keeps population storage within 2 × population × latent bytes: the checkpoint and two genomes', async () => {
    expect((await readdir(join(folder, 'genomes'))).sort()).toEqual([`${document.baseline!.genomeHash}.f32`, `${document.best!.genomeHash}.f32`].sort());
    const stored = (await stat(join(folder, 'state.json'))).size + (await folderBytes(join(folder, 'genomes')));
    expect(stored).toBeLessThanOrEqual(2 * 16 * document.model.latentBytes);
  });

  it('continues from here: a finished run resumed with more generations equals one run that long', async () => {
    const longer = join(root, 'cosyne-5');
    await startRun({ folder: longer, model, settings: alignSettings(modelFolder, 'cosyne', { budget: { generations: 5 } }) });
    const checkpoint = await readCheckpoint(folder);
    const settings = { ...checkpoint.settings, budget: resumedBudget(checkpoint.settings.budget, checkpoint.progress, { generations: 2 }) };
    const result = await runAlign({ run: await RunFolder.open(folder, 'align'), model, reward: rewardFromSpec('jpeg-size'), settings, resume: checkpoint });
    expect(result.document.generations).toHaveLength(5);
    expect(await outcome(folder)).toEqual(await outcome(longer));
  });
});
