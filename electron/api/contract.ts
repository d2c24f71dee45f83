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
 * Entries are added here as their engine jobs land, never before: the renderer shows a page only
 * when getInfo lists its functions. Request fields mirror the `edgetune` command's flags (camelCase)
 * and take the same defaults.
 */
import { z } from 'zod';
import { profileSchema } from '../engine/contracts/profile.js';
import { scheduleMethodSchema, scheduleSchema } from '../engine/contracts/schedule.js';
import { EXECUTION_PROVIDERS } from '../engine/measure/execution-providers.js';
import {
  alignAlgorithmSchema,
  alignDocumentSchema,
  candidateRecordSchema,
  generationSummarySchema,
  matchDocumentSchema,
  validationDocumentSchema,
  vittmCompareDocumentSchema,
  vittmGridDocumentSchema,
} from './documents.js';

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

/** The runtime that times a sweep (`--backend`): onnxruntime, PyTorch, or TensorRT's trtexec. */
export const sweepBackendSchema = z.enum(['ort', 'torch', 'trt']);
export const torchDeviceChoiceSchema = z.enum(['auto', 'cpu', 'cuda', 'mps']);
export const precisionSchema = z.enum(['fp32', 'fp16', 'bf16']);

/** Same options and defaults as `edgetune sweep` (see its --help). */
export const sweepOptionsShape = {
  /** built-in id (listModels) or the path of an ONNX file on the machine running the engine; with backend torch also module:factory or a TorchScript .pt */
  model: z.string().min(1).max(1000),
  backend: sweepBackendSchema.default('ort'),
  /** onnxruntime's provider (backend ort only) */
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
  /** PyTorch's device (backend torch; default auto: CUDA, else MPS, else the CPU) */
  device: torchDeviceChoiceSchema.optional(),
  /** PyTorch and TensorRT precision (default fp32) */
  dtype: precisionSchema.optional(),
  /** PyTorch: one CUDA graph per token count; TensorRT: trtexec --useCudaGraph */
  cudaGraphs: z.boolean().default(false),
  /** the python that runs the PyTorch backend, on the engine's machine */
  python: z.string().min(1).max(1000).optional(),
  /** TensorRT's trtexec, on the engine's machine */
  trtexec: z.string().min(1).max(1000).optional(),
  /** token width of your own PyTorch model, when it has no embed_dim attribute */
  width: z.number().int().min(1).max(65_536).optional(),
};

type SweepOptionsOutput = z.output<z.ZodObject<typeof sweepOptionsShape>>;

/** As `edgetune sweep` refuses them: a flag that the chosen runtime would ignore is an error, not a surprise. */
function checkRuntimeOptions(request: SweepOptionsOutput, context: z.core.$RefinementCtx): void {
  const misplaced = (field: string, hint: string) => context.addIssue({ code: 'custom', path: [field], message: `does not apply to backend ${request.backend}: ${hint}` });
  const { backend } = request;
  if (backend !== 'ort') {
    if (request.ep !== 'auto') misplaced('ep', "onnxruntime's provider; PyTorch takes device, TensorRT always runs on CUDA");
    if (request.fallback) misplaced('fallback', "onnxruntime's provider fallback");
  }
  if (backend !== 'torch') {
    for (const field of ['device', 'python', 'width'] as const) if (request[field] !== undefined) misplaced(field, 'a PyTorch setting: use backend torch');
  }
  if (backend === 'ort') {
    if (request.dtype !== undefined) misplaced('dtype', 'a PyTorch and TensorRT setting (onnxruntime runs the fp32 graph)');
    if (request.cudaGraphs) misplaced('cudaGraphs', 'a PyTorch and TensorRT setting');
  }
  if (backend !== 'trt' && request.trtexec !== undefined) misplaced('trtexec', 'a TensorRT setting: use backend trt');
  if (backend === 'torch' && request.cudaGraphs && request.device !== undefined && request.device !== 'auto' && request.device !== 'cuda') {
    context.addIssue({ code: 'custom', path: ['cudaGraphs'], message: `CUDA graphs need a CUDA device, not ${request.device}` });
  }
}

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

/** What every end-to-end measurement job takes, as `edgetune validate`, `match` and `vittm` do. */
const measureOptionsShape = {
  ep: executionProviderChoiceSchema.default('auto'),
  fallback: z.boolean().default(false),
  batch: z.number().int().min(1).max(4096).default(1),
  /** onnxruntime intra-op threads (default: onnxruntime's choice) */
  threads: z.number().int().min(1).max(1024).optional(),
  /** seeds weights, inputs and the visiting order */
  seed: z.number().int().min(0).default(1),
};

/** A path on the machine running the engine (the desktop, or the edge box `edgetune serve` runs on). */
const enginePathSchema = z.string().min(1).max(1000);

/** `edgetune validate --match`: how Top-K's and ToMe's r is chosen against the schedule's budget. */
export const budgetMatchSchema = z.enum(['token-layers', 'predicted']);

/**
 * `edgetune validate`: the schedule comes from `schedule` (a document, e.g. one computed on the
 * Schedule page and not saved), else `schedulePath`, else the run's schedule.json; the profile for
 * predictions from `profilePath`, else the run's profile.json, else the one beside `schedulePath`.
 */
export const validateRequestSchema = z
  .strictObject({
    runId: runIdSchema.optional(),
    schedule: scheduleSchema.optional(),
    schedulePath: enginePathSchema.optional(),
    profilePath: enginePathSchema.optional(),
    /** a built-in id, for schedules that do not name one (made from a CSV profile) */
    model: z.string().min(1).max(100).optional(),
    match: budgetMatchSchema.default('token-layers'),
    rounds: z.number().int().min(1).max(1000).default(5),
    ...measureOptionsShape,
  })
  .refine((request) => request.runId !== undefined || request.schedule !== undefined || request.schedulePath !== undefined, {
    message: 'name the schedule: runId (a run holding schedule.json), schedule (the document) or schedulePath',
    path: ['runId'],
  })
  .refine((request) => request.schedule === undefined || request.schedulePath === undefined, {
    message: 'give the schedule once: either schedule or schedulePath',
    path: ['schedulePath'],
  });

/** ViTTM patch sizes, memory/process (`--patches`): 16/32 is 196 memory + 49 process tokens at 224 px. */
export const vittmPatchSettingSchema = z.enum(['16/32', '28/28']);
const vittmIdSchema = z.string().min(1).max(40);

/** `edgetune vittm compare`: `vit[i]` is the ViT for `vittm[i]` (default: the same size with 16-pixel patches). */
export const vittmCompareRequestSchema = z
  .strictObject({
    vittm: z.array(vittmIdSchema).min(1).max(8).default(['vittm-b']),
    vit: z.array(vittmIdSchema).min(1).max(8).optional(),
    patches: vittmPatchSettingSchema.optional(),
    /** also time the ViT's token-input encoder at this count: a number, 'macs' (the ViTTM's MACs), 'process' or 'none' */
    prunedTokens: z.union([z.number().int().min(1).max(100_000), z.enum(['macs', 'process', 'none'])]).default('macs'),
    rounds: z.number().int().min(1).max(1000).default(5),
    ...measureOptionsShape,
  })
  .refine((request) => request.vit === undefined || request.vit.length === request.vittm.length, {
    message: 'give one ViT per ViTTM, in the same order, or leave vit out',
    path: ['vit'],
  });

/** `edgetune vittm grid`: token lists as the CLI takes them, counts and ranges A:B or A:B:STEP. */
export const vittmGridRequestSchema = z.strictObject({
  vittm: vittmIdSchema.default('vittm-s'),
  /** process token counts (default 16:64:8) */
  process: z.string().min(1).max(500).optional(),
  /** memory token counts (default 49,100,196) */
  memory: z.string().min(1).max(500).optional(),
  passes: z.number().int().min(1).max(50).default(2),
  patches: vittmPatchSettingSchema.optional(),
  ...measureOptionsShape,
});

/** An align run's budget: the first limit reached ends it (`--steps`, `--images`, `--time`). */
const alignBudgetShape = {
  /** generations */
  steps: z.number().int().min(1).max(100_000).optional(),
  /** images evaluated */
  images: z.number().int().min(1).max(10_000_000).optional(),
  timeSeconds: z.number().positive().max(7 * 24 * 3600).optional(),
};

/** How an align run uses onnxruntime; a continued run may pick another provider than it started on. */
const alignRuntimeShape = {
  ep: executionProviderChoiceSchema.default('auto'),
  fallback: z.boolean().default(false),
  threads: z.number().int().min(1).max(1024).optional(),
};

/** `edgetune align`; without a budget: 16 generations or 150 s, whichever comes first. */
export const alignRequestSchema = z.strictObject({
  /** 'default' (the shipped model) or a model folder on the engine's machine: EdgeTune (model.json) or Stable Diffusion ONNX (model_index.json) */
  model: enginePathSchema.default('default'),
  /** what a Stable Diffusion folder should draw; unconditional models ignore it */
  prompt: z.string().max(2000).optional(),
  negativePrompt: z.string().max(2000).optional(),
  /** the reward spec (listAlignOptions has the grammar), e.g. jpeg-size, brightness=0.7 */
  reward: z.string().trim().min(1).max(500).default('jpeg-size'),
  algorithm: alignAlgorithmSchema.default('cosyne'),
  ...alignBudgetShape,
  /** candidates per generation (default: the algorithm's) */
  populationSize: z.number().int().min(1).max(4096).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  /** keep every candidate on the Gaussian shell (norm √d) */
  shell: z.boolean().default(false),
  /** denoising steps per image (default: the model's) */
  denoiseSteps: z.number().int().min(1).max(1000).optional(),
  sampler: z.enum(['ddim', 'euler']).optional(),
  /** images per model call */
  batch: z.number().int().min(1).max(1024).optional(),
  /** classifier-free guidance, Stable Diffusion only */
  guidance: z.number().min(0).max(100).optional(),
  ...alignRuntimeShape,
});

/**
 * "Continue from here": the run's search goes on from its last checkpoint with the run's own
 * settings; each limit given is added to what the run has spent (steps: 5 = five more generations).
 * Without one, it finishes the budget it was started with.
 */
export const continueAlignRequestSchema = z.strictObject({ runId: runIdSchema, ...alignBudgetShape, ...alignRuntimeShape });

export const jobStartedSchema = z.object({ jobId: jobIdSchema, runId: runIdSchema });

export const jobKindSchema = z.enum(['sweep', 'tune', 'validate', 'match', 'vittm-compare', 'vittm-grid', 'align']);
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

const backendStatusSchema = z.looseObject({ available: z.boolean(), reason: z.string().optional(), fix: z.string().optional() });

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
  /** the other runtimes a sweep can time with (backend torch | trt); absent in probes saved before they existed */
  backends: z
    .looseObject({
      torch: backendStatusSchema.extend({
        python: z.string().optional(),
        torch: z.string().optional(),
        cuda: z.looseObject({ available: z.boolean(), reason: z.string().nullable().optional() }).optional(),
        mps: z.looseObject({ available: z.boolean() }).optional(),
      }),
      tensorrt: backendStatusSchema.extend({ trtexec: z.string().optional(), version: z.string().optional() }),
    })
    .optional(),
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

/** The documents a run folder can hold, by the names `getRun` gives them. */
export const runDocumentNameSchema = z.enum(['profile', 'schedule', 'probe', 'validation', 'match', 'vittmCompare', 'vittmGrid', 'align']);
export type RunDocumentName = z.infer<typeof runDocumentNameSchema>;

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
  /** which documents its folder holds (their files exist; getRun says whether they parse) */
  documents: z.array(runDocumentNameSchema).optional(),
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
    validation: validationDocumentSchema.optional(),
    match: matchDocumentSchema.optional(),
    vittmCompare: vittmCompareDocumentSchema.optional(),
    vittmGrid: vittmGridDocumentSchema.optional(),
    /** align.json; each generation's candidates are in generations/<k>/candidates.json (readRunFile) */
    align: alignDocumentSchema.optional(),
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
  /** this machine, which onnxruntime providers really work here, and the PyTorch and TensorRT backends (takes a few seconds) */
  probe: entry(z.strictObject({ python: enginePathSchema.optional(), trtexec: enginePathSchema.optional() }), probeResultSchema),
  /** built-in ViT and ViTTM architectures */
  listModels: entry(empty, z.object({ models: z.array(modelListingSchema) })),

  /** latency vs tokens → run with profile.json, profile.csv, raw-timings.csv */
  startSweep: entry(z.strictObject(sweepOptionsShape).superRefine(checkRuntimeOptions), jobStartedSchema),
  /** probe + sweep + schedule → run with probe.json, profile.*, raw-timings.csv, schedule.json */
  startTune: entry(
    z.strictObject({ ...sweepOptionsShape, ...scheduleOptionsShape, model: sweepOptionsShape.model.default('vit-b16') }).superRefine(checkRuntimeOptions),
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

  /** a schedule checked here: its pruned model, Top-K and ToMe at its budget and the baseline, end to end → run with validation.json */
  startValidate: entry(validateRequestSchema, jobStartedSchema),
  /** your own ViT export (timm/DeiT ONNX on the engine's machine) beside the synthetic ViT of its shape → run with match.json */
  startMatch: entry(z.strictObject({ model: enginePathSchema, rounds: z.number().int().min(1).max(1000).default(5), ...measureOptionsShape }), jobStartedSchema),
  /** ViTTM vs ViT (and a pruned ViT) end to end: latency ratios beside MAC ratios → run with vittm-compare.json */
  startVittmCompare: entry(vittmCompareRequestSchema, jobStartedSchema),
  /** one ViTTM at every memory × process token count → run with vittm-grid.json */
  startVittmGrid: entry(vittmGridRequestSchema, jobStartedSchema),

  /** what an align run can be asked for: rewards and their grammar, algorithms, the default model and budget */
  listAlignOptions: entry(
    empty,
    z.object({
      rewards: z.array(
        z.object({
          name: z.string(),
          aliases: z.array(z.string()),
          /** what the number is, with its unit or range */
          description: z.string(),
          defaultDirection: z.enum(['min', 'max']),
          favours: z.object({ min: z.string(), max: z.string() }),
        }),
      ),
      /** the reward spec's grammar, one rule a line */
      rewardGrammar: z.array(z.string()),
      rewardExamples: z.array(z.object({ spec: z.string(), meaning: z.string() })),
      algorithms: z.array(z.object({ name: alignAlgorithmSchema, description: z.string(), populationSize: z.string(), lineage: z.string() })),
      defaultModel: z.object({ name: z.string(), installed: z.boolean(), reason: z.string().optional(), fix: z.string().optional() }),
      defaults: z.object({ reward: z.string(), algorithm: alignAlgorithmSchema, steps: z.number(), timeSeconds: z.number(), seed: z.number() }),
    }),
  ),
  /** evolutionary search over a diffusion model's initial noise → run with align.json, generations/<k>/*.png and candidates.json */
  startAlign: entry(alignRequestSchema, jobStartedSchema),
  /** continues an align run from its last generation with more budget; the job writes into the same run */
  continueAlign: entry(continueAlignRequestSchema, jobStartedSchema),

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
  /** one stay at one token count just measured: plot it live; the final profile (getRun after job-done) replaces these */
  jobEvent('sweep-visit', {
    tokens: z.number().int(),
    pass: z.number().int(),
    phase: z.enum(['survey', 'refine', 'validate']),
    isReference: z.boolean(),
    medianMs: z.number(),
    samples: z.number().int(),
  }),
  /**
   * an align run finished a generation: its summary (the fitness chart's point) and its candidates
   * with their images and lineage (the gallery); the images are served by readRunFile as base64 PNG
   */
  jobEvent('align-generation', { runId: runIdSchema, summary: generationSummarySchema, lineageNote: z.string(), candidates: z.array(candidateRecordSchema) }),
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
