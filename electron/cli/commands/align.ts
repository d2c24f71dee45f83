import { rewardFromSpec, type Budget } from '../../engine/align/index.js';
import { UserError } from '../../engine/errors.js';
import {
  checkAlignSettings,
  defaultAlignBudget,
  normaliseModelChoice,
  openAlignModel,
  parseAlgorithm,
  readCheckpoint,
  resumedBudget,
  runAlign,
  type AlignCheckpoint,
  type AlignDocument,
  type AlignSettings,
  type GenerationSummary,
  type PipelineSettings,
} from '../../engine/jobs/align/index.js';
import { isExecutionProviderChoice, type ExecutionProvider } from '../../engine/measure/execution-providers.js';
import { selectProvider } from '../../engine/probe/select-provider.js';
import { RunFolder } from '../../engine/store/runs.js';
import { integerOption, numberOption, parseCommandArgs, stringOption } from '../args.js';
import { cancelOnInterrupt } from '../cancel.js';
import { createOutput, type Output } from '../output.js';
import { createProgress } from '../progress.js';
import { help } from './probe.js';

export const alignHelp = `edgetune align [options]

Searches a diffusion model's initial noise with an evolutionary algorithm for images a reward
prefers, offline, on this machine. Every candidate is saved as a PNG whose metadata says how to make
it again; a checkpoint after every generation lets a stopped run continue with --resume.

  --model M           default (the shipped tiny-landscapes-32) or a folder: an EdgeTune model
                      (model.json) or a Stable Diffusion ONNX export (model_index.json, unet/, …)
  --prompt TEXT       what a Stable Diffusion folder should draw (the default model is unconditional)
  --reward SPEC       default jpeg-size (smaller files); e.g. jpeg-size:max, brightness=0.7,
                      0.5*saturation+0.5*colourfulness, jpeg-size:min,brightness in [0.3,0.6]
  --algo NAME         cosyne (default) | snes | cmaes | random | zero-order
  --steps N           budget: N generations (default 16, or 150 s, whichever comes first)
  --images N          budget: at most N images evaluated
  --time SECONDS      budget: stop once this much time has passed
  --pop N             candidates per generation (default: cosyne, random, zero-order 16; snes,
                      cmaes 4 + 3 ln d)
  --seed S            seed of z0 and of the search (default 1)
  --shell             re-normalise candidates to the Gaussian shell (norm √d)
  --denoise-steps N   denoising steps per image (default: the model's own)
  --sampler NAME      ddim | euler (default: the model's own)
  --batch N           images per model call (default: EdgeTune models 4, Stable Diffusion 1)
  --guidance S        classifier-free guidance scale, Stable Diffusion only (default 7.5)
  --negative-prompt T what guidance steers away from, Stable Diffusion only
  --ep NAME           auto (default) | cpu | webgpu | cuda | dml | coreml
  --fallback          if the named provider does not work here, use the best one that does
  --threads N         onnxruntime intra-op threads (default: onnxruntime's choice)
  --out DIR           write the run here (default: a new folder under ~/.edgetune/runs)
  --resume DIR        continue the run in DIR with its own settings; with --steps/--images/--time,
                      run that much more ("continue from here")
  --json              print align.json to stdout
  --quiet             no progress on stderr`;

export const alignOptions = {
  model: { type: 'string' },
  prompt: { type: 'string' },
  reward: { type: 'string' },
  algo: { type: 'string' },
  steps: { type: 'string' },
  images: { type: 'string' },
  time: { type: 'string' },
  pop: { type: 'string' },
  seed: { type: 'string' },
  shell: { type: 'boolean' },
  'denoise-steps': { type: 'string' },
  sampler: { type: 'string' },
  batch: { type: 'string' },
  guidance: { type: 'string' },
  'negative-prompt': { type: 'string' },
  ep: { type: 'string' },
  fallback: { type: 'boolean' },
  threads: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** Flags that define a run; a resumed run keeps its own. */
const runDefiningFlags = ['model', 'prompt', 'reward', 'algo', 'pop', 'seed', 'shell', 'denoise-steps', 'sampler', 'batch', 'guidance', 'negative-prompt', 'out'];

function budgetFlags(values: Values): Budget | undefined {
  const budget: Budget = {
    ...(values.steps !== undefined ? { generations: integerOption('steps', stringOption(values.steps), 16) } : {}),
    ...(values.images !== undefined ? { evaluations: integerOption('images', stringOption(values.images), 400) } : {}),
    ...(values.time !== undefined ? { seconds: numberOption('time', stringOption(values.time), 120, 0.001, 7 * 24 * 3600) } : {}),
  };
  return Object.keys(budget).length === 0 ? undefined : budget;
}

function pipelineFlags(values: Values): PipelineSettings {
  const sampler = stringOption(values.sampler);
  if (sampler !== undefined && sampler !== 'ddim' && sampler !== 'euler') {
    throw new UserError('bad-arguments', `--sampler ${sampler} is not a sampler EdgeTune has`, 'use --sampler ddim or --sampler euler');
  }
  return {
    ...(values['denoise-steps'] !== undefined ? { denoiseSteps: integerOption('denoise-steps', stringOption(values['denoise-steps']), 20, 1, 1000) } : {}),
    ...(sampler !== undefined ? { sampler } : {}),
    ...(values.batch !== undefined ? { batchSize: integerOption('batch', stringOption(values.batch), 4, 1, 1024) } : {}),
    ...(values.guidance !== undefined ? { guidanceScale: numberOption('guidance', stringOption(values.guidance), 7.5, 0, 100) } : {}),
    ...(values['negative-prompt'] !== undefined ? { negativePrompt: stringOption(values['negative-prompt']) } : {}),
  };
}

async function chooseProvider(values: Values, output: Output): Promise<ExecutionProvider> {
  const choice = stringOption(values.ep) ?? 'auto';
  if (!isExecutionProviderChoice(choice)) {
    throw new UserError('bad-arguments', `--ep ${choice} is not a provider EdgeTune knows`, 'use auto, cpu, webgpu, cuda, dml or coreml');
  }
  // The CPU provider is part of onnxruntime-node: no need to spend a probe on it.
  if (choice === 'cpu') return 'cpu';
  const selection = await selectProvider(choice, Boolean(values.fallback));
  selection.notes.forEach((note) => output.warn(note));
  return selection.ep;
}

function freshSettings(values: Values, ep: string): AlignSettings {
  return {
    model: normaliseModelChoice(stringOption(values.model) ?? 'default'),
    prompt: stringOption(values.prompt) ?? null,
    reward: stringOption(values.reward) ?? 'jpeg-size',
    algorithm: parseAlgorithm(stringOption(values.algo) ?? 'cosyne'),
    ...(values.pop !== undefined ? { populationSize: integerOption('pop', stringOption(values.pop), 16, 1, 4096) } : {}),
    seed: integerOption('seed', stringOption(values.seed), 1, 0, 2 ** 31 - 1),
    shell: Boolean(values.shell),
    budget: budgetFlags(values) ?? defaultAlignBudget,
    pipeline: pipelineFlags(values),
    ep,
  };
}

function resumedSettings(values: Values, checkpoint: AlignCheckpoint, ep: string): AlignSettings {
  const conflicting = runDefiningFlags.filter((flag) => values[flag] !== undefined);
  if (conflicting.length > 0) {
    throw new UserError(
      'bad-arguments',
      `--resume continues a run with its own settings; ${conflicting.map((flag) => `--${flag}`).join(', ')} cannot change them`,
      'drop those flags to continue the run (add --steps, --images or --time to run more), or start a new run without --resume',
    );
  }
  const budget = resumedBudget(checkpoint.settings.budget, checkpoint.progress, budgetFlags(values));
  return { ...checkpoint.settings, budget, ep };
}

function formatNumber(value: number | null): string {
  if (value === null) return '—';
  return Math.abs(value) >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toPrecision(4);
}

function generationLine(summary: GenerationSummary): string {
  const invalid = summary.invalid > 0 ? `, ${summary.invalid} invalid reward${summary.invalid === 1 ? '' : 's'} ranked worst` : '';
  return (
    `generation ${summary.generation}: best ${formatNumber(summary.bestReward)}, mean ${formatNumber(summary.meanReward)}, ` +
    `median ${formatNumber(summary.medianReward)}; best so far ${formatNumber(summary.bestSoFar?.reward ?? null)}${summary.improved ? ' (new)' : ''}; ` +
    `${summary.images} images in ${(summary.timing.wallMs / 1000).toFixed(1)} s${invalid}`
  );
}

export function formatAlignSummary(document: AlignDocument, folder: string): string {
  const { baseline, best } = document;
  const lines = [
    `${document.algorithm} on ${document.model.label}, reward ${document.reward.name} (${document.reward.direction === 'min' ? 'smaller is better' : 'larger is better'})`,
    `${document.generations.length} generations, ${document.images} images, ${(document.elapsedMs / 1000).toFixed(1)} s: ${document.stopReason ?? ''}`,
  ];
  if (baseline !== null) lines.push(`baseline (z0): ${formatNumber(baseline.reward)}   ${baseline.image}`);
  if (best !== null) lines.push(`best:          ${formatNumber(best.reward)}   ${best.image} (generation ${best.generation}, genome ${best.genomeHash})`);
  lines.push('', `run folder: ${folder}`, `continue it: edgetune align --resume ${folder} --steps N`);
  return lines.join('\n');
}

export async function alignCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('align', argv, alignOptions);
  if (values.help) return help(alignHelp);
  const output = createOutput(Boolean(values.json), Boolean(values.quiet));
  const resumeFolder = stringOption(values.resume);
  const checkpoint = resumeFolder === undefined ? undefined : await readCheckpoint(resumeFolder);
  // Names are checked before the provider probe and the model load, which take seconds.
  const draft = checkpoint === undefined ? freshSettings(values, '') : resumedSettings(values, checkpoint, '');
  const reward = rewardFromSpec(draft.reward);
  const ep = await chooseProvider(values, output);
  const settings: AlignSettings = { ...draft, ep };
  if (checkpoint !== undefined && checkpoint.settings.ep !== ep) {
    output.warn(`the run started on ${checkpoint.settings.ep} and continues on ${ep}: images may differ in the last bits from an uninterrupted run`);
  }

  const threads = values.threads === undefined ? undefined : integerOption('threads', stringOption(values.threads), 1, 1, 1024);
  const model = await openAlignModel({
    model: settings.model,
    prompt: settings.prompt,
    pipeline: settings.pipeline,
    session: { executionProviders: [ep], ...(threads !== undefined ? { intraOpNumThreads: threads } : {}) },
  });
  try {
    if (!model.conditional && settings.prompt !== null && checkpoint === undefined) {
      output.warn(`${model.label} is unconditional: --prompt is not used`);
    }
    if (model.conditional && settings.prompt === null && checkpoint === undefined) {
      output.warn('no --prompt: the model draws from the empty prompt');
    }
    const runSettings = !model.conditional && checkpoint === undefined ? { ...settings, prompt: null } : settings;
    if (checkpoint === undefined) checkAlignSettings(runSettings, model, reward);
    const run =
      resumeFolder === undefined
        ? await RunFolder.create({ kind: 'align', label: `${runSettings.algorithm}-${runSettings.reward}`, out: stringOption(values.out) })
        : await RunFolder.open(resumeFolder, 'align');
    const bar = createProgress('align', { quiet: output.quiet });
    const cancel = cancelOnInterrupt(() => bar.done());
    try {
      const result = await runAlign({
        run,
        model,
        reward,
        settings: runSettings,
        resume: checkpoint,
        signal: cancel.signal,
        onProgress: (progress) => {
          const planned = progress.generationsPlanned === null ? '' : ` of ${progress.generationsPlanned}`;
          const stage = progress.phase === 'baseline' ? 'baseline z0' : `generation ${progress.generation}`;
          bar.update(progress.step, progress.steps, `${progress.phase}; ${progress.generationsDone}${planned} generations done`, stage);
        },
        onGeneration: (summary) => {
          bar.done();
          output.info(generationLine(summary));
        },
      });
      bar.done();
      output.result(result.document, () => formatAlignSummary(result.document, result.folder));
      return result.status === 'complete' ? 0 : 130;
    } finally {
      bar.done();
      cancel.dispose();
    }
  } finally {
    await model.close();
  }
}
