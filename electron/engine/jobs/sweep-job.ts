import { PROFILE_SCHEMA, type Profile, type Staircase } from '../contracts/profile.js';
import type { ExecutionProviderChoice } from '../measure/execution-providers.js';
import { DEFAULT_STOPPING_RULE, type StoppingRule } from '../measure/stopping-rule.js';
import { DEFAULT_SWEEP_OPTIONS, runSweep, type SweepResult } from '../measure/sweep.js';
import type { Visit } from '../measure/visit.js';
import { WorkerBackend } from '../measure/worker-backend.js';
import type { WorkerBackendSpec } from '../measure/worker-protocol.js';
import type { TimingBackend } from '../measure/backend.js';
import { TorchBackend, torchDevice, type TorchModelSource } from '../measure/torch-backend.js';
import { closeTorchProcess, describeAttempt, startTorchProcess, type TorchProcess } from '../measure/python-discovery.js';
import type { TorchDevice, TorchDtype } from '../measure/torch-protocol.js';
import { TrtBackend } from '../measure/trt-backend.js';
import type { ModelSource } from '../measure/model-source.js';
import { selectProvider, type ProviderSelection } from '../probe/select-provider.js';
import { probeSystem, type SystemFacts } from '../probe/system.js';
import { detectStaircase } from '../staircase/detect.js';
import { chooseModel, chooseSweepModel, describeArchitecture, describeShape, parseTokenRange, type ModelChoice } from './model-choice.js';
import { checkYourModel, standInVerdict, type YourModelCheck } from './validate/match-model.js';
import { builtinModelIds } from '../models/architectures.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { validateFullModel, validationCounts, type FullModelValidation } from './full-model.js';
import { formatRawTimingsCsv } from './raw-timings.js';
import { decideStrategy, decideStrategyForDevice, estimatedIterations, type StrategyDecision, type SweepStrategy } from './strategy.js';
import { CancelledError, UserError, errorText } from '../errors.js';
import { summarizeDeviceStates, type DeviceStateSummary } from '../measure/device-state.js';
import { openDeviceMonitor, type DeviceMonitor } from '../probe/native/device-monitor.js';
import type { NativeFacts } from '../probe/native/native-probe.js';
import { planStepPrediction, predictionReport, type PredictionReport } from './step-prediction.js';

export interface SweepJobOptions {
  model: string;
  ep: ExecutionProviderChoice;
  /** when the named provider does not work: use the best one that does instead of stopping */
  fallback?: boolean;
  tokens?: string;
  batch?: number;
  seed?: number;
  passes?: number;
  /** built-in models: sweep one block and predict, the whole model, or pick by cost (default auto) */
  strategy?: SweepStrategy;
  /** check the block-based prediction against the whole encoder at a few counts (built-in models) */
  validate?: boolean;
  maxSurveyPoints?: number;
  rule?: Partial<StoppingRule>;
  intraOpThreads?: number;
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
  onNote?: (note: string) => void;
  /** every timed visit of the sweep as it completes, for live charts */
  onVisit?: (visit: Visit) => void;
  /** facts already probed by the caller (tune probes once) */
  system?: SystemFacts;
  selection?: ProviderSelection;
  native?: NativeFacts;
  /** the GPU's SM (or compute-unit) count when the native probe cannot read it */
  smCount?: number;
  /** the runtime that times the model: onnxruntime (default), PyTorch or TensorRT's trtexec */
  backend?: SweepBackend;
  /** PyTorch's device (default auto: CUDA, else MPS, else the CPU); TensorRT always runs on CUDA */
  device?: TorchDevice | 'auto';
  /** PyTorch and TensorRT precision (default fp32) */
  dtype?: TorchDtype;
  /** PyTorch: capture a CUDA graph per token count; TensorRT: trtexec --useCudaGraph */
  cudaGraphs?: boolean;
  /** the python that runs the PyTorch backend (else EDGETUNE_PYTHON, python3 on PATH, /usr/bin/python3) */
  python?: string;
  /** TensorRT's trtexec (else on PATH or in /usr/src/tensorrt/bin) */
  trtexec?: string;
  /** the token width of a PyTorch model of your own, when it has no embed_dim attribute */
  width?: number;
}

export type SweepBackend = 'ort' | 'torch' | 'trt';
export const SWEEP_BACKENDS: readonly SweepBackend[] = ['ort', 'torch', 'trt'];

export interface JobProgress {
  phase: 'load' | 'survey' | 'refine' | 'validate';
  stage: string;
  done: number;
  total: number;
  detail: string;
}

export interface SweepJobResult {
  profile: Profile & ProfileExtras;
  rawTimingsCsv: string;
  /** the error that stopped the sweep early; the partial profile is still worth saving */
  failure?: Error;
}

/** What EdgeTune's profiles carry beyond the contract's required fields. */
export interface ProfileExtras {
  unit: 'block' | 'model';
  depth: number;
  tokenRange: { from: number; to: number };
  backend: Record<string, unknown>;
  reference: { tokens: number; medianMs: number; driftPct: number };
  strategy: StrategyDecision;
  fullModel?: FullModelValidation;
  /** a stand-in's sweep: the user's export and the image-input stand-in timed at full tokens, for how far the stand-in is */
  yourModel?: YourModelCheck;
  /** why the sweep stopped early, when it failed */
  failure?: string;
  sweep: { passes: number; visits: number; wallMs: number; seed: number; stoppingRule: StoppingRule; surveyPoints: number };
  /** wave-quantization prediction of where steps fall, beside the steps measured */
  prediction: PredictionReport;
  /** GPU clocks, temperature and throttling around the visits (NVML or Jetson sysfs) */
  deviceState?: DeviceStateSummary;
  deviceStateReason?: string;
  notes: string[];
}

export async function runSweepJob(options: SweepJobOptions): Promise<SweepJobResult> {
  const notes: string[] = [];
  const note = (text: string) => {
    notes.push(text);
    options.onNote?.(text);
  };
  const runtime = options.backend ?? 'ort';
  const choice = runtime === 'torch' ? chooseTorchModel(options.model) : await chooseSweepModel(options.model);
  const arch = choice.kind === 'builtin' ? choice.arch : undefined;
  const standIn = choice.kind === 'builtin' ? choice.standIn : undefined;
  const range = parseTokenRange(options.tokens, arch?.tokens, standIn ? `${path.basename(standIn.file)} (${arch?.id})` : (arch?.id ?? options.model));
  if (standIn && arch) {
    note(
      `${path.basename(standIn.file)} is image-input; sweeping the synthetic ViT of its shape: ${describeShape(arch)}` +
        ' (`edgetune match` times the stand-in against your export; this sweep times both once at full tokens)',
    );
    standIn.differences.forEach((difference) => note(`stand-in: ${difference}`));
  }
  if (choice.kind !== 'builtin' && options.tokens === undefined) {
    note(`sweeping ${range.from}:${range.to} tokens (pass --tokens to match your model's count)`);
  }
  const batch = options.batch ?? 1;
  const seed = options.seed ?? 1;
  const rule: StoppingRule = { ...DEFAULT_STOPPING_RULE, ...options.rule };
  const passes = options.passes ?? DEFAULT_SWEEP_OPTIONS.passes;
  const progress = options.onProgress ?? (() => undefined);

  progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: runtime === 'ort' ? 'probing providers' : runtime === 'torch' ? 'finding a python with torch' : 'finding trtexec' });
  const [system, selection] = await Promise.all([
    options.system ?? probeSystem(),
    runtime === 'ort' ? (options.selection ?? selectProvider(options.ep, options.fallback ?? false)) : undefined,
  ]);
  selection?.notes.forEach(note);
  // The python found here runs the first model loaded, so its torch is asked only once what it can use.
  let firstTorch: TorchProcess | undefined = runtime === 'torch' ? await startTorchProcess({ python: options.python, device: options.device ?? 'auto' }) : undefined;
  /** where the model runs: the onnxruntime provider, PyTorch's device, or CUDA for TensorRT */
  const device = selection ? selection.ep : firstTorch ? torchDevice(firstTorch.facts, options.device ?? 'auto') : 'cuda';
  const label = runtime === 'ort' ? device : runtime === 'torch' ? `torch-${device}` : 'tensorrt';
  if (firstTorch) {
    const passedOver = firstTorch.attempts.filter((attempt) => !attempt.usable).map(describeAttempt);
    note(`PyTorch ${firstTorch.facts.torch} on Python ${firstTorch.facts.python} (${firstTorch.facts.executable}), device ${device}${passedOver.length > 0 ? `; passed over ${passedOver.join('; ')}` : ''}`);
  }

  const spec = (part: 'block' | 'encoder'): WorkerBackendSpec => ({
    kind: 'ort',
    options: {
      model: onnxSource(choice, part, seed),
      ep: selection!.ep,
      batch,
      seed,
      intraOpThreads: options.intraOpThreads,
    },
  });
  const startBackend = async (part: 'block' | 'encoder'): Promise<TimingBackend> => {
    if (runtime === 'ort') return WorkerBackend.start(spec(part));
    if (runtime === 'trt') {
      return TrtBackend.start({ model: onnxSource(choice, part, seed), batch, precision: options.dtype ?? 'fp32', cudaGraphs: options.cudaGraphs ?? false, tokenRange: range, trtexec: options.trtexec });
    }
    const started = firstTorch;
    firstTorch = undefined;
    return TorchBackend.start(
      { model: torchSource(choice, part, seed, options.width), device: device as TorchDevice, dtype: options.dtype ?? 'fp32', cudaGraphs: options.cudaGraphs ?? false, batch, seed, threads: options.intraOpThreads, python: options.python },
      started,
    );
  };
  const maxSurveyPoints = options.maxSurveyPoints ?? DEFAULT_SWEEP_OPTIONS.maxSurveyPoints;
  const wantsBlockOnly = options.strategy === 'block';
  const validates = options.validate ?? true;
  progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: `building ${arch?.id ?? 'the model'}${wantsBlockOnly ? ' (one block)' : ''} on ${label}` });
  let encoder: TimingBackend | undefined;
  let backend: TimingBackend;
  let decision: StrategyDecision;
  try {
    if (runtime === 'ort') {
      encoder = wantsBlockOnly && !validates ? undefined : await startBackend('encoder');
      decision = await decideStrategy(
        choice.kind === 'file' ? 'whole' : (options.strategy ?? 'auto'),
        choice.kind === 'builtin' ? encoder : undefined,
        range.to,
        estimatedIterations(Math.min(maxSurveyPoints, range.to - range.from + 1), passes, DEFAULT_SWEEP_OPTIONS.referenceEvery, rule),
      );
    } else {
      decision = decideStrategyForDevice(options.strategy ?? 'auto', device, choice.kind === 'builtin');
    }
    if (decision.chosen === 'whole') {
      backend = encoder ?? (await startBackend('encoder'));
      encoder = undefined;
    } else {
      progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: `building one ${arch?.id} block on ${label}` });
      backend = await startBackend('block');
      if (runtime !== 'ort' && validates) {
        progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: `building the ${arch?.id} encoder on ${label} to check the prediction` });
        encoder = await startBackend('encoder').catch(async (error: unknown) => {
          await backend.close();
          throw error;
        });
      }
    }
  } catch (error) {
    await encoder?.close();
    throw error;
  } finally {
    if (firstTorch) await closeTorchProcess(firstTorch.process);
  }

  const closeBackends = async () => {
    await backend.close();
    await encoder?.close();
  };
  progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: 'predicting steps from the GPU\'s facts' });
  const { plan: stepPlan } =
    choice.kind === 'builtin' || choice.kind === 'file'
      ? await planStepPrediction({ choice, ep: device, batch, range, smCount: options.smCount, native: options.native }).catch(async (error: unknown) => {
          await closeBackends();
          throw error;
        })
      : { plan: { focusCounts: [], reason: 'the block shape of a PyTorch model of your own is unknown to EdgeTune (built-in ids and ONNX files tell it)' } };
  if (stepPlan.prediction) {
    const waves = stepPlan.prediction.steps.filter((step) => step.kind === 'wave').map((step) => step.tokens);
    note(`predicted wave steps on ${stepPlan.units?.count} ${stepPlan.units?.kind === 'cu' ? 'compute units' : 'SMs'}: ${waves.length > 0 ? waves.join(', ') : 'none (every GEMM fits one wave)'}; surveying densely around them`);
  } else if (device !== 'cpu' || options.smCount !== undefined) {
    note(`no step prediction: ${stepPlan.reason}`);
  }
  let monitor: DeviceMonitor | undefined;
  let deviceStateReason: string | undefined;
  if (device !== 'cpu') {
    const opening = openDeviceMonitor();
    monitor = opening.monitor;
    deviceStateReason = opening.reason;
    if (opening.reason) note(`GPU clocks and temperature not recorded: ${opening.reason}`);
  }
  const sweepsBlock = decision.chosen === 'block';
  if (choice.kind === 'builtin') note(`strategy: ${sweepsBlock ? 'one block' : 'whole model'}: ${decision.reason}`);
  const validationVisits: { workload: string; visits: Visit[] }[] = [
    { workload: 'block', visits: [] },
    { workload: 'encoder', visits: [] },
  ];
  let sweep: SweepResult;
  let fullModel: FullModelValidation | undefined;
  try {
    sweep = await runSweep(backend, {
      ...DEFAULT_SWEEP_OPTIONS,
      from: range.from,
      to: range.to,
      passes,
      seed,
      rule,
      maxSurveyPoints,
      focusCounts: stepPlan.focusCounts,
      deviceMonitor: monitor,
      findStepCandidates: (points) => detectStaircase(points).steps.map((step) => step.tokens),
      signal: options.signal,
      onVisit: options.onVisit,
      onProgress: (p) => progress({ phase: p.phase === 'refine' ? 'refine' : 'survey', stage: p.stage, done: p.done, total: p.total, detail: `pass ${p.pass + 1}/${p.passes} · ${p.tokens} tokens` }),
    });
    if (sweepsBlock && arch && encoder && sweep.complete && validates) {
      progress({ phase: 'validate', stage: 'checking the whole model', done: 0, total: 1, detail: `${arch.id} encoder` });
      fullModel = await validateFullModel({
        block: backend,
        encoder,
        depth: arch.depth,
        counts: validationCounts(range.from, range.to),
        rounds: 2,
        rule,
        points: sweep.points,
        signal: options.signal,
        onVisit: (workload, visit) => validationVisits[workload === 'block' ? 0 : 1].visits.push(visit),
        onProgress: (done, total, tokens) => progress({ phase: 'validate', stage: 'checking the whole model', done, total, detail: `${tokens} tokens` }),
      });
    }
  } finally {
    await closeBackends();
  }
  const yourModel = standIn && sweep.complete && !options.signal?.aborted ? await timeYourModel(standIn.file, selection, { ...options, batch, seed, system, progress, note }) : undefined;

  if (!sweep.complete && sweep.points.length === 0) {
    if (sweep.failure) throw sweep.failure;
    throw new CancelledError('cancelled before any token count was measured: nothing to save');
  }
  const staircase: Staircase = detectStaircase(sweep.points);
  if (!sweep.complete) {
    note(`the sweep ${sweep.failure ? 'failed' : 'was cancelled'}: the profile holds the counts measured so far and is marked incomplete`);
  }
  const throttledPoints = sweep.points.filter((point) => point.throttled).map((point) => point.tokens);
  if (throttledPoints.length > 0) {
    note(`the GPU throttled during every visit to ${throttledPoints.length} counts (${throttledPoints.slice(0, 8).join(', ')}${throttledPoints.length > 8 ? ', …' : ''}); they are flagged in the profile`);
  }
  if (sweep.referenceDriftPct > 10) {
    note(`this machine drifted by ${sweep.referenceDriftPct.toFixed(0)} % during the sweep (reference count re-measured in every pass); latencies are normalised by it`);
  }
  const profile: Profile & ProfileExtras = {
    schema: PROFILE_SCHEMA,
    createdAt: new Date().toISOString(),
    complete: sweep.complete && !options.signal?.aborted,
    device: deviceSummary(system),
    ep: label,
    model: modelSummary(choice, sweepsBlock),
    batch,
    unit: sweepsBlock ? 'block' : 'model',
    depth: arch?.depth ?? 1,
    tokenRange: range,
    points: sweep.points,
    steps: staircase.steps,
    plateaus: staircase.plateaus,
    regime: staircase.regime,
    summary: staircase.summary,
    backend: { ...backend.describe() },
    reference: { tokens: sweep.referenceTokens, medianMs: sweep.referenceMs, driftPct: sweep.referenceDriftPct },
    strategy: decision,
    fullModel,
    ...(yourModel ? { yourModel } : {}),
    sweep: {
      passes,
      visits: sweep.visits.length,
      wallMs: sweep.wallMs,
      seed,
      stoppingRule: rule,
      surveyPoints: sweep.visits.filter((visit) => visit.phase === 'survey' && !visit.isReference && visit.pass === 0).length,
    },
    prediction: predictionReport(stepPlan, staircase.steps),
    ...(monitor ? { deviceState: summarizeDeviceStates(monitor, sweep.visits) } : {}),
    ...(deviceStateReason ? { deviceStateReason } : {}),
    notes,
    ...(sweep.failure ? { failure: sweep.failure.message } : {}),
  };
  const rawTimingsCsv = formatRawTimingsCsv([{ workload: sweepsBlock ? 'block' : 'model', visits: sweep.visits }, ...validationVisits]);
  return { profile, rawTimingsCsv, failure: sweep.failure };
}

/**
 * The user's export and the image-input stand-in, timed once at full tokens in a few shuffled rounds:
 * the profile then says how far the swept stand-in is from the real model on this device. A failure
 * here (an op the provider lacks, a fixed batch) is noted, never fatal: the sweep is what was asked for.
 */
async function timeYourModel(
  file: string,
  selection: ProviderSelection | undefined,
  context: Pick<SweepJobOptions, 'rule' | 'intraOpThreads' | 'signal'> & { batch: number; seed: number; system: SystemFacts; progress: (progress: JobProgress) => void; note: (text: string) => void },
): Promise<YourModelCheck | undefined> {
  const name = path.basename(file);
  if (!selection) {
    context.note(`${name} itself was not timed: that runs in onnxruntime (\`edgetune match ${name}\`)`);
    return undefined;
  }
  context.progress({ phase: 'validate', stage: 'timing your model', done: 0, total: 1, detail: name });
  try {
    const check = await checkYourModel({
      model: file,
      ep: selection.ep,
      selection,
      system: context.system,
      batch: context.batch,
      seed: context.seed,
      rule: context.rule,
      intraOpThreads: context.intraOpThreads,
      signal: context.signal,
      onProgress: (p) => context.progress({ phase: 'validate', stage: 'timing your model', done: p.done, total: p.total, detail: `${p.stage} · ${p.detail}` }),
    });
    if (check.model && check.standIn && check.standInOverModel) {
      context.note(`${name} at full tokens: ${check.model.medianMs.toFixed(2)} ms, its image-input stand-in ${check.standIn.medianMs.toFixed(2)} ms; ${standInVerdict(check.standInOverModel)}`);
    }
    return check;
  } catch (error) {
    if (error instanceof CancelledError) return undefined;
    context.note(`${name} itself was not timed: ${errorText(error)}${error instanceof UserError && error.fix ? ` (${error.fix})` : ''}`);
    return undefined;
  }
}

export function deviceSummary(system: SystemFacts): Record<string, unknown> {
  return {
    cpu: system.cpu.model,
    cores: system.cpu.cores,
    memoryBytes: system.memory.totalBytes,
    os: `${system.os.distro} ${system.os.release} (${system.os.platform} ${system.os.arch})`,
    gpus: system.gpus.map((gpu) => `${gpu.vendor} ${gpu.model}`.trim()),
  };
}

/** What `--model` named: an ONNX builtin or file, or (PyTorch backend) a module factory or TorchScript file. */
type SweptModel = ModelChoice | { kind: 'torch-module'; spec: string } | { kind: 'torchscript'; path: string };

function modelSummary(choice: SweptModel, sweepsBlock: boolean): Record<string, unknown> {
  if (choice.kind === 'file') return { file: choice.path, part: 'model' };
  if (choice.kind === 'torch-module') return { module: choice.spec, part: 'model' };
  if (choice.kind === 'torchscript') return { file: choice.path, format: 'torchscript', part: 'model' };
  const part = sweepsBlock ? 'block' : 'encoder';
  // A stand-in's record carries its whole architecture: `edgetune validate` builds the pruned graphs from it.
  if (choice.standIn) return { file: choice.standIn.file, standIn: true, ...describeArchitecture(choice.arch), architecture: { ...choice.arch }, part };
  return { ...describeArchitecture(choice.arch), part };
}

/** The PyTorch backend runs built-in models, `module:factory` specs and TorchScript files. */
function chooseTorchModel(model: string): SweptModel {
  if (builtinModelIds.includes(model.trim().toLowerCase())) return chooseModel(model);
  if (/\.(pt|pth|ts|torchscript)$/i.test(model)) {
    if (!existsSync(model)) throw new UserError('model-not-found', `TorchScript file ${model} does not exist`, 'check the path, or pass a built-in id (`edgetune models` lists them)');
    return { kind: 'torchscript', path: path.resolve(model) };
  }
  if (model.toLowerCase().endsWith('.onnx')) {
    throw new UserError('bad-model', `the PyTorch backend does not run ONNX files (${model})`, 'use --backend ort or --backend trt for an ONNX file; give --backend torch a built-in id, a module:factory or a TorchScript (.pt) file');
  }
  if (/^[^:]+:[A-Za-z_][A-Za-z0-9_]*$/.test(model)) return { kind: 'torch-module', spec: model };
  return chooseModel(model);
}

function onnxSource(choice: SweptModel, part: 'block' | 'encoder', seed: number): ModelSource {
  if (choice.kind === 'builtin') return { kind: 'builtin', id: choice.arch.id, ...(choice.standIn ? { arch: choice.arch } : {}), part, seed };
  if (choice.kind === 'file') return { kind: 'file', path: choice.path };
  throw new UserError('bad-model', `${choice.kind === 'torchscript' ? choice.path : choice.spec} is a PyTorch model`, 'use --backend torch for it');
}

function torchSource(choice: SweptModel, part: 'block' | 'encoder', seed: number, width: number | undefined): TorchModelSource {
  if (choice.kind === 'builtin') return { kind: 'builtin', id: choice.arch.id, part, seed };
  if (choice.kind === 'torch-module') return { kind: 'module', spec: choice.spec, width };
  if (choice.kind === 'torchscript') return { kind: 'torchscript', path: choice.path, width };
  throw new UserError('bad-model', `the PyTorch backend does not run ONNX files (${choice.path})`, 'use --backend ort or --backend trt for it');
}

