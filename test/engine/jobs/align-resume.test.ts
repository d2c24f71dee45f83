import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithmNames } from '../../../electron/engine/align/index.js';
import type { AlignModel } from '../../../electron/engine/jobs/align/index.js';
import { alignSettings, openTinyModel, outcome, readJson, resumeRun, startRun } from './align-helpers.js';

let root: string;
let modelFolder: string;
let model: AlignModel;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-align-resume-'));
  ({ folder: modelFolder, model } = await openTinyModel(root));
});
afterAll(async () => {
  await model?.close();
  await rm(root, { recursive: true, force: true });
});

describe.each(algorithmNames)('%s: a run stopped and resumed', (algorithm) => {
  const settings = () => alignSettings(modelFolder, algorithm, { budget: { generations: 4 }, populationSize: algorithm === 'snes' || algorithm === 'cmaes' ? 12 : undefined });
  let uninterrupted: Awaited<ReturnType<typeof outcome>>;
  beforeAll(async () => {
    const folder = join(root, `${algorithm}-whole`);
    await startRun({ folder, model, settings: settings() });
    uninterrupted = await outcome(folder);
  });

  it('after generation 1 ends with the same result as an uninterrupted run with the same seed', async () => {
    const folder = join(root, `${algorithm}-stopped`);
    const controller = new AbortController();
    const stopped = await startRun({
      folder,
      model,
      settings: settings(),
      signal: controller.signal,
      onGeneration: (summary) => summary.generation === 1 && controller.abort(),
    });
    expect(stopped.status).toBe('incomplete');
    expect(stopped.stopReason).toMatch(/cancelled after 2 generations.*--resume/);
    expect(await readJson(join(folder, 'run.json'))).toMatchObject({ status: 'incomplete' });
    expect(stopped.document.generations).toHaveLength(2);

    const resumed = await resumeRun({ folder, model });
    expect(resumed.status).toBe('complete');
    const result = await outcome(folder);
    expect(result.best).toEqual(uninterrupted.best);
    expect(result).toEqual(uninterrupted);
    expect(await readJson(join(folder, 'run.json'))).toMatchObject({ status: 'complete' });
  });

  it('in the middle of generation 2, with the denoiser under way, ends the same too', async () => {
    const folder = join(root, `${algorithm}-mid`);
    const controller = new AbortController();
    const stopped = await startRun({
      folder,
      model,
      settings: settings(),
      signal: controller.signal,
      onProgress: (progress) => progress.generation === 2 && progress.phase === 'generate' && progress.step >= 2 && controller.abort(),
    });
    expect(stopped.status).toBe('incomplete');
    expect(stopped.document.generations).toHaveLength(2);
    await resumeRun({ folder, model });
    expect(await outcome(folder)).toEqual(uninterrupted);
  });
});
