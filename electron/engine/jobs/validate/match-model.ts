/**
 * `edgetune match`: how well EdgeTune's synthetic ViT stands in for a user's own export. The
 * architecture is read from the file, the synthetic image-input ViT of that architecture built, and
 * both timed at full tokens in shuffled rounds on one provider; the stand-in's latency error against
 * the user's model says how far sweeps and schedules of the synthetic graph speak for it.
 */
import path from 'node:path';
import { CancelledError, UserError } from '../../errors.js';
import type { ExecutionProviderChoice } from '../../measure/execution-providers.js';
import type { GraphRecipe } from '../../measure/graph-set.js';
import { DEFAULT_STOPPING_RULE, type StoppingRule } from '../../measure/stopping-rule.js';
import { WorkerBackend } from '../../measure/worker-backend.js';
import { countMacs, parameterCount, type VitArchitecture } from '../../models/architectures.js';
import { matchVitArchitecture } from '../../models/match-vit.js';
import { readOnnxFile } from '../../models/onnx/reader.js';
import { selectProvider, type ProviderSelection } from '../../probe/select-provider.js';
import { probeSystem, type SystemFacts } from '../../probe/system.js';
import { formatRawTimingsCsv } from '../raw-timings.js';
import { deviceSummary } from '../sweep-job.js';
import { graphTimes, measureInRounds, roundRatio, type GraphTimes, type RoundRatio } from './rounds.js';

export const MATCH_SCHEMA = 'edgetune/match@1';
export const DEFAULT_MATCH_ROUNDS = 5;
/** a stand-in this close times like the model; beyond the second, sweeps of it describe another network */
const CLOSE_PCT = 5;
const ROUGH_PCT = 15;

export interface MatchModelOptions {
  /** the user's ONNX file (weights in external-data files beside it are found) */
  model: string;
  ep: ExecutionProviderChoice;
  fallback?: boolean;
  batch?: number;
  seed?: number;
  rounds?: number;
  rule?: Partial<StoppingRule>;
  intraOpThreads?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { stage: string; done: number; total: number; detail: string }) => void;
  onNote?: (note: string) => void;
  system?: SystemFacts;
  selection?: ProviderSelection;
}

export interface TimedModel extends GraphTimes {
  label: string;
}

export interface MatchDocument {
  schema: typeof MATCH_SCHEMA;
  createdAt: string;
  complete: boolean;
  device: Record<string, unknown>;
  ep: string;
  batch: number;
  model: { file: string; input: string; inspected: Record<string, unknown> | null };
  /** the synthetic stand-in's architecture */
  architecture: VitArchitecture & { params: number; macs: number };
  /** a built-in of the same shape, which `edgetune tune --model` takes; null when none */
  builtin: string | null;
  differences: string[];
  measured: { model: TimedModel | null; standIn: TimedModel | null };
  /** stand-in ÷ model, per round */
  standInOverModel: RoundRatio | null;
  /** 100 · (stand-in / model − 1), from the per-round median */
  latencyErrorPct: number | null;
  verdict: string[];
  rounds: { planned: number; done: number; seed: number; stoppingRule: StoppingRule; orders: string[][] };
  backend: Record<string, unknown>;
  wallMs: number;
  notes: string[];
  failure?: string;
}

export interface MatchResult {
  document: MatchDocument;
  rawTimingsCsv: string;
  failure?: Error;
}

export async function runModelMatch(options: MatchModelOptions): Promise<MatchResult> {
  const startedAt = Date.now();
  const file = path.resolve(options.model);
  const match = matchVitArchitecture(await readOnnxFile(file), path.basename(file));
  const batch = options.batch ?? 1;
  if (match.input.batch !== null && match.input.batch !== batch) {
    throw new UserError(
      'batch-fixed',
      `${path.basename(file)} was exported for batch ${match.input.batch} only, not batch ${batch}`,
      `pass --batch ${match.input.batch}, or export with a dynamic batch axis (dynamic_axes={'${match.input.name}': {0: 'batch'}})`,
    );
  }
  const rounds = options.rounds ?? DEFAULT_MATCH_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) throw new UserError('bad-arguments', `${rounds} rounds is not a positive whole number`, 'pass e.g. --rounds 5');
  const seed = options.seed ?? 1;
  const rule = { ...DEFAULT_STOPPING_RULE, ...options.rule };
  const notes: string[] = [];
  const note = (text: string) => {
    notes.push(text);
    options.onNote?.(text);
  };
  match.differences.forEach((difference) => note(`stand-in: ${difference}`));
  const progress = options.onProgress ?? (() => undefined);
  progress({ stage: 'loading', done: 0, total: 1, detail: 'probing providers' });
  const [system, selection] = await Promise.all([options.system ?? probeSystem(), options.selection ?? selectProvider(options.ep, options.fallback ?? false)]);
  selection.notes.forEach(note);

  const arch = match.architecture;
  const graphs: GraphRecipe[] = [
    { kind: 'file', path: file, inputName: match.input.name, inputDims: [3, arch.imageSize, arch.imageSize] },
    { kind: 'image-vit', arch, seed },
  ];
  const labels = ['model', 'stand-in'];
  progress({ stage: 'loading', done: 0, total: 1, detail: `starting onnxruntime on ${selection.ep}` });
  const backend = await WorkerBackend.start({ kind: 'graphs', options: { graphs, ep: selection.ep, batch, seed, intraOpThreads: options.intraOpThreads } });
  let measured;
  try {
    measured = await measureInRounds({
      backend,
      count: graphs.length,
      rounds,
      rule,
      seed,
      signal: options.signal,
      onVisit: ({ done, total, round, graph, firstVisit }) =>
        progress({ stage: `round ${round + 1}/${rounds}`, done, total, detail: `${firstVisit ? 'loading ' : ''}${labels[graph]}` }),
    });
  } finally {
    await backend.close();
  }
  if (measured.visits.length === 0) {
    if (measured.failure) throw measured.failure;
    throw new CancelledError('cancelled before either model was measured: nothing to save');
  }
  const complete = measured.complete && !options.signal?.aborted;
  if (!complete) note(`the comparison ${measured.failure ? 'failed' : 'was cancelled'} after ${measured.roundsDone} of ${rounds} rounds: what was measured is kept, marked incomplete`);
  const timed = (index: number): TimedModel | null => {
    const times = graphTimes(measured.visits, index);
    return times ? { label: index === 0 ? path.basename(file) : `synthetic ${arch.id}`, ...times } : null;
  };
  const ratio = roundRatio(measured.visits, 1, 0);
  const latencyErrorPct = ratio ? 100 * (ratio.median - 1) : null;
  const document: MatchDocument = {
    schema: MATCH_SCHEMA,
    createdAt: new Date().toISOString(),
    complete,
    device: deviceSummary(system),
    ep: selection.ep,
    batch,
    model: { file, input: match.input.name, inspected: match.inspection.vit ? { ...match.inspection.vit } : null },
    architecture: { ...arch, params: parameterCount(arch), macs: countMacs(arch, { part: 'encoder', tokens: arch.tokens, batch: 1 }) },
    builtin: match.builtin,
    differences: match.differences,
    measured: { model: timed(0), standIn: timed(1) },
    standInOverModel: ratio,
    latencyErrorPct,
    verdict: matchVerdict(path.basename(file), match.builtin, arch, ratio),
    rounds: { planned: rounds, done: measured.roundsDone, seed, stoppingRule: rule, orders: measured.orders.map((order) => order.map((index) => labels[index])) },
    backend: { ...backend.describe() },
    wallMs: Date.now() - startedAt,
    notes,
    ...(measured.failure ? { failure: measured.failure.message } : {}),
  };
  const rawTimingsCsv = formatRawTimingsCsv(
    labels.map((workload, index) => ({ workload, visits: measured.visits.filter((entry) => entry.graph === index).map((entry) => entry.visit) })),
  );
  return { document, rawTimingsCsv, failure: measured.failure };
}

/** How far a sweep's stand-in is from the user's export, timed here at the export's full token count. */
export interface YourModelCheck {
  file: string;
  /** the export as it is, image in, logits out */
  model: TimedModel | null;
  /** the image-input synthetic ViT of its architecture: the swept graph plus patch embedding and head */
  standIn: TimedModel | null;
  /** stand-in ÷ model, per round */
  standInOverModel: RoundRatio | null;
  /** 100 · (stand-in / model − 1), from the per-round median */
  latencyErrorPct: number | null;
  rounds: { planned: number; done: number };
  complete: boolean;
}

/** `edgetune match`'s comparison in a few rounds, as a sweep of the stand-in records it. */
export async function checkYourModel(options: MatchModelOptions): Promise<YourModelCheck> {
  const { document } = await runModelMatch({ ...options, rounds: options.rounds ?? 3, onNote: undefined });
  return {
    file: document.model.file,
    model: document.measured.model,
    standIn: document.measured.standIn,
    standInOverModel: document.standInOverModel,
    latencyErrorPct: document.latencyErrorPct,
    rounds: { planned: document.rounds.planned, done: document.rounds.done },
    complete: document.complete,
  };
}

/** "the synthetic stand-in takes 1.043× your model's time (rounds …): +4.3 %, so it stands in closely" */
export function standInVerdict(ratio: RoundRatio): string {
  const errorPct = 100 * (ratio.median - 1);
  const how = Math.abs(errorPct) <= CLOSE_PCT ? 'closely' : Math.abs(errorPct) <= ROUGH_PCT ? 'roughly' : 'poorly';
  return (
    `the synthetic stand-in takes ${ratio.median.toFixed(3)}× your model's time (rounds ${ratio.q25.toFixed(3)}–${ratio.q75.toFixed(3)}): ` +
    `${errorPct >= 0 ? '+' : ''}${errorPct.toFixed(1)} %, so it stands in ${how}` +
    (how === 'poorly' ? ' (the export computes something else, e.g. fused attention kernels or extra ops: trust its own timings over the stand-in\'s)' : '')
  );
}

export function matchVerdict(file: string, builtin: string | null, arch: VitArchitecture, ratio: RoundRatio | null): string[] {
  const shape = `depth ${arch.depth}, width ${arch.width}, ${arch.heads} heads, MLP ratio ${arch.mlpRatio}, ${arch.patchSize}-pixel patches, ${arch.tokens} tokens`;
  const lines = [`${file} reads as a ViT (${arch.family} family): ${shape}${builtin ? `, the shape of the built-in ${builtin}` : '; no built-in has this shape'}`];
  if (ratio) lines.push(standInVerdict(ratio));
  lines.push(
    builtin
      ? `next: \`edgetune tune --model ${builtin}\` sweeps and schedules that shape, \`edgetune validate --schedule <run>/schedule.json\` checks the schedule`
      : `next: \`edgetune tune --model ${file}\` sweeps and schedules this stand-in, \`edgetune validate --schedule <run>/schedule.json\` checks the schedule beside your model`,
  );
  return lines;
}
