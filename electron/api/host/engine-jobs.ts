/**
 * The engine's long work as API jobs: the same engine calls and the same run-folder files as
 * `edgetune sweep` and `edgetune tune`, reported as events instead of a terminal progress bar.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadedFromSweep, loadProfile } from '../../engine/jobs/load-profile.js';
import { chooseModel, parseTokenRange } from '../../engine/jobs/model-choice.js';
import { builtinModelIds } from '../../engine/models/architectures.js';
import { scheduleFromProfile, type ScheduleJobOptions } from '../../engine/jobs/schedule-job.js';
import { runSweepJob, type SweepJobOptions, type SweepJobResult } from '../../engine/jobs/sweep-job.js';
import { probe } from '../../engine/probe/probe.js';
import { selectProvider } from '../../engine/probe/select-provider.js';
import { formatProfileCsv } from '../../engine/staircase/csv.js';
import { writeJsonAtomic } from '../../engine/store/files.js';
import { RunFolder, runFolderName, type RunKind } from '../../engine/store/runs.js';
import { median } from '../../engine/util/stats.js';
import type { ApiParsedRequest, ApiResponse } from '../contract.js';
import type { JobContext, JobWork } from './job-registry.js';
import { runFolder } from './run-browser.js';

type SweepRequest = ApiParsedRequest<'startSweep'>;
type TuneRequest = ApiParsedRequest<'startTune'>;
type ScheduleOptions = Omit<ApiParsedRequest<'createSchedule'>, 'runId' | 'save'>;

/**
 * Fails before any folder is made when the model or token range is wrong. PyTorch models of the
 * user's own (module:factory, TorchScript files) are checked by the sweep itself, in python.
 */
export function checkSweepRequest(request: SweepRequest): void {
  if (request.backend === 'torch' && !builtinModelIds.includes(request.model.trim().toLowerCase())) return;
  const choice = chooseModel(request.model);
  parseTokenRange(request.tokens, choice.kind === 'builtin' ? choice.arch.tokens : undefined, request.model);
}

/**
 * A new run folder under the runs root; two jobs started in the same second get two folders.
 * `command` may need the folder (a file the job copies into it).
 */
export async function createRun(
  root: string,
  kind: RunKind,
  label: string,
  command: string[] | ((folder: string) => string[]),
): Promise<{ runId: string; run: RunFolder }> {
  const base = runFolderName(kind, label, new Date());
  let runId = base;
  for (let n = 2; existsSync(path.join(root, runId)); n += 1) runId = `${base}-${n}`;
  const out = path.join(root, runId);
  return { runId, run: await RunFolder.create({ kind, label, out, command: typeof command === 'function' ? command(out) : command }) };
}

/** The `edgetune` command line that would redo this job, kept in run.json. */
export function sweepCommandLine(command: 'sweep' | 'tune', request: SweepRequest): string[] {
  const args = [command, '--model', request.model];
  if (request.backend === 'ort') args.push('--ep', request.ep);
  else args.push('--backend', request.backend);
  args.push('--strategy', request.strategy, '--batch', String(request.batch));
  if (request.tokens) args.push('--tokens', request.tokens);
  if (request.passes !== undefined) args.push('--passes', String(request.passes));
  if (request.threads !== undefined) args.push('--threads', String(request.threads));
  if (request.smCount !== undefined) args.push('--sm-count', String(request.smCount));
  if (request.seed !== undefined) args.push('--seed', String(request.seed));
  if (request.fallback) args.push('--fallback');
  if (!request.validate) args.push('--skip-validation');
  if (request.device !== undefined) args.push('--device', request.device);
  if (request.dtype !== undefined) args.push('--dtype', request.dtype);
  if (request.cudaGraphs) args.push('--cuda-graphs');
  if (request.python !== undefined) args.push('--python', request.python);
  if (request.trtexec !== undefined) args.push('--trtexec', request.trtexec);
  if (request.width !== undefined) args.push('--width', String(request.width));
  return args;
}

export function sweepWork(run: RunFolder, request: SweepRequest): JobWork {
  return async (context) => {
    const result = await sweepIntoRun(run, sweepJobOptions(request), context);
    return result.profile.complete ? 'complete' : 'incomplete';
  };
}

export function tuneWork(run: RunFolder, request: TuneRequest): JobWork {
  return async (context) => {
    context.progress({ phase: 'probe', stage: 'probing', done: 0, total: 1, detail: 'this machine and its execution providers' });
    const probed = await probe({ python: request.python, trtexec: request.trtexec });
    await run.writeJson('probe.json', probed);
    const selection = request.backend === 'ort' ? await selectProvider(request.ep, request.fallback, probed.onnxruntime.providers) : undefined;
    const sweep = await sweepIntoRun(run, { ...sweepJobOptions(request), system: probed.system, selection, native: probed.native }, context);
    if (!sweep.profile.complete) {
      context.note('cancelled during the sweep: the partial profile is saved; no schedule is made from a partial profile');
      return 'incomplete';
    }
    const schedule = await scheduleFromProfile(loadedFromSweep(run.path('profile.json'), sweep.profile), await scheduleJobOptions(request, run.folder, true));
    await run.writeJson('schedule.json', schedule);
    return 'complete';
  };
}

/** A schedule from a run's profile; with `save`, schedule.json (and accuracy.csv) land in the run. */
export async function scheduleForRun(root: string, runId: string, request: ScheduleOptions, save: boolean): Promise<ApiResponse<'createSchedule'>> {
  const folder = runFolder(root, runId);
  const loaded = await loadProfile(folder);
  const options = await scheduleJobOptions(request, folder, save);
  try {
    const schedule = await scheduleFromProfile(loaded, options);
    if (!save) return { schedule };
    await writeJsonAtomic(path.join(folder, 'schedule.json'), schedule);
    return { schedule, savedAs: 'schedule.json' };
  } finally {
    if (!save && options.accuracyCsv) await rm(path.dirname(options.accuracyCsv), { recursive: true, force: true });
  }
}

function sweepJobOptions(request: SweepRequest): SweepJobOptions {
  return {
    model: request.model,
    ep: request.ep,
    fallback: request.fallback,
    tokens: request.tokens,
    batch: request.batch,
    passes: request.passes,
    strategy: request.strategy,
    validate: request.validate,
    intraOpThreads: request.threads,
    smCount: request.smCount,
    seed: request.seed,
    backend: request.backend,
    device: request.device,
    dtype: request.dtype,
    cudaGraphs: request.cudaGraphs,
    python: request.python,
    trtexec: request.trtexec,
    width: request.width,
  };
}

async function sweepIntoRun(run: RunFolder, options: SweepJobOptions, context: JobContext): Promise<SweepJobResult> {
  const withLiveVisits: SweepJobOptions = {
    ...options,
    signal: context.signal,
    onProgress: (progress) => context.progress(progress),
    onNote: (text) => context.note(text),
    onVisit: (visit) =>
      context.emit({
        type: 'sweep-visit',
        jobId: context.jobId,
        tokens: visit.tokens,
        pass: visit.pass,
        phase: visit.phase,
        isReference: visit.isReference,
        medianMs: visit.timesMs.length > 0 ? median(visit.timesMs) : 0,
        samples: visit.timesMs.length,
      }),
  };
  const result = await runSweepJob(withLiveVisits);
  await run.writeJson('profile.json', result.profile);
  await run.writeText('profile.csv', formatProfileCsv(result.profile.points));
  await run.writeText('raw-timings.csv', result.rawTimingsCsv);
  // The partial profile is on disk; now the job fails with what stopped it.
  if (result.failure) throw result.failure;
  return result;
}

/** The engine reads an accuracy curve from a file: the CSV text sent goes to the run, or to a temporary folder. */
async function scheduleJobOptions(request: ScheduleOptions, folder: string, keepAccuracyFile: boolean): Promise<ScheduleJobOptions> {
  let accuracyCsv: string | undefined;
  if (request.accuracyCsv !== undefined) {
    const target = keepAccuracyFile ? folder : await mkdtemp(path.join(os.tmpdir(), 'edgetune-accuracy-'));
    accuracyCsv = path.join(target, 'accuracy.csv');
    await writeFile(accuracyCsv, request.accuracyCsv);
  }
  return {
    accuracyCsv,
    alpha: request.alpha,
    layer: request.layer,
    maxRemoveFraction: request.maxRemoveFraction,
    maxTokens: request.maxTokens,
    depth: request.depth,
    method: request.method,
  };
}
