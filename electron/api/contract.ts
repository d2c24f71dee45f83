/**
 * EdgeTune's one API contract, shared by Electron IPC, web mode (HTTP + WebSocket) and the renderer.
 *
 * Every entry of `apiFunctions` is at once an IPC channel (`edgetune:<name>`), an HTTP route
 * (`POST /api/<name>`, JSON body = request) and a method of `EdgeTuneApi`. Requests are validated
 * with the entry's `request` schema on the way in (IPC handler, HTTP route); responses are parsed
 * with its `response` schema by the engine host before they leave it.
 *
 * Long work is a job: `start*` answers at once with a jobId and the run it writes to; its progress,
 * notes, live visits and its end arrive as `ApiEvent`s carrying that jobId; `cancelJob` stops it
 * and the job keeps what it measured.
 *
 * This module must load in a browser: it imports zod and the engine's zod-only contracts, never Node.
 *
 * Planned entries, added here as their engine jobs land (never before):
 *   startValidate   (jobs/validate*: time the pruned model end to end against the baseline, Top-K, ToMe)
 *   startVittm      (jobs/vittm*: ViTTM vs ViT compared on this device, memory × process grid)
 *   startAlign      (jobs/align*: evolutionary search over a diffusion model's initial noise)
 *   PyTorch / TensorRT backends: `backend` (ort | torch | trt), `device`, `dtype`, `cudaGraphs` on
 *                   startSweep / startTune, mirroring `edgetune sweep`'s flags, once committed
 */
import { z } from 'zod';
import { profileSchema } from '../engine/contracts/profile.js';
import { scheduleMethodSchema, scheduleSchema } from '../engine/contracts/schedule.js';
import { EXECUTION_PROVIDERS } from '../engine/measure/execution-providers.js';

// ---------------------------------------------------------------- identifiers

export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a job id from a start* call');

/** A run is a folder directly under the runs root; its id is the folder's name. */
export const runIdSchema = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a run id from listRuns (a folder name: no slashes, no leading dot)');

/** A file inside a run: segments separated by '/', none empty, none starting with a dot (so never '..'). */
export const runFileNameSchema = z
  .string()
  .max(500)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/, 'a file name inside the run (no "..", no absolute path)');

// ---------------------------------------------------------------- errors

/** What reaches the UI when a call fails: the engine's UserError fields, never a stack. */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string().optional(),
  /** for code 'bad-request': where the request broke its schema */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Every answer on the wire (IPC return value, HTTP body) is this envelope. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Thrown by `EdgeTuneApi` implementations when a call answers `ok: false`. */
export class ApiCallError extends Error {
  readonly code: string;
  readonly fix: string | undefined;
  readonly issues: ApiError['issues'];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.fix = error.fix;
    this.issues = error.issues;
  }
}

// ---------------------------------------------------------------- shared pieces

export const executionProviderChoiceSchema = z.enum(['auto', ...EXECUTION_PROVIDERS]);
export const sweepStrategySchema = z.enum(['auto', 'block', 'whole']);

const empty = z.strictObject({});

/** Same options and defaults as `edgetune sweep` (see its --help). */
export const sweepOptionsShape = {
  /** built-in id (listModels) or the path of an ONNX file on the machine running the engine */
  model: z.string().min(1).max(1000),
  ep: executionProviderChoiceSchema.default('auto'),
  /** when the named provider does not work here: use the best one that does */
  fallback: z.boolean().default(false),
  /** 'A:B', default 1 to the model's full count */
  tokens: z.string().regex(/^\d+:\d+$/, 'A:B, e.g. 1:197').optional(),
  batch: z.number().int().min(1).max(4096).default(1),
  passes: z.number().int().min(1).max(50).optional(),
  strategy: sweepStrategySchema.default('auto'),
  /** check the one-block prediction against the whole encoder (built-in models) */
  validate: z.boolean().default(true),
  threads: z.number().int().min(1).max(1024).optional(),
  smCount: z.number().int().min(1).max(100_000).optional(),
  seed: z.number().int().min(0).optional(),
};

/** Same options and defaults as `edgetune schedule`. */
export const scheduleOptionsShape = {
  /** latency weight in POMT's utility */
  alpha: z.number().min(0).max(1).default(0.5),
  /** 0-based layer where tokens are removed */
  layer: z.number().int().min(0).max(1000).default(3),
  /** the minimal move removes at most this share of the tokens */
  maxRemoveFraction: z.number().min(0.001).max(1).default(0.1),
  /** the full token count, if not the model's */
  maxTokens: z.number().int().min(1).optional(),
  method: scheduleMethodSchema.default('pomt'),
  /** accuracy curve as CSV text (columns tokens,accuracy); saved into the run as accuracy.csv */
  accuracyCsv: z.string().max(1_000_000).optional(),
  /** transformer blocks, for profiles that do not say */
  depth: z.number().int().min(1).max(1000).optional(),
};

export const jobStartedSchema = z.object({ jobId: jobIdSchema, runId: runIdSchema });

export const jobKindSchema = z.enum(['sweep', 'tune']);
export type JobKind = z.infer<typeof jobKindSchema>;

export const jobProgressSchema = z.object({
  phase: z.string(),
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  detail: z.string(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobStateSchema = z.enum(['running', 'complete', 'incomplete', 'failed', 'cancelled']);

export const jobSummarySchema = z.object({
  jobId: jobIdSchema,
  kind: jobKindSchema,
  runId: runIdSchema,
  state: jobStateSchema,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  progress: jobProgressSchema.optional(),
  error: apiErrorSchema.optional(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

// ---------------------------------------------------------------- documents

const providerStatusSchema = z.looseObject({
  ep: z.string(),
  works: z.boolean(),
  checkMs: z.number(),
  error: z.string().optional(),
  fix: z.string().optional(),
  bundled: z.boolean().nullable(),
  nativeLog: z.array(z.string()).optional(),
});

/** `edgetune probe --json`; the fields the UI shows are typed, the rest passes through. */
export const probeResultSchema = z.looseObject({
  schema: z.string(),
  createdAt: z.string(),
  system: z.looseObject({
    cpu: z.looseObject({ model: z.string(), cores: z.number(), physicalCores: z.number(), speedGHz: z.number().nullable() }),
    memory: z.looseObject({ totalBytes: z.number() }),
    os: z.looseObject({ platform: z.string(), distro: z.string(), release: z.string(), kernel: z.string(), arch: z.string() }),
    gpus: z.array(z.looseObject({ vendor: z.string(), model: z.string(), vramMb: z.number().nullable(), driver: z.string().nullable() })),
    node: z.string(),
    unavailable: z.record(z.string(), z.string()),
  }),
  onnxruntime: z.object({ version: z.string(), providers: z.array(providerStatusSchema) }),
  /** the native addon's GPU facts (Vulkan, CUDA driver, NVML, Jetson), as `edgetune probe --json` prints them */
  native: z.record(z.string(), z.unknown()).optional(),
  bestProvider: z.string(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

/** One row of `edgetune models --json`; ViTTMs add memoryTokens and processTokens (tokens = their sum). */
export const modelListingSchema = z.looseObject({
  id: z.string(),
  family: z.string(),
  depth: z.number(),
  width: z.number(),
  heads: z.number(),
  tokens: z.number(),
  params: z.number(),
  macs: z.number(),
  memoryTokens: z.number().optional(),
  processTokens: z.number().optional(),
});

export const runSummarySchema = z.object({
  runId: runIdSchema,
  /** what made it: 'tune' | 'sweep' | 'schedule' | 'bench', more as jobs land */
  kind: z.string(),
  label: z.string(),
  status: z.enum(['running', 'complete', 'incomplete', 'failed']),
  createdAt: z.string(),
  updatedAt: z.string(),
  message: z.string().optional(),
  /** the job writing it, while one is */
  jobId: jobIdSchema.optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runFileSchema = z.object({ name: runFileNameSchema, bytes: z.number().int().nonnegative() });

export const runDetailSchema = z.object({
  run: runSummarySchema.extend({ command: z.array(z.string()) }),
  /** every file in the run folder (subfolders included, '/'-separated), run.json left out */
  files: z.array(runFileSchema),
  /** the run's documents the UI renders; each is absent when the run has none (or it does not parse: see problems) */
  documents: z.object({
    profile: profileSchema.optional(),
    schedule: scheduleSchema.optional(),
    probe: probeResultSchema.optional(),
  }),
  /** documents present but unreadable, in words */
  problems: z.array(z.string()),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

export const runFileContentSchema = z.object({
  name: runFileNameSchema,
  mimeType: z.string(),
  bytes: z.number().int().nonnegative(),
  /** text files come as utf8, everything else (PNG, ONNX…) as base64 */
  encoding: z.enum(['utf8', 'base64']),
  content: z.string(),
});
export type RunFileContent = z.infer<typeof runFileContentSchema>;

// ---------------------------------------------------------------- the functions

function entry<Request extends z.ZodType, Response extends z.ZodType>(request: Request, response: Response) {
  return { request, response };
}

export const apiFunctions = {
  /** what this engine offers: name, version, transport, runs root, and which functions exist */
  getInfo: entry(
    empty,
    z.object({
      name: z.literal('edgetune'),
      version: z.string(),
      transport: z.enum(['ipc', 'http']),
      runsRoot: z.string(),
      /** the renderer hides pages whose functions are not listed */
      functions: z.array(z.string()),
    }),
  ),
  /** this machine and which onnxruntime providers really work here (takes a few seconds) */
  probe: entry(empty, probeResultSchema),
  /** built-in ViT and ViTTM architectures */
  listModels: entry(empty, z.object({ models: z.array(modelListingSchema) })),

  /** latency vs tokens → run with profile.json, profile.csv, raw-timings.csv */
  startSweep: entry(z.strictObject(sweepOptionsShape), jobStartedSchema),
  /** probe + sweep + schedule → run with probe.json, profile.*, raw-timings.csv, schedule.json */
  startTune: entry(
    z.strictObject({ ...sweepOptionsShape, ...scheduleOptionsShape, model: sweepOptionsShape.model.default('vit-b16') }),
    jobStartedSchema,
  ),
  /** asks a running job to stop; it ends with a job-cancelled event once its partial results are saved */
  cancelJob: entry(z.strictObject({ jobId: jobIdSchema }), z.object({ jobId: jobIdSchema, cancelled: z.boolean() })),
  /** jobs of this engine session, running and finished (a reloaded page finds its running sweep here) */
  listJobs: entry(empty, z.object({ jobs: z.array(jobSummarySchema) })),

  /** a schedule from a run's profile; `save` writes schedule.json (and accuracy.csv) into the run */
  createSchedule: entry(
    z.strictObject({ runId: runIdSchema, ...scheduleOptionsShape, save: z.boolean().default(false) }),
    z.object({ schedule: scheduleSchema, savedAs: runFileNameSchema.optional() }),
  ),

  /** every run on disk, newest first */
  listRuns: entry(empty, z.object({ runsRoot: z.string(), runs: z.array(runSummarySchema) })),
  getRun: entry(z.strictObject({ runId: runIdSchema }), runDetailSchema),
  /** one file of a run, for downloads and images (at most 64 MiB) */
  readRunFile: entry(z.strictObject({ runId: runIdSchema, name: runFileNameSchema }), runFileContentSchema),
  /** deletes a run folder; refused while a job writes to it */
  deleteRun: entry(z.strictObject({ runId: runIdSchema }), z.object({ runId: runIdSchema, deleted: z.literal(true) })),
} as const;

export type ApiFunction = keyof typeof apiFunctions;
export const API_FUNCTIONS = Object.keys(apiFunctions) as ApiFunction[];

/** What a caller sends (defaults not yet applied). */
export type ApiRequest<F extends ApiFunction> = z.input<(typeof apiFunctions)[F]['request']>;
/** What the engine host receives after validation (defaults applied). */
export type ApiParsedRequest<F extends ApiFunction> = z.output<(typeof apiFunctions)[F]['request']>;
export type ApiResponse<F extends ApiFunction> = z.output<(typeof apiFunctions)[F]['response']>;

export function isApiFunction(name: string): name is ApiFunction {
  return Object.hasOwn(apiFunctions, name);
}

// ---------------------------------------------------------------- events

const jobEvent = <Type extends string, Shape extends z.ZodRawShape>(type: Type, shape: Shape) =>
  z.object({ type: z.literal(type), jobId: jobIdSchema, ...shape });

export const apiEventSchema = z.discriminatedUnion('type', [
  jobEvent('job-progress', { kind: jobKindSchema, progress: jobProgressSchema }),
  /** something the user should know, in words (provider fell back, machine drifted, strategy chosen…) */
  jobEvent('job-note', { text: z.string() }),
  /**
   * one stay at one token count just measured: plot it live; the final profile (getRun after
   * job-done) replaces these. Emitted once the engine's runSweepJob forwards `onVisit` to runSweep
   * (requested); until then a live chart has only job-progress and fills in at job-done.
   */
  jobEvent('sweep-visit', {
    tokens: z.number().int(),
    pass: z.number().int(),
    phase: z.enum(['survey', 'refine', 'validate']),
    isReference: z.boolean(),
    medianMs: z.number(),
    samples: z.number().int(),
  }),
  jobEvent('job-done', { kind: jobKindSchema, runId: runIdSchema, status: z.enum(['complete', 'incomplete']) }),
  jobEvent('job-failed', { kind: jobKindSchema, runId: runIdSchema, error: apiErrorSchema }),
  /** the run keeps what was measured before the cancel (profile marked incomplete) when there was anything */
  jobEvent('job-cancelled', { kind: jobKindSchema, runId: runIdSchema }),
  /** the engine process died (desktop): its jobs failed, it is restarting; show `message` to the user */
  z.object({ type: z.literal('engine-status'), state: z.enum(['restarting', 'ready', 'stopped']), message: z.string() }),
]);
export type ApiEvent = z.infer<typeof apiEventSchema>;
export type ApiEventType = ApiEvent['type'];
export type Unsubscribe = () => void;

// ---------------------------------------------------------------- what the renderer talks to

type ApiMethods = { [F in ApiFunction]: (request: ApiRequest<F>) => Promise<ApiResponse<F>> };

/**
 * The one object the renderer talks to. Implemented twice in the renderer (Netron-style): over
 * `window.edgetune` (Electron) and over HTTP + WebSocket (web mode); `createApiClient` in
 * ./client.ts builds either from a transport. Failed calls throw `ApiCallError`.
 */
export interface EdgeTuneApi extends ApiMethods {
  onEvent(listener: (event: ApiEvent) => void): Unsubscribe;
}

type BridgeMethods = { [F in ApiFunction]: (request: ApiRequest<F>) => Promise<ApiResult<ApiResponse<F>>> };

/** `window.edgetune` as the preload exposes it: envelopes, because errors lose their fields across IPC. */
export interface EdgeTuneBridge extends BridgeMethods {
  onEvent(listener: (event: ApiEvent) => void): Unsubscribe;
}

// ---------------------------------------------------------------- transports

/** IPC: one `ipcMain.handle` channel per function; events arrive on EVENT_CHANNEL. */
export const IPC_CHANNEL_PREFIX = 'edgetune:';
export const EVENT_CHANNEL = 'edgetune:event';
export function ipcChannel(name: ApiFunction): string {
  return `${IPC_CHANNEL_PREFIX}${name}`;
}

/**
 * Web mode (`edgetune serve`):
 * - `POST /api/<function>` with the JSON request as body (empty body = {}), answered with an
 *   `ApiResult` envelope: 200 ok, 400 bad request (issues listed), 401 no token, 404 unknown
 *   function or missing run/file/job, 409 busy, 500 unexpected.
 * - `GET /api/events` upgraded to a WebSocket: the server sends one `ApiEvent` JSON per message.
 * - The token goes in the `Authorization: Bearer <token>` header or `?token=<token>` (the
 *   WebSocket, which cannot set headers, uses the query). The printed URL carries it: the page
 *   reads it from `location.search`. A cookie set with the page authorizes the page's own static
 *   files only, never /api.
 */
export const HTTP_API_PREFIX = '/api/';
export const HTTP_EVENTS_PATH = '/api/events';
export const TOKEN_QUERY_PARAMETER = 'token';
