import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyStableDiffusion } from '../../../electron/engine/diffusion/index.js';
import { openAlignModel, type AlignModel } from '../../../electron/engine/jobs/align/index.js';
import { decodePng } from '../../../electron/engine/store/png.js';
import { alignSettings, cpu, startRun } from './align-helpers.js';

let root: string;
let folder: string;
let model: AlignModel;
const prompt = 'a photo of a red car';
const pipeline = { denoiseSteps: 3, batchSize: 4, guidanceScale: 5 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-align-sd-'));
  folder = join(root, 'tiny-sd');
  await writeTinyStableDiffusion(folder, { precision: 'fp32' });
  model = await openAlignModel({ model: folder, prompt, pipeline, session: cpu });
});
afterAll(async () => {
  await model?.close();
  await rm(root, { recursive: true, force: true });
});

describe('aligning a Stable Diffusion ONNX folder', () => {
  it('runs end to end with a prompt, guidance and the SD latent, and records the prompt in every image', async () => {
    expect(model).toMatchObject({ kind: 'stable-diffusion', conditional: true });
    const out = join(root, 'run');
    const settings = alignSettings(folder, 'cosyne', { prompt, populationSize: 8, budget: { generations: 2 }, pipeline });
    const { document } = await startRun({ folder: out, model, settings });
    expect(document).toMatchObject({ status: 'complete', prompt, images: 8 + 12 });
    expect(document.model).toMatchObject({ kind: 'stable-diffusion', latentShape: [4, 8, 8], denoiseSteps: 3, batchSize: 4 });
    const png = decodePng(await readFile(join(out, document.best!.image)));
    expect([png.width, png.height]).toEqual([64, 64]);
    expect(png.text).toMatchObject({ prompt, model: folder, genomeHash: document.best!.genomeHash });
    expect(png.text.recipe).toContain(`--prompt '${prompt}'`);
    expect(png.text.recipe).toContain('--guidance 5');
    expect(document.best!.reward).toBeLessThanOrEqual(document.baseline!.reward as number);
  });
});
