/**
 * `edgetune align` as API jobs: a fresh run, or "continue from here" on a run's checkpoint. The
 * model is opened and the settings checked while the call is answered, so that a wrong folder, a
 * reward spec that does not parse or a budget smaller than one generation fails the call itself;
 * the job then owns the open model and closes it however the run ends.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { builtinMeasures, rewardFromSpec, type Budget, type Reward } from '../../engine/align/index.js';
import { errorText } from '../../engine/errors.js';
import {
  checkAlignSettings,
  defaultAlignBudget,
  defaultModelFolder,
  defaultModelName,
  normaliseModelChoice,
  openAlignModel,
  readCheckpoint,
  resumedBudget,
  runAlign,
  type AlignCheckpoint,
  type AlignModel,
  type AlignSettings,
  type GenerationSummary,
} from '../../engine/jobs/align/index.js';
import type { ExecutionProvider, ExecutionProviderChoice } from '../../engine/measure/execution-providers.js';
import { selectProvider } from '../../engine/probe/select-provider.js';
import type { ApiParsedRequest, ApiResponse } from '../contract.js';
import { ALIGN_ALGORITHMS, alignGenerationDocumentSchema, generationSummarySchema } from '../documents.js';
import type { JobContext, JobWork } from './job-registry.js';
import type { PreparedJob } from './measure-jobs.js';

type BudgetRequest = Pick<ApiParsedRequest<'startAlign'>, 'steps' | 'images' | 'timeSeconds'>;
type RuntimeRequest = Pick<ApiParsedRequest<'startAlign'>, 'ep' | 'fallback' | 'threads'>;

function budgetOf(request: BudgetRequest): Budget | undefined {
  const budget: Budget = {
    ...(request.steps !== undefined ? { generations: request.steps } : {}),
    ...(request.images !== undefined ? { evaluations: request.images } : {}),
    ...(request.timeSeconds !== undefined ? { seconds: request.timeSeconds } : {}),
  };
  return Object.keys(budget).length === 0 ? undefined : budget;
}

function budgetFlags(request: BudgetRequest): string[] {
  const args: string[] = [];
  if (request.steps !== undefined) args.push('--steps', String(request.steps));
  if (request.images !== undefined) args.push('--images', String(request.images));
  if (request.timeSeconds !== undefined) args.push('--time', String(request.timeSeconds));
  return args;
}

/** The CPU provider ships with onnxruntime-node: no probe spent on it, as the CLI does. */
async function chooseProvider(request: RuntimeRequest, notes: string[]): Promise<ExecutionProvider> {
  if (request.ep === 'cpu') return 'cpu';
  const selection = await selectProvider(request.ep as ExecutionProviderChoice, request.fallback);
  notes.push(...selection.notes);
  return selection.ep;
}

function openModel(settings: AlignSettings, ep: ExecutionProvider, threads: number | undefined): Promise<AlignModel> {
  return openAlignModel({
    model: settings.model,
    prompt: settings.prompt,
    pipeline: settings.pipeline,
    session: { executionProviders: [ep], ...(threads !== undefined ? { intraOpNumThreads: threads } : {}) },
  });
}

export async function prepareAlign(request: ApiParsedRequest<'startAlign'>): Promise<PreparedJob> {
  const notes: string[] = [];
  const draft: AlignSettings = {
    model: normaliseModelChoice(request.model),
    prompt: request.prompt?.trim() ? request.prompt : null,
    reward: request.reward,
    algorithm: request.algorithm,
    ...(request.populationSize !== undefined ? { populationSize: request.populationSize } : {}),
    seed: request.seed,
    shell: request.shell,
    budget: budgetOf(request) ?? defaultAlignBudget,
    pipeline: {
      ...(request.denoiseSteps !== undefined ? { denoiseSteps: request.denoiseSteps } : {}),
      ...(request.sampler !== undefined ? { sampler: request.sampler } : {}),
      ...(request.batch !== undefined ? { batchSize: request.batch } : {}),
      ...(request.guidance !== undefined ? { guidanceScale: request.guidance } : {}),
      ...(request.negativePrompt !== undefined ? { negativePrompt: request.negativePrompt } : {}),
    },
    ep: '',
  };
  // Names first: the provider probe and the model load take seconds.
  const reward = rewardFromSpec(draft.reward);
  const ep = await chooseProvider(request, notes);
  const model = await openModel({ ...draft, ep }, ep, request.threads);
  try {
    if (!model.conditional && draft.prompt !== null) notes.push(`${model.label} is unconditional: the prompt is not used`);
    if (model.conditional && draft.prompt === null) notes.push('no prompt: the model draws from the empty prompt');
    const settings: AlignSettings = { ...draft, ep, prompt: model.conditional ? draft.prompt : null };
    checkAlignSettings(settings, model, reward);
    return {
      jobKind: 'align',
      runKind: 'align',
      label: `${settings.algorithm}-${settings.reward}`,
      command: alignCommandLine(settings, request),
      work: alignWork({ model, reward, settings, notes }),
      dispose: () => model.close(),
    };
  } catch (error) {
    await model.close();
    throw error;
  }
}

/** Continues the run in `folder` from its checkpoint; `prepareContinue` is called only while no job writes it. */
export async function prepareContinue(folder: string, request: ApiParsedRequest<'continueAlign'>): Promise<{ work: JobWork; dispose: () => Promise<void> }> {
  const checkpoint = await readCheckpoint(folder);
  const reward = rewardFromSpec(checkpoint.settings.reward);
  const notes: string[] = [];
  const ep = await chooseProvider(request, notes);
  if (checkpoint.settings.ep !== ep) notes.push(`the run started on ${checkpoint.settings.ep} and continues on ${ep}: images may differ in the last bits from an uninterrupted run`);
  const settings: AlignSettings = { ...checkpoint.settings, budget: resumedBudget(checkpoint.settings.budget, checkpoint.progress, budgetOf(request)), ep };
  const model = await openModel(settings, ep, request.threads);
  return { work: alignWork({ model, reward, settings, notes, resume: checkpoint }), dispose: () => model.close() };
}

function alignWork(options: { model: AlignModel; reward: Reward; settings: AlignSettings; notes: string[]; resume?: AlignCheckpoint }): JobWork {
  return async (context) => {
    options.notes.forEach((text) => context.note(text));
    // Each generation's candidates are read back from its candidates.json (the engine reports the
    // summary only); reads are chained so that events keep generation order and all are sent before the job ends.
    let announced = Promise.resolve();
    try {
      const result = await runAlign({
        run: context.run,
        model: options.model,
        reward: options.reward,
        settings: options.settings,
        resume: options.resume,
        signal: context.signal,
        onProgress: (progress) => {
          const planned = progress.generationsPlanned === null ? '' : ` of ${progress.generationsPlanned}`;
          context.progress({
            phase: 'align',
            stage: progress.phase === 'baseline' ? 'baseline z0' : `generation ${progress.generation}`,
            done: progress.step,
            total: progress.steps,
            detail: `${progress.phase}; ${progress.generationsDone}${planned} generations done`,
          });
        },
        onGeneration: (summary) => {
          announced = announced.then(() => announceGeneration(context, summary));
        },
      });
      await announced;
      return { status: result.status, message: result.stopReason };
    } finally {
      await announced;
      await options.model.close();
    }
  };
}

async function announceGeneration(context: JobContext, summary: GenerationSummary): Promise<void> {
  try {
    const generation = alignGenerationDocumentSchema.parse(JSON.parse(await readFile(context.run.path(summary.candidates), 'utf8')));
    context.emit({
      type: 'align-generation',
      jobId: context.jobId,
      runId: path.basename(context.run.folder),
      // Through the contract's schema: the engine's record, with the fields the UI reads typed.
      summary: generationSummarySchema.parse(summary),
      lineageNote: generation.lineageNote,
      candidates: generation.candidates,
    });
  } catch (error) {
    context.note(`generation ${summary.generation}: its candidates could not be read for the gallery (${errorText(error)}); they are in ${summary.candidates}`);
  }
}

/** The `edgetune align` command that starts the same run, kept in run.json. */
function alignCommandLine(settings: AlignSettings, request: ApiParsedRequest<'startAlign'>): string[] {
  const args = ['align', '--model', settings.model];
  if (settings.prompt !== null) args.push('--prompt', settings.prompt);
  args.push('--reward', settings.reward, '--algo', settings.algorithm, ...budgetFlags(request));
  if (settings.populationSize !== undefined) args.push('--pop', String(settings.populationSize));
  args.push('--seed', String(settings.seed));
  if (settings.shell) args.push('--shell');
  const { denoiseSteps, sampler, batchSize, guidanceScale, negativePrompt } = settings.pipeline;
  if (denoiseSteps !== undefined) args.push('--denoise-steps', String(denoiseSteps));
  if (sampler !== undefined) args.push('--sampler', sampler);
  if (batchSize !== undefined) args.push('--batch', String(batchSize));
  if (guidanceScale !== undefined) args.push('--guidance', String(guidanceScale));
  if (negativePrompt !== undefined) args.push('--negative-prompt', negativePrompt);
  args.push('--ep', request.ep);
  if (request.fallback) args.push('--fallback');
  if (request.threads !== undefined) args.push('--threads', String(request.threads));
  return args;
}

const ALGORITHMS: Record<(typeof ALIGN_ALGORITHMS)[number], { description: string; populationSize: string; lineage: string }> = {
  cosyne: {
    description: "the paper's genetic algorithm: crossover children and per-coordinate permutations of the population",
    populationSize: '16',
    lineage: 'two crossover parents and the cut, or the whole population for a permutation',
  },
  snes: { description: 'separable natural evolution strategy centred on z0', populationSize: '4 + 3 ln d (d: latent size)', lineage: 'none: samples of a Gaussian' },
  cmaes: { description: 'separable CMA-ES centred on z0', populationSize: '4 + 3 ln d (d: latent size)', lineage: 'none: samples of a Gaussian' },
  random: { description: 'best-of-N: fresh noise every generation', populationSize: '16', lineage: 'none: fresh draws' },
  'zero-order': { description: 'neighbours of a pivot at cosine 0.95, moving to the best', populationSize: '16', lineage: 'the pivot' },
};

/** What the Align page's form offers, from the engine's own lists. */
export function alignOptions(): ApiResponse<'listAlignOptions'> {
  const folder = defaultModelFolder();
  const installed = existsSync(path.join(folder, 'model.json'));
  return {
    rewards: builtinMeasures.map((measure) => ({
      name: measure.name,
      aliases: [...measure.aliases],
      description: measure.description,
      defaultDirection: measure.defaultDirection,
      favours: { ...measure.favours },
    })),
    rewardGrammar: [
      'spec = part { "," part }: one objective, any number of constraints',
      'objective = term { "+" term }; term = [weight "*"] name [":max" | ":min"]  or  [weight "*"] name "=" target',
      'constraint = name "in" "[" low "," high "]"  |  name "<=" number  |  name ">=" number',
      'a name alone takes its own direction; a sum or a weighted term is maximised, minimised terms entering negated',
      'constraints rank every candidate that meets them above every one that does not',
    ],
    rewardExamples: [
      { spec: 'jpeg-size', meaning: "the paper's JPEG objective: smaller files (compressibility)" },
      { spec: 'jpeg-size:max', meaning: 'larger files (incompressibility)' },
      { spec: 'brightness=0.7', meaning: 'mean luma as close to 0.7 as possible' },
      { spec: '0.5*saturation+0.5*colourfulness', meaning: 'both, equally weighted (mind their scales: 0–1 and 0–110)' },
      { spec: 'jpeg-size:min,brightness in [0.3,0.6]', meaning: 'compressible, but not by going black or white' },
    ],
    algorithms: ALIGN_ALGORITHMS.map((name) => ({ name, ...ALGORITHMS[name] })),
    defaultModel: installed
      ? { name: defaultModelName, installed }
      : {
          name: defaultModelName,
          installed,
          reason: `${path.join(folder, 'model.json')} does not exist`,
          fix: `rebuild it (resources/models/${defaultModelName}: its card says how), or give a model folder: an EdgeTune model (model.json) or a Stable Diffusion ONNX export`,
        },
    defaults: { reward: 'jpeg-size', algorithm: 'cosyne', steps: defaultAlignBudget.generations ?? 16, timeSeconds: defaultAlignBudget.seconds ?? 150, seed: 1 },
  };
}
