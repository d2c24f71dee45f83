import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewardFromSpec, type Reward } from '../../../electron/engine/align/index.js';
import { writeTinyEdgeTuneModel, writeTinyStableDiffusion } from '../../../electron/engine/diffusion/index.js';
import { UserError } from '../../../electron/engine/errors.js';
import {
  openAlignModel,
  parseAlgorithm,
  readCheckpoint,
  type AlignDocument,
  type AlignModel,
  type CandidateRecord,
} from '../../../electron/engine/jobs/align/index.js';
import { decodePng } from '../../../electron/engine/store/png.js';
import { userErrorOf } from '../../helpers/errors.js';
import { alignSettings, cpu, openTinyModel, outcome, readJson, resumeRun, startRun } from './align-helpers.js';

let root: string;
let modelFolder: string;
let model: AlignModel;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-align-bad-'));
  ({ folder: modelFolder, model } = await openTinyModel(root));
});
afterAll(async () => {
  await model?.close();
  await rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

const jpeg = rewardFromSpec('jpeg-size');

/** JPEG size, except that candidates 2, 7, 12 … score NaN and 3, 10, 17 … +Infinity. */
const brokenValues: Reward = {
  name: 'jpeg-size-with-holes',
  direction: 'min',
  description: 'JPEG size with NaN and +Infinity at fixed candidates',
  async score(images) {
    const { values, violations } = await jpeg.score(images);
    return { values: values.map((value, index) => (index % 5 === 2 ? Number.NaN : index % 7 === 3 ? Number.POSITIVE_INFINITY : value)), violations };
  },
};

/** A reward model that works for two batches, then fails as an onnxruntime session would. */
function failingOnCall(call: number): Reward {
  let calls = 0;
  return {
    name: 'aesthetic',
    direction: 'max',
    description: 'stands in for an ONNX reward model that crashes',
    async score(images) {
      calls += 1;
      if (calls === call) throw new Error('aesthetic.onnx failed to run on the cpu execution provider: bad allocation');
      return jpeg.score(images);
    },
  };
}

describe('invalid rewards', () => {
  it('scores a NaN or infinite reward worst, counts it and logs the event in the generation record', async () => {
    const folder = join(root, 'nan');
    const result = await startRun({ folder, model, reward: brokenValues, settings: alignSettings(modelFolder, 'cosyne', { budget: { generations: 2 } }) });
    const [zero, one] = result.document.generations;
    expect(zero.invalid).toBe(5); // 2, 7, 12 NaN; 3, 10 +Infinity
    expect(zero.events.map((event) => [event.candidate, event.reward])).toEqual([
      [2, 'NaN'],
      [3, 'Infinity'],
      [7, 'NaN'],
      [10, 'Infinity'],
      [12, 'NaN'],
    ]);
    expect(zero.events[0]).toMatchObject({ kind: 'invalid-reward', message: expect.stringMatching(/ranked worst/) });
    expect(one.invalid).toBe(7); // 2, 7, 12, 17, 22 NaN; 3, 10 +Infinity
    for (const generation of [zero, one]) {
      expect(Number.isFinite(generation.bestReward)).toBe(true);
      expect(generation.events.map((event) => event.candidate)).not.toContain(generation.bestCandidate);
    }
    expect(Number.isFinite(result.document.best!.reward)).toBe(true);

    const { candidates } = await readJson<{ candidates: CandidateRecord[] }>(join(folder, 'generations/0/candidates.json'));
    expect(candidates[2].reward).toBeNull();
    expect(decodePng(await readFile(join(folder, candidates[2].image))).text.reward).toBe('NaN');
    // Invalid candidates are left out of the statistics rather than poisoning them.
    const valid = candidates.filter((candidate) => candidate.reward !== null).map((candidate) => candidate.reward as number);
    expect(zero.meanReward).toBeCloseTo(valid.reduce((a, b) => a + b, 0) / valid.length, 9);
  });

  it('stops with a clear error when the reward model fails, keeps the run, and resumes to the same end', async () => {
    const whole = join(root, 'reward-whole');
    await startRun({ folder: whole, model, reward: failingOnCall(Number.NaN), settings: alignSettings(modelFolder, 'cosyne') });

    const folder = join(root, 'reward-fails');
    const error = await rejection(startRun({ folder, model, reward: failingOnCall(3), settings: alignSettings(modelFolder, 'cosyne') }));
    expect(error.code).toBe('align-reward-failed');
    expect(error.message).toMatch(/^generation 2: the reward 'aesthetic' failed: aesthetic\.onnx failed to run/);
    expect(error.fix).toContain(`edgetune align --resume ${folder}`);
    expect(await readJson(join(folder, 'run.json'))).toMatchObject({ status: 'failed', message: error.message });
    const document = await readJson<AlignDocument>(join(folder, 'align.json'));
    expect(document).toMatchObject({ status: 'failed', stopReason: error.message });
    expect(document.generations).toHaveLength(2);
    expect((await readCheckpoint(folder)).progress.generations).toBe(2);

    await resumeRun({ folder, model, reward: failingOnCall(Number.NaN) });
    expect(await outcome(folder)).toEqual(await outcome(whole));
  });

  it('rejects a reward that returns the wrong number of values', async () => {
    const short: Reward = { ...jpeg, name: 'short', score: async (images) => jpeg.score(images.slice(1)) };
    const error = await rejection(startRun({ folder: join(root, 'short'), model, reward: short, settings: alignSettings(modelFolder, 'random') }));
    expect(error.message).toMatch(/generation 0: the reward 'short' failed: .*returned 15 values .* for 16 images/);
  });
});

function mountTinyFilesystem(folder: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', folder], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a disk that fills up mid-run', () => {
  let whole: Awaited<ReturnType<typeof outcome>>;
  beforeAll(async () => {
    const folder = join(root, 'disk-whole');
    await startRun({ folder, model, settings: alignSettings(modelFolder, 'cosyne', { budget: { generations: 6 } }) });
    whole = await outcome(folder);
  });

  const tiny = join(tmpdir(), `edgetune-full-disk-${process.pid}`);
  let mounted = false;
  beforeAll(async () => {
    await mkdir(tiny, { recursive: true });
    mounted = mountTinyFilesystem(tiny, '400k');
  });
  afterAll(async () => {
    if (mounted) execFileSync('umount', [tiny]);
    await rm(tiny, { recursive: true, force: true });
  });

  it('on a tiny full filesystem: says the disk is full, loses nothing saved, and the run resumes elsewhere', async (context) => {
    if (!mounted) context.skip(); // needs root to mount a tmpfs; the next test covers the same path without one
    const folder = join(tiny, 'run');
    const error = await rejection(startRun({ folder, model, settings: alignSettings(modelFolder, 'cosyne', { budget: { generations: 6 } }) }));
    expect(error.code).toBe('disk-full');
    expect(error.message).toMatch(/the disk is full: could not write/);
    const checkpoint = await readCheckpoint(folder);
    expect(checkpoint.progress.generations).toBeGreaterThanOrEqual(1);
    expect(checkpoint.progress.generations).toBeLessThan(6);
    const genome = await readFile(join(folder, checkpoint.best!.genome));
    expect(genome.length).toBe(3 * 16 * 16 * 4);
    const moved = join(root, 'disk-moved');
    await cp(folder, moved, { recursive: true });
    await resumeRun({ folder: moved, model });
    expect(await outcome(moved)).toEqual(whole);
  });

  it('when the run folder becomes unwritable: a storage error naming the path, and the run resumes once it is fixed', async () => {
    const folder = join(root, 'disk-blocked');
    const error = await rejection(
      startRun({
        folder,
        model,
        settings: alignSettings(modelFolder, 'cosyne', { budget: { generations: 6 } }),
        // Something takes the name of generation 3's folder while generation 2 runs.
        onGeneration: (summary) => (summary.generation === 1 ? writeFile(join(folder, 'generations/3'), 'in the way') : undefined),
      }),
    );
    expect(error.code).toBe('output-unwritable');
    expect(error.message).toContain(join(folder, 'generations/3'));
    expect((await readCheckpoint(folder)).progress.generations).toBe(3);
    // align.json reports what the checkpoint holds, not the generation that could not be saved.
    const document = await readJson<AlignDocument>(join(folder, 'align.json'));
    expect(document).toMatchObject({ status: 'failed', images: 16 + 24 + 24 });
    expect(document.generations).toHaveLength(3);
    expect(document.best!.generation).toBeLessThan(3);
    await rm(join(folder, 'generations/3'));
    await resumeRun({ folder, model });
    expect(await outcome(folder)).toEqual(whole);
  });
});

describe('bad models and names', () => {
  it('names an unknown algorithm and suggests the nearest', () => {
    const error = userErrorOf(() => parseAlgorithm('cosine'));
    expect(error.message).toBe("unknown search algorithm 'cosine' (did you mean 'cosyne'?)");
    expect(error.fix).toBe('use --algo cosyne, snes, cmaes, random, zero-order');
    expect(parseAlgorithm('CMA-ES')).toBe('cmaes');
  });

  it('names an unknown reward and suggests the nearest', () => {
    const error = userErrorOf(() => rewardFromSpec('jpg-size'));
    expect(error.message).toMatch(/unknown reward 'jpg-size' \(did you mean 'jpeg-size'\?\)/);
  });

  it('says which part of a Stable Diffusion folder is missing', async () => {
    const folder = join(root, 'sd-no-unet');
    await writeTinyStableDiffusion(folder, { precision: 'fp32' });
    await rm(join(folder, 'unet/model.onnx'));
    const error = await rejection(openAlignModel({ model: folder, prompt: 'a red car', pipeline: {}, session: cpu }));
    expect(error.message).toContain('unet/model.onnx');
  });

  it('says which tensor names are wrong when a part is not what the layout expects', async () => {
    const folder = join(root, 'sd-wrong-unet');
    await writeTinyStableDiffusion(folder, { precision: 'fp32' });
    await cp(join(folder, 'vae_decoder/model.onnx'), join(folder, 'unet/model.onnx'));
    const error = await rejection(openAlignModel({ model: folder, prompt: 'a red car', pipeline: {}, session: cpu }));
    expect(error.message).toMatch(/no input named sample, timestep, encoder_hidden_states \(it has latent_sample\)/);
  });

  it('tells a folder of neither layout, and a missing one, from a model', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect((await rejection(openAlignModel({ model: empty, prompt: null, pipeline: {}, session: cpu }))).code).toBe('align-model-unknown-layout');
    expect((await rejection(openAlignModel({ model: join(root, 'nowhere'), prompt: null, pipeline: {}, session: cpu }))).code).toBe('align-model-not-found');
  });

  it('refuses to resume a run with a model of another latent size', async () => {
    const folder = join(root, 'resume-other-model');
    await startRun({ folder, model, settings: alignSettings(modelFolder, 'random', { budget: { generations: 1 } }) });
    const otherFolder = join(root, 'tiny-24');
    await writeTinyEdgeTuneModel(otherFolder, { imageSize: 24 });
    const other = await openAlignModel({ model: otherFolder, prompt: null, pipeline: { denoiseSteps: 2 }, session: cpu });
    try {
      const error = await rejection(resumeRun({ folder, model: other }));
      expect(error.code).toBe('align-resume-mismatch');
      expect(error.message).toMatch(/768 values, but .* takes latents of \[3, 24, 24\] = 1728/);
    } finally {
      await other.close();
    }
  });
});
