/**
 * The API implemented over the engine, once, for every transport: Electron's utility process and
 * `edgetune serve` both hand it (function name, payload) and forward its events.
 */
import type { z } from 'zod';
import { listModels } from '../../engine/models/architectures.js';
import { listVittmModels } from '../../engine/models/vittm/architectures.js';
import { probe } from '../../engine/probe/probe.js';
import { defaultRunsRoot } from '../../engine/store/runs.js';
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
import { checkSweepRequest, createRun, scheduleForRun, sweepCommandLine, sweepWork, tuneWork } from './engine-jobs.js';
import { JobRegistry } from './job-registry.js';
import { deleteRun, getRun, listRuns, readRunFile } from './run-browser.js';

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

  const refuseWhileRunning = (runId: string, doing: string) => {
    const jobId = jobs.runningJobFor(runId);
    if (jobId) throw new UserError('run-busy', `run ${runId} is being written by ${jobId}: cannot ${doing} it now`, `cancel ${jobId} (cancelJob) or wait until it ends`);
  };

  const handlers: Handlers = {
    getInfo: async () => ({ name: 'edgetune', version: options.version ?? '0.1.0', transport: options.transport, runsRoot, functions: [...API_FUNCTIONS] }),
    probe: async () => probeResultSchema.parse(await probe()),
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
