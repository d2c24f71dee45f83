/**
 * `edgetune validate`: does a schedule hold on this device? The schedule's POMT graph, the unpruned
 * encoder, and Top-K and ToMe at the schedule's token budget, timed end to end in shuffled rounds,
 * each beside what the schedule's profile predicted. For a schedule of a stand-in (a user's
 * image-input export swept as the synthetic ViT of its shape), the export itself is timed in the
 * same rounds, as it is, beside the synthetic baseline.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { scheduleSchema, type Schedule } from '../../contracts/schedule.js';
import { CancelledError, UserError } from '../../errors.js';
import type { ExecutionProviderChoice } from '../../measure/execution-providers.js';
import { DEFAULT_STOPPING_RULE, type StoppingRule } from '../../measure/stopping-rule.js';
import { selectProvider, type ProviderSelection } from '../../probe/select-provider.js';
import { probeSystem, type SystemFacts } from '../../probe/system.js';
import type { LoadedProfile } from '../load-profile.js';
import { matchVitArchitecture } from '../../models/match-vit.js';
import { readOnnxFile } from '../../models/onnx/reader.js';
import type { VitArchitecture } from '../../models/architectures.js';
import { describeArchitecture } from '../model-choice.js';
import { deviceSummary } from '../sweep-job.js';
import { standInVerdict } from './match-model.js';
import { compareVariants, type MeasuredReference, type MeasuredVariant, type PredictionSummary, type ReferenceGraph } from './compare-variants.js';
import { profilePredictor } from './prediction.js';
import type { RoundRatio } from './rounds.js';
import { planVariants, scheduleArchitecture, type BudgetMatch } from './variants.js';

export const VALIDATION_SCHEMA = 'edgetune/validation@1';
export const DEFAULT_VALIDATION_ROUNDS = 5;

export interface ValidateScheduleOptions {
  schedule: Schedule;
  /** where the schedule was read from, for the record */
  scheduleSource?: string;
  /** the profile the schedule was made from, for predictions */
  profile?: LoadedProfile;
  /** a built-in id, for schedules whose model record does not name one (other tools' CSV profiles) */
  model?: string;
  ep: ExecutionProviderChoice;
  /** when the named provider does not work: use the best one that does instead of stopping */
  fallback?: boolean;
  batch?: number;
  /** seeds weights, inputs and each round's order */
  seed?: number;
  rounds?: number;
  matchBy?: BudgetMatch;
  rule?: Partial<StoppingRule>;
  intraOpThreads?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { stage: string; done: number; total: number; detail: string }) => void;
  onNote?: (note: string) => void;
  system?: SystemFacts;
  selection?: ProviderSelection;
}

export interface ValidationDocument {
  schema: typeof VALIDATION_SCHEMA;
  createdAt: string;
  complete: boolean;
  device: Record<string, unknown>;
  ep: string;
  batch: number;
  model: Record<string, unknown>;
  schedule: {
    source: string | null;
    method: string;
    baselineTokens: number;
    keepTokens: number;
    layers: { layer: number; remove: number }[];
    baselineMs: number;
    predictedMs: number;
    predictedSpeedup: number;
  };
  matching: { by: BudgetMatch; notes: string[] };
  variants: MeasuredVariant[];
  /** a stand-in's schedule: the user's export as it is (image in), timed in the same rounds */
  yourModel?: MeasuredReference & { file: string };
  prediction: PredictionSummary | null;
  /** the verdict in sentences, most important first */
  verdict: string[];
  rounds: { planned: number; done: number; seed: number; stoppingRule: StoppingRule; orders: string[][] };
  backend: Record<string, unknown>;
  wallMs: number;
  notes: string[];
  failure?: string;
}

export interface ValidationResult {
  document: ValidationDocument;
  rawTimingsCsv: string;
  failure?: Error;
}

/** Reads and checks a schedule.json, saying what is wrong in a user's words. */
export async function readScheduleFile(file: string): Promise<Schedule> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError('schedule-not-found', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 'pass the schedule.json that `edgetune schedule` or `edgetune tune` wrote');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError('schedule-invalid', `${file} is not valid JSON: ${(error as Error).message}`, 'pass the schedule.json that `edgetune schedule` wrote');
  }
  const parsed = scheduleSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError('schedule-invalid', `${file} is not an EdgeTune schedule: ${issue.path.join('.') || '(top level)'}: ${issue.message}`, 'pass a schedule.json written by `edgetune schedule` (schema edgetune/schedule@1)');
  }
  return parsed.data;
}

export async function runValidation(options: ValidateScheduleOptions): Promise<ValidationResult> {
  const startedAt = Date.now();
  const { schedule } = options;
  const arch = scheduleArchitecture(schedule, options.model);
  const rounds = options.rounds ?? DEFAULT_VALIDATION_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new UserError('bad-arguments', `${rounds} rounds is not a positive whole number`, 'pass e.g. --rounds 5');
  const batch = options.batch ?? 1;
  const seed = options.seed ?? 1;
  const rule: StoppingRule = { ...DEFAULT_STOPPING_RULE, ...options.rule };
  const notes: string[] = [];
  const note = (text: string) => {
    notes.push(text);
    options.onNote?.(text);
  };
  const progress = options.onProgress ?? (() => undefined);
  progress({ stage: 'loading', done: 0, total: 1, detail: 'probing providers' });
  const [system, selection] = await Promise.all([options.system ?? probeSystem(), options.selection ?? selectProvider(options.ep, options.fallback ?? false)]);
  selection.notes.forEach(note);

  const predictor = options.profile ? profilePredictor(options.profile, arch, { ep: selection.ep, batch }) : undefined;
  if (!options.profile) note('no profile beside the schedule: measured latencies only, no predictions (pass --profile to compare with one)');
  predictor?.caveats.forEach((caveat) => note(`prediction: ${caveat}`));
  const plan = planVariants(arch, schedule, { matchBy: options.matchBy, predictMs: predictor?.predictMs });
  plan.matching.forEach((line) => note(`matched budget: ${line}`));
  const counts = plan.variants.flatMap((variant) => variant.counts.flatMap((count) => [count.attentionTokens, count.mlpTokens]));
  const predictsEveryVariant = predictor !== undefined && Math.min(...counts) >= predictor.tokenRange.from && Math.max(...counts) <= predictor.tokenRange.to;
  if (predictor && !predictsEveryVariant) {
    note(
      `no predictions: the profile measured ${predictor.tokenRange.from}–${predictor.tokenRange.to} tokens, the variants run at ${Math.min(...counts)}–${Math.max(...counts)}, ` +
        `and EdgeTune does not extrapolate (sweep --tokens 1:${arch.tokens} to compare with predictions)`,
    );
  }
  if (schedule.layers.every((layer) => layer.remove === 0)) {
    note('the schedule keeps every token: its graph is the baseline\'s, so their difference shows the noise of this run');
  }

  const standInFile = options.model === undefined ? standInOf(schedule.model) : undefined;
  const yourModel = standInFile ? await yourModelGraph(standInFile, arch, batch, note) : undefined;
  if (yourModel && schedule.baselineTokens !== arch.tokens) {
    note(`your model runs all its ${arch.tokens} tokens; the schedule's baseline runs ${schedule.baselineTokens}, so their times differ by more than the stand-in's error`);
  }
  progress({ stage: 'loading', done: 0, total: 1, detail: `starting onnxruntime on ${selection.ep}` });
  const comparison = await compareVariants({
    arch,
    variants: plan.variants,
    ep: selection.ep,
    batch,
    seed,
    rounds,
    rule,
    intraOpThreads: options.intraOpThreads,
    predictor: predictsEveryVariant ? predictor : undefined,
    references: yourModel ? [yourModel.graph] : [],
    signal: options.signal,
    onProgress: progress,
  });
  const timedYourModel = yourModel && comparison.references[0] ? { file: yourModel.file, ...comparison.references[0] } : undefined;
  const graphKeys = [...plan.variants.map((variant) => variant.key), ...(yourModel ? [yourModel.graph.key] : [])];
  const { rounds: measured } = comparison;
  if (measured.visits.length === 0) {
    if (measured.failure) throw measured.failure;
    throw new CancelledError('cancelled before any variant was measured: nothing to save');
  }
  const complete = measured.complete && !options.signal?.aborted;
  if (!complete) {
    note(`validation ${measured.failure ? 'failed' : 'was cancelled'} after ${measured.roundsDone} of ${rounds} rounds: what was measured is kept, marked incomplete`);
  }
  const document: ValidationDocument = {
    schema: VALIDATION_SCHEMA,
    createdAt: new Date().toISOString(),
    complete,
    device: deviceSummary(system),
    ep: selection.ep,
    batch,
    model: { ...describeArchitecture(arch), ...(standInFile ? { file: standInFile, standIn: true } : {}) },
    schedule: {
      source: options.scheduleSource ?? null,
      method: schedule.method,
      baselineTokens: schedule.baselineTokens,
      keepTokens: schedule.keepTokens,
      layers: schedule.layers,
      baselineMs: schedule.baselineMs,
      predictedMs: schedule.predictedMs,
      predictedSpeedup: schedule.predictedSpeedup,
    },
    matching: { by: plan.matchedBy, notes: plan.matching },
    variants: comparison.variants,
    ...(timedYourModel ? { yourModel: timedYourModel } : {}),
    prediction: comparison.prediction,
    verdict: [...verdictLines(comparison.variants, comparison.prediction), ...(timedYourModel ? [yourModelLine(timedYourModel)] : [])],
    rounds: {
      planned: rounds,
      done: measured.roundsDone,
      seed,
      stoppingRule: rule,
      orders: measured.orders.map((order) => order.map((index) => graphKeys[index])),
    },
    backend: { ...comparison.backend },
    wallMs: Date.now() - startedAt,
    notes,
    ...(measured.failure ? { failure: measured.failure.message } : {}),
  };
  return { document, rawTimingsCsv: comparison.rawTimingsCsv, failure: measured.failure };
}

const YOUR_MODEL_KEY = 'your-model';

/** The export a schedule's model stands in for, when it was swept as a stand-in. */
function standInOf(model: Schedule['model']): string | undefined {
  return typeof model === 'object' && model.standIn === true && typeof model.file === 'string' ? model.file : undefined;
}

/**
 * The user's export, when it is still there and reads as the shape its stand-in was built with.
 * Anything else is a note: the pruned variants are the verdict, this row only puts them in context.
 */
async function yourModelGraph(file: string, arch: VitArchitecture, batch: number, note: (text: string) => void): Promise<{ file: string; graph: ReferenceGraph } | undefined> {
  const name = path.basename(file);
  const skip = (why: string) => {
    note(`your model is not timed beside the synthetic baseline: ${why}`);
    return undefined;
  };
  if (!existsSync(file)) return skip(`${file} is not there any more`);
  let match;
  try {
    match = matchVitArchitecture(await readOnnxFile(file), name);
  } catch (error) {
    return skip(`${name} could not be read: ${(error as Error).message}`);
  }
  const changed = (['depth', 'width', 'heads', 'mlpRatio', 'patchSize', 'imageSize'] as const).filter((key) => arch[key] !== match.architecture[key]);
  if (changed.length > 0) return skip(`${name} no longer has the shape the schedule records (${changed.join(', ')} differ)`);
  if (match.input.batch !== null && match.input.batch !== batch) return skip(`${name} was exported for batch ${match.input.batch} only, not batch ${batch}`);
  const size = match.architecture.imageSize;
  return {
    file,
    graph: {
      key: YOUR_MODEL_KEY,
      label: `your model: ${name}`,
      recipe: { kind: 'file', path: file, inputName: match.input.name, inputDims: [3, size, size] },
    },
  };
}

/** How the export compares with the synthetic baseline it was swept as. */
function yourModelLine(timed: MeasuredReference & { file: string }): string {
  const name = path.basename(timed.file);
  if (!timed.speedup || timed.medianMs === null) return `your model (${name}): not measured (the run stopped before reaching it)`;
  // baseline ÷ your model is the stand-in's time over the model's, as `edgetune match` reports it
  return `your model (${name}, as exported: image in) took ${timed.medianMs.toFixed(2)} ms at full tokens beside the synthetic baseline: ${standInVerdict(timed.speedup)}`;
}

/** "×1.042 (rounds 1.031–1.050)" */
export function formatRatio(ratio: RoundRatio): string {
  return `×${ratio.median.toFixed(3)} (rounds ${ratio.q25.toFixed(3)}–${ratio.q75.toFixed(3)})`;
}

/** faster, slower, or no clear difference when the middle half of the rounds straddles 1 */
function direction(ratio: RoundRatio): string {
  if (ratio.rounds >= 2 && ratio.q25 <= 1 && ratio.q75 >= 1) return 'no clear difference from the baseline';
  return ratio.median >= 1 ? 'faster than the baseline' : 'slower than the baseline';
}

/** One sentence per variant, then how well the profile predicted them. */
export function verdictLines(variants: readonly MeasuredVariant[], prediction: PredictionSummary | null): string[] {
  const lines = variants.slice(1).flatMap((variant) => {
    if (!variant.speedup) return [`${variant.label}: not measured (the run stopped before reaching it)`];
    const predicted = variant.predictedSpeedup === undefined ? '' : `; the profile predicted ×${variant.predictedSpeedup.toFixed(3)}`;
    return [`${variant.label}: ${formatRatio(variant.speedup)}, ${direction(variant.speedup)}${predicted}`];
  });
  if (prediction?.medianAbsAnchoredErrorPct != null) {
    lines.push(
      `predicted vs measured latency of the pruned variants: median |error| ${prediction.medianAbsAnchoredErrorPct.toFixed(1)} % relative to the baseline measured in this run` +
        (prediction.medianAbsErrorPct === null ? '' : ` (${prediction.medianAbsErrorPct.toFixed(1)} % in raw ms, which includes the machine's drift since the profile)`),
    );
  }
  return lines;
}
