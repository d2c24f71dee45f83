/**
 * The alignment run loop: search a diffusion model's initial noise for images a reward prefers.
 * Each generation: ask the search for genomes (initial latents), generate their images in batches,
 * score them, tell the search, then save the images (PNG with metadata), the lineage and a
 * checkpoint. The checkpoint is written last, so a run stopped at any point — Ctrl-C, a kill, a
 * failing reward model, a full disk — keeps every generation before the one under way, and
 * `--resume` redoes that one exactly as an uninterrupted run would.
 */
import { writeFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import {
  checkBudget,
  createBudgetTracker,
  createSearch,
  generationSeed,
  normalGenome,
  projectToShell,
  restoreSearch,
  type BudgetTracker,
  type CandidateLineage,
  type Direction,
  type Genome,
  type Reward,
  type RewardScores,
  type Search,
} from '../../align/index.js';
import { CancelledError, UserError, errorText, isUserError } from '../../errors.js';
import type { RgbImage } from '../../diffusion/index.js';
import { storageError, writeFileAtomic, writeJsonAtomic } from '../../store/files.js';
import { encodePng } from '../../store/png.js';
import type { RunFolder } from '../../store/runs.js';
import { createRng, deriveSeed } from '../../util/rng.js';
import { genomeBytes, genomeFileName, genomeHash } from './genomes.js';
import { imageText } from './image-metadata.js';
import type { AlignModel } from './model-source.js';
import {
  candidateRecords,
  finiteOrNull,
  generationStatistics,
  invalidRewardEvents,
  type BestRecord,
  type GenerationSummary,
} from './records.js';
import {
  ALIGN_CHECKPOINT_SCHEMA,
  ALIGN_GENERATION_SCHEMA,
  ALIGN_SCHEMA,
  checkpointFile,
  summaryFile,
  type AlignCheckpoint,
  type AlignDocument,
  type AlignStatus,
  type BaselineRecord,
  type ModelRecord,
} from './run-documents.js';
import type { AlignSettings } from './settings.js';

export interface AlignProgress {
  readonly phase: 'baseline' | 'generate' | 'score' | 'save';
  readonly generation: number;
  readonly generationsDone: number;
  /** the budget's generation limit, when it has one */
  readonly generationsPlanned: number | null;
  /** denoising steps done in this generation's images, of `steps` */
  readonly step: number;
  readonly steps: number;
}

export interface AlignJobOptions {
  /** the run folder: new, or reopened with the checkpoint in `resume` */
  readonly run: RunFolder;
  /** an open model; the caller closes it */
  readonly model: AlignModel;
  readonly reward: Reward;
  /** for a resume: the checkpoint's settings, with the budget it continues under (see resumedBudget) */
  readonly settings: AlignSettings;
  readonly resume?: AlignCheckpoint;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: AlignProgress) => void;
  readonly onGeneration?: (summary: GenerationSummary) => void;
}

export interface AlignResult {
  /** incomplete: cancelled; the run folder holds every generation finished before */
  readonly status: Extract<AlignStatus, 'complete' | 'incomplete'>;
  readonly stopReason: string;
  readonly document: AlignDocument;
  readonly folder: string;
}

/** z0: the seed's base noise, the same for every algorithm, so runs with one seed share a baseline. */
export function initialLatent(seed: number, dimension: number): Genome {
  return normalGenome(createRng(deriveSeed(seed, 'z0')), dimension);
}

function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

function resumeHint(folder: string): string {
  return `generations finished before are saved in ${folder}; continue with \`edgetune align --resume ${folder}\``;
}

/**
 * An error from a generation's model or reward, told as what failed and that the run is kept. A
 * UserError keeps its code (the loaders' and reward adapters' are precise); anything else gets `code`.
 */
function generationFailure(error: unknown, code: string, what: string, generation: number, folder: string): Error {
  if (error instanceof CancelledError) return error;
  const fix = isUserError(error) && error.fix ? `${error.fix}; ${resumeHint(folder)}` : resumeHint(folder);
  return new UserError(isUserError(error) ? error.code : code, `generation ${generation}: ${what} failed: ${errorText(error)}`, fix);
}

function checkScores(scores: RewardScores, count: number, rewardName: string): void {
  if (scores.values.length !== count || scores.violations.length !== count) {
    throw new Error(`the reward '${rewardName}' returned ${scores.values.length} values and ${scores.violations.length} violations for ${count} images`);
  }
}

function newSearch(settings: AlignSettings, dimension: number, direction: Direction): Search {
  try {
    return createSearch(settings.algorithm, {
      dimension,
      seed: settings.seed,
      direction,
      initial: initialLatent(settings.seed, dimension),
      shell: settings.shell,
      populationSize: settings.populationSize,
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new UserError('align-bad-settings', `${settings.algorithm} cannot run with these settings: ${error.message}`, 'change --pop (CoSyNE needs 4 or more, SNES and sep-CMA-ES 2 or more)');
  }
}

class AlignRun {
  private readonly latentShape: readonly number[];
  private readonly dimension: number;
  private readonly search: Search;
  private baseline: BaselineRecord | null;
  private best: BestRecord | null;
  private readonly generations: GenerationSummary[];
  private readonly modelRecord: ModelRecord;
  private readonly tracker: BudgetTracker;
  private readonly configuredPopulation: number;
  private readonly lineageNote: string;
  /** the checkpoint last written: what a failure's summary reports, since memory may be a generation ahead */
  private committed: AlignCheckpoint | null = null;

  constructor(private readonly options: AlignJobOptions) {
    const { model, settings, resume, reward } = options;
    this.latentShape = model.pipeline.latentShape;
    this.dimension = this.latentShape.reduce((product, size) => product * size, 1);
    this.modelRecord = {
      label: model.label,
      kind: model.kind,
      latentShape: [...this.latentShape],
      latentBytes: this.dimension * 4,
      denoiseSteps: model.pipeline.steps,
      batchSize: model.pipeline.batchSize,
    };
    if (resume) {
      if (resume.search.dimension !== this.dimension) {
        throw new UserError(
          'align-resume-mismatch',
          `the run's genomes have ${resume.search.dimension} values, but ${model.label} takes latents of [${this.latentShape.join(', ')}] = ${this.dimension}`,
          'resume with the model the run was started with',
        );
      }
      this.search = restoreSearch(resume.search);
      this.baseline = resume.baseline;
      this.best = resume.best;
      this.generations = [...resume.generations];
    } else {
      this.search = newSearch(settings, this.dimension, reward.direction);
      checkBudget(settings.budget, this.search.ask().length);
      this.baseline = null;
      this.best = null;
      this.generations = [];
    }
    this.tracker = createBudgetTracker(settings.budget, { resumeFrom: resume?.progress });
    const configured = this.search.state().config.populationSize;
    this.configuredPopulation = typeof configured === 'number' ? configured : this.search.ask().length;
    this.lineageNote = this.search.lineage().note;
  }

  private get run(): RunFolder {
    return this.options.run;
  }

  private progress(phase: AlignProgress['phase'], generation: number, step = 0, steps = 1): void {
    this.options.onProgress?.({
      phase,
      generation,
      generationsDone: this.tracker.progress().generations,
      generationsPlanned: this.options.settings.budget.generations ?? null,
      step,
      steps,
    });
  }

  async execute(): Promise<AlignResult> {
    const { run, signal } = this.options;
    try {
      if (this.options.resume) await this.removeStaleGenomes();
      else await this.ensureFolder('genomes');
      const scoresZ0 = this.search.lineage().origins.some((origin) => origin.operator === 'initial');
      if (this.baseline === null && !scoresZ0) await this.scoreBaseline();
      await this.checkpoint();
      await this.writeSummary('running', null);
      for (;;) {
        if (signal?.aborted) throw new CancelledError();
        const askedAt = performance.now();
        const candidates = this.search.ask();
        const askMs = performance.now() - askedAt;
        const decision = this.tracker.decision(candidates.length);
        if (decision.stop) return await this.finish('complete', decision.reason);
        await this.runGeneration(candidates, askMs);
      }
    } catch (error) {
      if (error instanceof CancelledError) {
        const done = this.tracker.progress().generations;
        return await this.finish('incomplete', `cancelled after ${done} generation${done === 1 ? '' : 's'}; ${resumeHint(run.folder)}`);
      }
      const message = errorText(error);
      // Best effort: on a full disk these writes may fail too, and the checkpoint already on disk is what counts.
      if (this.committed !== null) await this.writeSummary('failed', message, this.committed).catch(() => undefined);
      await run.finish('failed', message).catch(() => undefined);
      throw error;
    }
  }

  /** SNES and sep-CMA-ES sample around z0 without scoring it: one image outside the budget says where they started. */
  private async scoreBaseline(): Promise<void> {
    const z0 = this.initialGenome();
    const [image] = await this.generate([z0], 0, 'baseline');
    const scores = await this.score([image], 0);
    const hash = genomeHash(z0);
    await this.writeGenome(z0, hash);
    await writeFileAtomic(
      this.run.path('baseline.png'),
      encodePng(image, imageText({ ...this.imageIdentity(null, 0, hash), reward: scores.values[0], violation: scores.violations[0] })),
    );
    this.baseline = {
      genomeHash: hash,
      reward: finiteOrNull(scores.values[0]),
      violation: finiteOrNull(scores.violations[0]),
      image: 'baseline.png',
      genome: genomeFileName(hash),
      extraImage: true,
    };
  }

  private initialGenome(): Genome {
    const z0 = initialLatent(this.options.settings.seed, this.dimension);
    return this.options.settings.shell ? projectToShell(z0) : z0;
  }

  /** generation null: the baseline, z0 */
  private imageIdentity(generation: number | null, candidate: number, hash: string) {
    const { settings } = this.options;
    return {
      settings,
      modelLabel: this.options.model.label,
      generation,
      candidate,
      generationSeed: generation === null ? deriveSeed(settings.seed, 'z0') : generationSeed(settings.seed, settings.algorithm, generation),
      genomeHash: hash,
    };
  }

  private async generate(latents: readonly Genome[], generation: number, phase: 'baseline' | 'generate' = 'generate'): Promise<RgbImage[]> {
    try {
      return await this.options.model.pipeline.generate(latents, {
        signal: this.options.signal,
        onProgress: ({ step, steps }) => this.progress(phase, generation, step, steps),
      });
    } catch (error) {
      throw generationFailure(error, 'align-generate-failed', `generating images with ${this.options.model.label}`, generation, this.run.folder);
    }
  }

  private async score(images: readonly RgbImage[], generation: number): Promise<RewardScores> {
    const { reward } = this.options;
    try {
      const scores = await reward.score(images);
      checkScores(scores, images.length, reward.name);
      return scores;
    } catch (error) {
      throw generationFailure(error, 'align-reward-failed', `the reward '${reward.name}'`, generation, this.run.folder);
    }
  }

  /** `candidates`: this generation's `ask()`, which took `askMs` */
  private async runGeneration(candidates: Genome[], askMs: number): Promise<void> {
    const generation = this.search.generation;
    const startedAt = performance.now() - askMs;
    let searchMs = askMs;
    const timed = <T>(work: () => T): T => {
      const at = performance.now();
      try {
        return work();
      } finally {
        searchMs += performance.now() - at;
      }
    };

    const lineage: CandidateLineage = timed(() => this.search.lineage());
    const hashes = timed(() => candidates.map(genomeHash));
    const poolHashes = timed(() => lineage.pool.map(genomeHash));

    const pipelineAt = performance.now();
    const images = await this.generate(candidates, generation);
    const pipelineMs = performance.now() - pipelineAt;

    this.progress('score', generation);
    const rewardAt = performance.now();
    const { values, violations } = await this.score(images, generation);
    const rewardMs = performance.now() - rewardAt;

    const report = timed(() => this.search.tell(values, violations));

    this.progress('save', generation);
    const filesAt = performance.now();
    const folder = `generations/${generation}`;
    await this.ensureFolder(folder);
    const imagePaths = hashes.map((hash, index) => `${folder}/${String(index).padStart(3, '0')}-${hash}.png`);
    const pngs = images.map((image, index) =>
      encodePng(image, imageText({ ...this.imageIdentity(generation, index, hashes[index]), reward: values[index], violation: violations[index] })),
    );
    // Not atomic, unlike the checkpoint: a generation cut short is redone in full on resume, its images
    // overwritten. Synchronous: two dozen small files take a few milliseconds this way, several times
    // less than through the thread pool, and nothing else waits on the event loop meanwhile.
    pngs.forEach((png, index) => {
      try {
        writeFileSync(this.run.path(imagePaths[index]), png);
      } catch (error) {
        throw storageError(error, this.run.path(imagePaths[index]));
      }
    });
    const records = candidateRecords({ hashes, images: imagePaths, values, violations, lineage, poolHashes });
    const candidatesPath = `${folder}/candidates.json`;
    await writeJsonAtomic(this.run.path(candidatesPath), {
      schema: ALIGN_GENERATION_SCHEMA,
      generation,
      algorithm: this.search.algorithm,
      seed: this.options.settings.seed,
      generationSeed: generationSeed(this.options.settings.seed, this.search.algorithm, generation),
      lineageNote: lineage.note,
      candidates: records,
    });

    const initial = lineage.origins.findIndex((origin) => origin.operator === 'initial');
    if (initial >= 0 && this.baseline === null) {
      await this.writeGenome(candidates[initial], hashes[initial]);
      this.baseline = {
        genomeHash: hashes[initial],
        reward: records[initial].reward,
        violation: records[initial].violation,
        image: imagePaths[initial],
        genome: genomeFileName(hashes[initial]),
        extraImage: false,
      };
    }
    const previousBest = this.best;
    if (report.improved && report.generationBest !== null) {
      const index = report.generationBest.index;
      await this.writeGenome(candidates[index], hashes[index]);
      this.best = {
        generation,
        candidate: index,
        genomeHash: hashes[index],
        reward: values[index],
        violation: violations[index],
        image: imagePaths[index],
        genome: genomeFileName(hashes[index]),
      };
    }

    this.tracker.recordGeneration(candidates.length);
    const { best } = this;
    const summary: GenerationSummary = {
      generation,
      images: candidates.length,
      imagesTotal: this.search.evaluations,
      ...generationStatistics(values, violations, report),
      bestSoFar:
        best === null
          ? null
          : { generation: best.generation, candidate: best.candidate, genomeHash: best.genomeHash, reward: best.reward, violation: best.violation },
      improved: report.improved,
      invalid: report.invalid,
      infeasible: report.infeasible,
      events: invalidRewardEvents(values, violations, hashes),
      timing: { wallMs: performance.now() - startedAt, pipelineMs, rewardMs, searchMs, filesMs: performance.now() - filesAt },
      rssBytes: process.memoryUsage.rss(),
      peakRssBytes: peakRssBytes(),
      candidates: candidatesPath,
    };
    this.generations.push(summary);
    await this.checkpoint();
    // The old best's genome is dropped only once the checkpoint no longer names it.
    if (previousBest !== null && previousBest.genomeHash !== this.best?.genomeHash && previousBest.genomeHash !== this.baseline?.genomeHash) {
      await rm(this.run.path(previousBest.genome), { force: true });
    }
    // The checkpoint's own write belongs to this generation's bookkeeping: its timing is completed here,
    // in align.json now and in state.json at the next checkpoint. Only align.json's write is left out.
    const timing = { ...summary.timing, filesMs: performance.now() - filesAt, wallMs: performance.now() - startedAt };
    this.generations[this.generations.length - 1] = { ...summary, timing };
    await this.writeSummary('running', null);
    this.options.onGeneration?.(this.generations[this.generations.length - 1]);
  }

  private async ensureFolder(relative: string): Promise<void> {
    try {
      await mkdir(this.run.path(relative), { recursive: true });
    } catch (error) {
      throw storageError(error, this.run.path(relative));
    }
  }

  private async writeGenome(genome: Genome, hash: string): Promise<void> {
    await writeFileAtomic(this.run.path(genomeFileName(hash)), genomeBytes(genome));
  }

  /** After a kill between writing a new best genome and dropping the old one, the old one is left over. */
  private async removeStaleGenomes(): Promise<void> {
    await this.ensureFolder('genomes');
    const keep = new Set([this.baseline?.genome, this.best?.genome].filter((name): name is string => name !== undefined));
    for (const name of await readdir(this.run.path('genomes'))) {
      if (!keep.has(`genomes/${name}`)) await rm(this.run.path(`genomes/${name}`), { force: true });
    }
  }

  private checkpointDocument(): AlignCheckpoint {
    return {
      schema: ALIGN_CHECKPOINT_SCHEMA,
      settings: this.options.settings,
      model: this.modelRecord,
      search: this.search.state(),
      progress: this.tracker.progress(),
      baseline: this.baseline,
      best: this.best,
      generations: [...this.generations],
    };
  }

  private async checkpoint(): Promise<void> {
    const checkpoint = this.checkpointDocument();
    await this.run.writeJson(checkpointFile, checkpoint);
    this.committed = checkpoint;
  }

  /** align.json from the run as it stands, or from a checkpoint (`from`) */
  private document(status: AlignStatus, stopReason: string | null, from?: AlignCheckpoint): AlignDocument {
    const { settings, reward } = this.options;
    const { progress, generations, best, baseline } = from ?? { progress: this.tracker.progress(), generations: this.generations, best: this.best, baseline: this.baseline };
    return {
      schema: ALIGN_SCHEMA,
      status,
      stopReason,
      updatedAt: new Date().toISOString(),
      model: { choice: settings.model, ...this.modelRecord },
      prompt: settings.prompt,
      reward: { spec: settings.reward, name: reward.name, direction: reward.direction, description: reward.description },
      algorithm: settings.algorithm,
      populationSize: this.configuredPopulation,
      settings,
      lineageNote: this.lineageNote,
      images: progress.evaluations,
      elapsedMs: progress.elapsedMs,
      generations,
      best,
      baseline,
      files: { checkpoint: checkpointFile, generations: 'generations/<generation>/', genomes: 'genomes/<genomeHash>.f32' },
    };
  }

  private async writeSummary(status: AlignStatus, stopReason: string | null, from?: AlignCheckpoint): Promise<AlignDocument> {
    const document = this.document(status, stopReason, from);
    await this.run.writeJson(summaryFile, document);
    return document;
  }

  private async finish(status: AlignResult['status'], stopReason: string): Promise<AlignResult> {
    await this.checkpoint();
    const document = await this.writeSummary(status, stopReason);
    await this.run.finish(status, stopReason);
    return { status, stopReason, document, folder: this.run.folder };
  }
}

/**
 * Checks a fresh run's settings against the model and reward (population, budget) without running
 * anything, so that a caller can refuse them before it creates a run folder.
 */
export function checkAlignSettings(settings: AlignSettings, model: AlignModel, reward: Reward): void {
  const dimension = model.pipeline.latentShape.reduce((product, size) => product * size, 1);
  checkBudget(settings.budget, newSearch(settings, dimension, reward.direction).ask().length);
}

/** Runs (or continues) an alignment run to its budget; see the module comment for what is saved when. */
export async function runAlign(options: AlignJobOptions): Promise<AlignResult> {
  let run: AlignRun;
  try {
    run = new AlignRun(options);
  } catch (error) {
    await options.run.finish('failed', errorText(error)).catch(() => undefined);
    throw error;
  }
  return run.execute();
}
