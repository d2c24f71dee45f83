/**
 * The API implemented over the engine, once, for every transport: Electron's utility process and
 * `edgetune serve` both hand it (function name, payload) and forward its events.
 */
import type { z } from 'zod';
import { listModels } from '../../engine/models/architectures.js';
import { listVittmModels } from '../../engine/models/vittm/architectures.js';
import { probe } from '../../engine/probe/probe.js';
import { defaultRunsRoot, RunFolder } from '../../engine/store/runs.js';
import { UserError } from '../../engine/errors.js';
import {
  API_FUNCTIONS,
  apiFunctions,
  probeResultSchema,
  type ApiEvent,
  type ApiFunction,
  type ApiParsedRequest,
  type ApiResult,
  type Unsubscribe,
} from '../contract.js';
import { toApiError } from '../errors.js';
import { validateCall } from '../validate.js';
import { alignOptions, prepareAlign, prepareContinue } from './align-jobs.js';
import { checkSweepRequest, createRun, scheduleForRun, sweepCommandLine, sweepWork, tuneWork } from './engine-jobs.js';
import { JobRegistry } from './job-registry.js';
import { prepareMatch, prepareValidate, prepareVittmCompare, prepareVittmGrid, type PreparedJob } from './measure-jobs.js';
import { deleteRun, getRun, listRuns, readRunFile, runFolder } from './run-browser.js';

export interface EngineHostOptions {
  transport: 'ipc' | 'http';
  /** default: $EDGETUNE_HOME/runs, else ~/.edgetune/runs */
  runsRoot?: string;
  version?: string;
}

export interface EngineHost {
  /** Validates the payload, runs the function, and answers an envelope; never throws. */
  call(name: string, payload: unknown): Promise<ApiResult<unknown>>;
  onEvent(listener: (event: ApiEvent) => void): Unsubscribe;
  /** Cancels running jobs and waits until each has saved what it measured. */
  shutdown(): Promise<void>;
}

type Handlers = {
  [F in ApiFunction]: (request: ApiParsedRequest<F>) => Promise<z.input<(typeof apiFunctions)[F]['response']>>;
};

export function createEngineHost(options: EngineHostOptions): EngineHost {
  const runsRoot = options.runsRoot ?? defaultRunsRoot();
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };
  const jobs = new JobRegistry(emit);

  /** runs a start call is opening a job on (continueAlign loads a model first): not free, though no job writes them yet */
  const claimed = new Set<string>();
  const refuseWhileRunning = (runId: string, doing: string) => {
    const jobId = jobs.runningJobFor(runId);
    if (jobId) throw new UserError('run-busy', `run ${runId} is being written by ${jobId}: cannot ${doing} it now`, `cancel ${jobId} (cancelJob) or wait until it ends`);
    if (claimed.has(runId)) throw new UserError('run-busy', `run ${runId} is starting a job: cannot ${doing} it now`, 'wait until the job has started (listJobs) or ended');
  };

  const startPrepared = async (prepared: PreparedJob) => {
    let created: Awaited<ReturnType<typeof createRun>>;
    try {
      created = await createRun(runsRoot, prepared.runKind, prepared.label, prepared.command);
      for (const [name, content] of Object.entries(prepared.files ?? {})) await created.run.writeJson(name, content);
    } catch (error) {
      await prepared.dispose?.();
      throw error;
    }
    return { jobId: jobs.start(prepared.jobKind, created.runId, created.run, prepared.work), runId: created.runId };
  };

  const handlers: Handlers = {
    getInfo: async () => ({ name: 'edgetune', version: options.version ?? '0.1.0', transport: options.transport, runsRoot, functions: [...API_FUNCTIONS] }),
    probe: async (request) => probeResultSchema.parse(await probe(request)),
    listModels: async () => ({
      models: [...listModels().map((model) => ({ ...model })), ...listVittmModels().map((model) => ({ ...model, tokens: model.memoryTokens + model.processTokens }))],
    }),
    startSweep: async (request) => {
      checkSweepRequest(request);
      const { runId, run } = await createRun(runsRoot, 'sweep', request.model, sweepCommandLine('sweep', request));
      return { jobId: jobs.start('sweep', runId, run, sweepWork(run, request)), runId };
    },
    startTune: async (request) => {
      checkSweepRequest(request);
      const { runId, run } = await createRun(runsRoot, 'tune', request.model, sweepCommandLine('tune', request));
      return { jobId: jobs.start('tune', runId, run, tuneWork(run, request)), runId };
    },
    cancelJob: async ({ jobId }) => {
      const cancelled = jobs.cancel(jobId);
      if (cancelled === undefined) throw new UserError('job-not-found', `no job ${jobId} in this session`, 'listJobs shows the jobs this engine knows');
      return { jobId, cancelled };
    },
    listJobs: async () => ({ jobs: jobs.list() }),
    createSchedule: async ({ runId, save, ...scheduleOptions }) => {
      if (save) refuseWhileRunning(runId, 'save a schedule into');
      return scheduleForRun(runsRoot, runId, scheduleOptions, save);
    },
    startValidate: async (request) => startPrepared(await prepareValidate(runsRoot, request)),
    startMatch: async (request) => startPrepared(await prepareMatch(request)),
    startVittmCompare: async (request) => startPrepared(prepareVittmCompare(request)),
    startVittmGrid: async (request) => startPrepared(prepareVittmGrid(request)),
    listAlignOptions: async () => alignOptions(),
    startAlign: async (request) => startPrepared(await prepareAlign(request)),
    continueAlign: async (request) => {
      const { runId } = request;
      const folder = runFolder(runsRoot, runId);
      refuseWhileRunning(runId, 'continue');
      claimed.add(runId);
      try {
        const { work, dispose } = await prepareContinue(folder, request);
        const run = await RunFolder.open(folder, 'align').catch(async (error: unknown) => {
          await dispose();
          throw error;
        });
        return { jobId: jobs.start('align', runId, run, work), runId };
      } finally {
        claimed.delete(runId);
      }
    },
    listRuns: async () => ({
      runsRoot,
      runs: (await listRuns(runsRoot)).map((run) => {
        const jobId = jobs.runningJobFor(run.runId);
        return jobId ? { ...run, jobId } : run;
      }),
    }),
    getRun: async ({ runId }) => getRun(runsRoot, runId),
    readRunFile: async ({ runId, name }) => readRunFile(runsRoot, runId, name),
    deleteRun: async ({ runId }) => {
      refuseWhileRunning(runId, 'delete');
      await deleteRun(runsRoot, runId);
      return { runId, deleted: true as const };
    },
  };

  return {
    async call(name, payload) {
      const validated = validateCall(name, payload);
      if (!validated.ok) return validated;
      try {
        const handler = handlers[validated.name] as (request: unknown) => Promise<unknown>;
        const value = await handler(validated.request);
        const checked = apiFunctions[validated.name].response.safeParse(value);
        if (!checked.success) {
          return { ok: false, error: { code: 'internal', message: `${name} answered outside the API contract: ${checked.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`, fix: 'this is a bug in EdgeTune; please report it' } };
        }
        return { ok: true, value: checked.data };
      } catch (error) {
        return { ok: false, error: toApiError(error) };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    shutdown: () => jobs.cancelAll(),
  };
}
