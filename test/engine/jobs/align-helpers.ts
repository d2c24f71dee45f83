/** Shared by the align job tests: a tiny generated model, settings, and one call to run or resume. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rewardFromSpec, type AlgorithmName, type Reward } from '../../../electron/engine/align/index.js';
import { writeTinyEdgeTuneModel } from '../../../electron/engine/diffusion/index.js';
import {
  openAlignModel,
  readCheckpoint,
  runAlign,
  type AlignDocument,
  type AlignModel,
  type AlignResult,
  type AlignSettings,
} from '../../../electron/engine/jobs/align/index.js';
import { RunFolder } from '../../../electron/engine/store/runs.js';

export const cpu = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 } as const;

/** 16×16 RGB images in 3 denoising steps: a generation of 24 takes well under a second. */
export const tinyPipeline = { denoiseSteps: 3, batchSize: 8 } as const;

export async function openTinyModel(root: string): Promise<{ folder: string; model: AlignModel }> {
  const folder = join(root, 'tiny-model');
  await writeTinyEdgeTuneModel(folder, { imageSize: 16, seed: 3 });
  const model = await openAlignModel({ model: folder, prompt: null, pipeline: tinyPipeline, session: cpu });
  return { folder, model };
}

export function alignSettings(model: string, algorithm: AlgorithmName, overrides: Partial<AlignSettings> = {}): AlignSettings {
  return {
    model,
    prompt: null,
    reward: 'jpeg-size',
    algorithm,
    seed: 7,
    shell: false,
    budget: { generations: 4 },
    pipeline: tinyPipeline,
    ep: 'cpu',
    ...overrides,
  };
}

export async function startRun(options: {
  folder: string;
  model: AlignModel;
  settings: AlignSettings;
  reward?: Reward;
  signal?: AbortSignal;
  onGeneration?: Parameters<typeof runAlign>[0]['onGeneration'];
  onProgress?: Parameters<typeof runAlign>[0]['onProgress'];
}): Promise<AlignResult> {
  const run = await RunFolder.create({ kind: 'align', label: options.settings.algorithm, out: options.folder, command: ['test'] });
  return runAlign({ ...options, run, reward: options.reward ?? rewardFromSpec(options.settings.reward) });
}

export async function resumeRun(options: { folder: string; model: AlignModel; reward?: Reward }): Promise<AlignResult> {
  const checkpoint = await readCheckpoint(options.folder);
  const run = await RunFolder.open(options.folder, 'align');
  return runAlign({
    run,
    model: options.model,
    reward: options.reward ?? rewardFromSpec(checkpoint.settings.reward),
    settings: checkpoint.settings,
    resume: checkpoint,
  });
}

export async function readJson<T = unknown>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** What must agree between an uninterrupted run and a stopped-and-resumed one. */
export async function outcome(folder: string) {
  const document = await readJson<AlignDocument>(join(folder, 'align.json'));
  const checkpoint = await readCheckpoint(folder);
  return {
    best: document.best,
    baseline: document.baseline,
    generations: document.generations.map(({ generation, images, bestReward, meanReward, medianReward, bestSoFar }) => ({
      generation,
      images,
      bestReward,
      meanReward,
      medianReward,
      bestSoFar,
    })),
    search: checkpoint.search,
  };
}
