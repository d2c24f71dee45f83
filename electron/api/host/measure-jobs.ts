/**
 * The end-to-end measurements as API jobs: `edgetune validate`, `match`, `vittm compare` and
 * `vittm grid`, with the same engine calls and the same run-folder files as the commands. Each
 * `prepare*` checks the request against the engine (schedule, model file, ids, token lists) before
 * any folder exists, so that a wrong request fails the call instead of leaving a failed run.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../engine/errors.js';
import { loadProfile, type LoadedProfile } from '../../engine/jobs/load-profile.js';
import { runModelMatch } from '../../engine/jobs/validate/match-model.js';
import { readScheduleFile, runValidation } from '../../engine/jobs/validate/validate-schedule.js';
import { scheduleArchitecture } from '../../engine/jobs/validate/variants.js';
import { planComparison, runVittmCompare } from '../../engine/jobs/vittm/compare.js';
import { planGrid, runVittmGrid } from '../../engine/jobs/vittm/grid.js';
import type { VittmJobOptions } from '../../engine/jobs/vittm/shared.js';
import { formatCompareTable, formatGridCsv, formatGridTable } from '../../engine/jobs/vittm/tables.js';
import { parseTokenList } from '../../engine/jobs/vittm/token-lists.js';
import { matchVitArchitecture } from '../../engine/models/match-vit.js';
import { readOnnxFile } from '../../engine/models/onnx/reader.js';
import type { Schedule } from '../../engine/contracts/schedule.js';
import type { RunKind } from '../../engine/store/runs.js';
import type { ApiParsedRequest, JobKind } from '../contract.js';
import type { JobContext, JobWork } from './job-registry.js';
import { runFolder } from './run-browser.js';

type MeasureRequest = Pick<ApiParsedRequest<'startMatch'>, 'ep' | 'fallback' | 'batch' | 'threads' | 'seed'>;

/** A checked request: the run to create and the work to run in it. */
export interface PreparedJob {
  jobKind: JobKind;
  runKind: RunKind;
  label: string;
  command: string[] | ((folder: string) => string[]);
  /** files the run starts with (the schedule a validation checks), written before the work */
  files?: Record<string, unknown>;
  work: JobWork;
  /** releases what preparing took (an open model) when the job never starts */
  dispose?: () => Promise<void>;
}

function measureFlags(request: MeasureRequest): string[] {
  const args = ['--ep', request.ep, '--batch', String(request.batch), '--seed', String(request.seed)];
  if (request.fallback) args.push('--fallback');
  if (request.threads !== undefined) args.push('--threads', String(request.threads));
  return args;
}

function measureOptions(request: MeasureRequest, context: JobContext, phase: string) {
  return {
    ep: request.ep,
    fallback: request.fallback,
    batch: request.batch,
    seed: request.seed,
    intraOpThreads: request.threads,
    signal: context.signal,
    onProgress: (progress: { stage: string; done: number; total: number; detail: string }) => context.progress({ phase, ...progress }),
    onNote: (text: string) => context.note(text),
  } satisfies Partial<VittmJobOptions>;
}

// ---------------------------------------------------------------- validate

interface ScheduleSource {
  schedule: Schedule;
  /** the file it came from, or null when the request carried the document */
  file: string | null;
  profile: LoadedProfile | undefined;
}

async function scheduleSource(root: string, request: ApiParsedRequest<'startValidate'>): Promise<ScheduleSource> {
  const folder = request.runId === undefined ? undefined : runFolder(root, request.runId);
  let schedule: Schedule;
  let file: string | null = null;
  if (request.schedule !== undefined) {
    schedule = request.schedule;
  } else {
    file = request.schedulePath !== undefined ? path.resolve(request.schedulePath) : path.join(folder!, 'schedule.json');
    if (request.schedulePath === undefined && !existsSync(file)) {
      throw new UserError(
        'schedule-not-found',
        `run ${request.runId} holds no schedule.json`,
        'save a schedule into the run first (Schedule page: "Save into the run", or createSchedule with save), or send the schedule itself',
      );
    }
    schedule = await readScheduleFile(file);
  }
  let profile: LoadedProfile | undefined;
  if (request.profilePath !== undefined) profile = await loadProfile(request.profilePath);
  else if (folder !== undefined && existsSync(path.join(folder, 'profile.json'))) profile = await loadProfile(folder);
  else if (file !== null && existsSync(path.join(path.dirname(file), 'profile.json'))) profile = await loadProfile(path.join(path.dirname(file), 'profile.json'));
  return { schedule, file, profile };
}

export async function prepareValidate(root: string, request: ApiParsedRequest<'startValidate'>): Promise<PreparedJob> {
  const source = await scheduleSource(root, request);
  // Schedules for model files and unknown ids are refused here, before a run folder exists.
  const arch = scheduleArchitecture(source.schedule, request.model);
  return {
    jobKind: 'validate',
    runKind: 'validate',
    label: arch.id,
    // The schedule is copied into the run, so that the recorded command redoes the check from the run alone.
    command: (folder) => {
      const args = ['validate', '--schedule', path.join(folder, 'schedule.json')];
      if (source.profile) args.push('--profile', source.profile.source);
      if (request.model !== undefined) args.push('--model', request.model);
      return [...args, '--match', request.match, '--rounds', String(request.rounds), ...measureFlags(request)];
    },
    files: { 'schedule.json': source.schedule },
    work: async (context) => {
      const result = await runValidation({
        ...measureOptions(request, context, 'validate'),
        schedule: source.schedule,
        scheduleSource: source.file ?? undefined,
        profile: source.profile,
        model: request.model,
        rounds: request.rounds,
        matchBy: request.match,
      });
      return saveMeasurement(context, result, { 'validation.json': result.document });
    },
  };
}

// ---------------------------------------------------------------- match

export async function prepareMatch(request: ApiParsedRequest<'startMatch'>): Promise<PreparedJob> {
  const file = path.resolve(request.model);
  // A model EdgeTune cannot read as a ViT is refused before a run folder exists.
  matchVitArchitecture(await readOnnxFile(file), path.basename(file));
  return {
    jobKind: 'match',
    runKind: 'match',
    label: path.basename(file, '.onnx'),
    command: ['match', file, '--rounds', String(request.rounds), ...measureFlags(request)],
    work: async (context) => {
      const result = await runModelMatch({ ...measureOptions(request, context, 'match'), model: file, rounds: request.rounds });
      return saveMeasurement(context, result, { 'match.json': result.document });
    },
  };
}

// ---------------------------------------------------------------- vittm

export function prepareVittmCompare(request: ApiParsedRequest<'startVittmCompare'>): PreparedJob {
  const options = {
    pairs: request.vittm.map((vittm, index) => ({ vittm, vit: request.vit?.[index] })),
    patchSetting: request.patches,
    prunedTokens: request.prunedTokens,
    rounds: request.rounds,
  };
  planComparison({ ...options, seed: request.seed });
  const args = ['vittm', 'compare', '--vittm', request.vittm.join(',')];
  if (request.vit) args.push('--vit', request.vit.join(','));
  if (request.patches) args.push('--patches', request.patches);
  args.push('--pruned-tokens', String(request.prunedTokens), '--rounds', String(request.rounds), ...measureFlags(request));
  return {
    jobKind: 'vittm-compare',
    // As `edgetune vittm compare` files it: a sweep of models rather than of token counts.
    runKind: 'sweep',
    label: `vittm-compare-${request.vittm.join('+')}`,
    command: args,
    work: async (context) => {
      const result = await runVittmCompare({ ...measureOptions(request, context, 'vittm'), ...options });
      return saveMeasurement(context, result, {
        'vittm-compare.json': result.document,
        'vittm-compare.txt': `${formatCompareTable(result.document)}\n`,
      });
    },
  };
}

export function prepareVittmGrid(request: ApiParsedRequest<'startVittmGrid'>): PreparedJob {
  const options = {
    vittm: request.vittm,
    patchSetting: request.patches,
    processTokens: request.process === undefined ? undefined : parseTokenList(request.process, 'process'),
    memoryTokens: request.memory === undefined ? undefined : parseTokenList(request.memory, 'memory'),
    passes: request.passes,
  };
  const plan = planGrid({ ...options, seed: request.seed });
  const args = ['vittm', 'grid', '--vittm', request.vittm];
  if (request.process) args.push('--process', request.process);
  if (request.memory) args.push('--memory', request.memory);
  if (request.patches) args.push('--patches', request.patches);
  args.push('--passes', String(request.passes), ...measureFlags(request));
  return {
    jobKind: 'vittm-grid',
    runKind: 'sweep',
    label: `vittm-grid-${plan.id}`,
    command: args,
    work: async (context) => {
      const result = await runVittmGrid({ ...measureOptions(request, context, 'vittm'), ...options });
      return saveMeasurement(context, result, {
        'vittm-grid.json': result.document,
        'vittm-grid.csv': formatGridCsv(result.document),
        'vittm-grid.txt': `${formatGridTable(result.document)}\n`,
      });
    },
  };
}

/**
 * Writes what was measured, complete or not, then reports how the job ended: a failure part-way is
 * thrown only once the rounds measured before it are on disk.
 */
async function saveMeasurement(
  context: JobContext,
  result: { document: { complete: boolean }; rawTimingsCsv: string; failure?: Error },
  files: Record<string, unknown>,
): Promise<'complete' | 'incomplete'> {
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') await context.run.writeText(name, content);
    else await context.run.writeJson(name, content);
  }
  await context.run.writeText('raw-timings.csv', result.rawTimingsCsv);
  if (result.failure) throw result.failure;
  return result.document.complete && !context.signal.aborted ? 'complete' : 'incomplete';
}
