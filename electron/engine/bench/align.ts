/**
 * Alignment figures: each search method against random search (best-of-N) at equal images evaluated,
 * over several seeds, on the default model with the JPEG-size reward; the run loop's own bookkeeping
 * (ask, tell, lineage, PNGs, checkpoint) against a generation's wall time; and what a run keeps of its
 * population on disk. Every run goes through the real run loop into a temporary run folder.
 *
 * Equal images: every method gets population 16 and a budget of 65 images, so CoSyNE (16 + 24 + 24),
 * SNES, sep-CMA-ES and random (4 × 16) spend 64 and zero-order (17 + 16 × 3) 65. Each method's best
 * is compared with random search's best among its first n images for the same n and seed.
 * The model samples with its own default steps (20 DDIM steps for the shipped model), as users run it:
 * the bookkeeping share is only meaningful against a real generation. About 4 minutes on a quiet
 * 2-core machine.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { algorithmNames, rewardFromSpec, type AlgorithmName } from '../align/index.js';
import { writeTinyEdgeTuneModel, type SessionSettings } from '../diffusion/index.js';
import {
  defaultModelFolder,
  openAlignModel,
  runAlign,
  type AlignDocument,
  type AlignModel,
  type CandidateRecord,
  type GenerationSummary,
} from '../jobs/align/index.js';
import { RunFolder } from '../store/runs.js';
import { median } from '../util/stats.js';

export interface AlignBenchOptions {
  readonly seeds?: number;
  /** images each method may evaluate */
  readonly images?: number;
  readonly populationSize?: number;
  /** default: the model's own */
  readonly denoiseSteps?: number;
  readonly algorithms?: readonly AlgorithmName[];
  /** an EdgeTune model folder; default: the shipped model, or a tiny generated one if it is absent */
  readonly modelFolder?: string;
  readonly session?: SessionSettings;
  readonly onProgress?: (label: string, done: number, total: number) => void;
}

export interface AlignMethodFigures {
  readonly algorithm: AlgorithmName;
  readonly populationSize: number;
  readonly imagesMean: number;
  /** mean over seeds of the best JPEG size found, bytes (smaller is better) */
  readonly bestRewardMean: number;
  /** mean over seeds of random search's best among as many images */
  readonly randomBestRewardMean: number;
  /** bestRewardMean / randomBestRewardMean: below 1 is better than random for a minimised reward */
  readonly relativeToRandom: number;
  /** seeds where the method's best beat random's at equal images (ties count half) */
  readonly winsOverRandom: number;
  /** mean improvement of the best over the baseline z0, percent */
  readonly improvementOverBaselinePct: number;
  /** median over generations of (ask + tell + lineage + PNGs + checkpoint) / generation wall time */
  readonly bookkeepingShareMedian: number;
  readonly bookkeepingShareMax: number;
  /** the search's own share (ask, tell, ranking, lineage) of a generation, without the run store's writes */
  readonly eaBookkeepingShareMedian: number;
  readonly eaBookkeepingShareMax: number;
  readonly generationWallMsMedian: number;
  /** bytes of state.json and genomes/ at the end of a run, over 2 × population × latent bytes */
  readonly populationStorageShare: number;
}

export interface AlignBenchFigures {
  readonly model: {
    readonly source: string;
    readonly latentShape: readonly number[];
    readonly denoiseSteps: number;
    readonly perImageMs: number;
  };
  readonly reward: string;
  readonly seeds: readonly number[];
  readonly imagesPerMethod: number;
  readonly methods: readonly AlignMethodFigures[];
  readonly targets: {
    /** every method's EA bookkeeping (search only) median ≤ 1 % of a generation */
    readonly eaBookkeepingWithin1Pct: boolean;
    /** the same with the run store's writes (PNGs, candidates.json, checkpoint) included */
    readonly bookkeepingWithin1Pct: boolean;
    /** every run's genomes on disk ≤ 2 × population × latent bytes */
    readonly storageWithin2xPopulation: boolean;
    readonly cosyneBeatsRandom: boolean;
  };
  readonly wallS: number;
  readonly notes: readonly string[];
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(folder)) total += (await stat(path.join(folder, name))).size;
  return total;
}

async function bestPrefix(folder: string, document: AlignDocument): Promise<number[]> {
  const values: number[] = [];
  for (const generation of document.generations) {
    const { candidates } = JSON.parse(await readFile(path.join(folder, generation.candidates), 'utf8')) as { candidates: CandidateRecord[] };
    for (const candidate of candidates) {
      const previous = values.length === 0 ? Number.POSITIVE_INFINITY : values[values.length - 1];
      values.push(candidate.reward === null ? previous : Math.min(previous, candidate.reward));
    }
  }
  return values;
}

/** The run loop's whole share: the search's own work plus the run store's writes. */
function bookkeepingShares(generations: readonly GenerationSummary[]): number[] {
  return generations.map(({ timing }) => (timing.searchMs + timing.filesMs) / timing.wallMs);
}

/** The evolutionary algorithm's own share: ask, tell, ranking and lineage, no file writes. */
function searchShares(generations: readonly GenerationSummary[]): number[] {
  return generations.map(({ timing }) => timing.searchMs / timing.wallMs);
}

const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

export async function benchAlign(options: AlignBenchOptions = {}): Promise<AlignBenchFigures> {
  const startedAt = Date.now();
  const seeds = Array.from({ length: options.seeds ?? 10 }, (_, index) => index + 1);
  const images = options.images ?? 65;
  const populationSize = options.populationSize ?? 16;
  const algorithms = options.algorithms ?? algorithmNames;
  const root = await mkdtemp(path.join(os.tmpdir(), 'edgetune-bench-align-'));
  const notes: string[] = [];
  try {
    let modelFolder = options.modelFolder;
    let source = modelFolder ?? 'default (tiny-landscapes-32)';
    if (modelFolder === undefined) {
      modelFolder = defaultModelFolder();
      if (!existsSync(path.join(modelFolder, 'model.json'))) {
        modelFolder = path.join(root, 'tiny-generated');
        await writeTinyEdgeTuneModel(modelFolder, { imageSize: 32 });
        source = 'tiny generated model (random weights): the default model is not installed';
        notes.push('the default model is absent: figures are from a tiny random-weight model, so rewards and the bookkeeping share do not describe the shipped model');
      }
    }
    const pipeline = { ...(options.denoiseSteps !== undefined ? { denoiseSteps: options.denoiseSteps } : {}), batchSize: 8 };
    const model: AlignModel = await openAlignModel({
      model: modelFolder,
      prompt: null,
      pipeline,
      session: options.session ?? { executionProviders: ['cpu'] },
    });
    try {
      const reward = rewardFromSpec('jpeg-size');
      const documents = new Map<string, { document: AlignDocument; prefix: number[]; storage: number }>();
      const plan = seeds.flatMap((seed) => [...new Set<AlgorithmName>(['random', ...algorithms])].map((algorithm) => ({ seed, algorithm })));
      for (const [index, { seed, algorithm }] of plan.entries()) {
        options.onProgress?.(`${algorithm}, seed ${seed}`, index, plan.length);
        const folder = path.join(root, `${algorithm}-${seed}`);
        const run = await RunFolder.create({ kind: 'align', label: algorithm, out: folder, command: ['bench', 'align'] });
        // Random search runs a little longer so that its best-of-n is known for every method's n.
        const budget = { evaluations: algorithm === 'random' ? images + populationSize : images };
        const settings = { model: modelFolder, prompt: null, reward: 'jpeg-size', algorithm, populationSize, seed, shell: false, budget, pipeline, ep: 'cpu' };
        const { document } = await runAlign({ run, model, reward, settings });
        const storage = (await stat(path.join(folder, 'state.json'))).size + (await folderBytes(path.join(folder, 'genomes')));
        documents.set(`${algorithm}-${seed}`, { document, prefix: await bestPrefix(folder, document), storage });
        await rm(folder, { recursive: true, force: true });
      }
      options.onProgress?.('done', plan.length, plan.length);

      const latentBytes = documents.values().next().value!.document.model.latentBytes;
      const pipelineMs = [...documents.values()].flatMap(({ document }) => document.generations.map((g) => g.timing.pipelineMs / g.images));
      // Random search's own row: what it finds within the budget every method had, whole generations of 16.
      const randomImages = Math.floor(images / populationSize) * populationSize;
      const imagesOf = (algorithm: AlgorithmName, document: AlignDocument) => (algorithm === 'random' ? randomImages : document.images);
      const randomBestAt = (seed: number, count: number) => {
        const prefix = documents.get(`random-${seed}`)!.prefix;
        return prefix[Math.min(count, prefix.length) - 1];
      };
      const methods = algorithms.map((algorithm): AlignMethodFigures => {
        const runs = seeds.map((seed) => ({ seed, ...documents.get(`${algorithm}-${seed}`)! }));
        const bests = runs.map(({ seed, document }) => (algorithm === 'random' ? randomBestAt(seed, randomImages) : document.best!.reward));
        const randomBests = runs.map(({ seed, document }) => randomBestAt(seed, imagesOf(algorithm, document)));
        const shares = runs.flatMap(({ document }) => bookkeepingShares(document.generations));
        const eaShares = runs.flatMap(({ document }) => searchShares(document.generations));
        return {
          algorithm,
          populationSize,
          imagesMean: mean(runs.map(({ document }) => imagesOf(algorithm, document))),
          bestRewardMean: mean(bests),
          randomBestRewardMean: mean(randomBests),
          relativeToRandom: mean(bests) / mean(randomBests),
          winsOverRandom: bests.reduce((wins, best, index) => wins + (best < randomBests[index] ? 1 : best === randomBests[index] ? 0.5 : 0), 0),
          improvementOverBaselinePct: mean(runs.map(({ document }, index) => (100 * ((document.baseline!.reward as number) - bests[index])) / (document.baseline!.reward as number))),
          bookkeepingShareMedian: median(shares),
          bookkeepingShareMax: Math.max(...shares),
          eaBookkeepingShareMedian: median(eaShares),
          eaBookkeepingShareMax: Math.max(...eaShares),
          generationWallMsMedian: median(runs.flatMap(({ document }) => document.generations.map((g) => g.timing.wallMs))),
          populationStorageShare: Math.max(...runs.map(({ storage }) => storage)) / (2 * populationSize * latentBytes),
        };
      });
      const cosyne = methods.find((method) => method.algorithm === 'cosyne');
      return {
        model: { source, latentShape: model.pipeline.latentShape, denoiseSteps: model.pipeline.steps, perImageMs: median(pipelineMs) },
        reward: 'jpeg-size (bytes at quality 95, minimised: relativeToRandom < 1 is better than random)',
        seeds,
        imagesPerMethod: images,
        methods,
        targets: {
          eaBookkeepingWithin1Pct: methods.every((method) => method.eaBookkeepingShareMedian <= 0.01),
          bookkeepingWithin1Pct: methods.every((method) => method.bookkeepingShareMedian <= 0.01),
          storageWithin2xPopulation: methods.every((method) => method.populationStorageShare <= 1),
          cosyneBeatsRandom: cosyne !== undefined && cosyne.relativeToRandom < 1,
        },
        wallS: (Date.now() - startedAt) / 1000,
        notes,
      };
    } finally {
      await model.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
