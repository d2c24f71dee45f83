import { PROFILE_SCHEMA, type Profile, type Staircase } from '../contracts/profile.js';
import type { ExecutionProviderChoice } from '../measure/execution-providers.js';
import { DEFAULT_STOPPING_RULE, type StoppingRule } from '../measure/stopping-rule.js';
import { DEFAULT_SWEEP_OPTIONS, runSweep, type SweepResult } from '../measure/sweep.js';
import type { Visit } from '../measure/visit.js';
import { WorkerBackend } from '../measure/worker-backend.js';
import type { WorkerBackendSpec } from '../measure/worker-protocol.js';
import { selectProvider, type ProviderSelection } from '../probe/select-provider.js';
import { probeSystem, type SystemFacts } from '../probe/system.js';
import { detectStaircase } from '../staircase/detect.js';
import { chooseModel, describeArchitecture, parseTokenRange, type ModelChoice } from './model-choice.js';
import { validateFullModel, validationCounts, type FullModelValidation } from './full-model.js';
import { formatRawTimingsCsv } from './raw-timings.js';
import { decideStrategy, estimatedIterations, type StrategyDecision, type SweepStrategy } from './strategy.js';
import { CancelledError } from '../errors.js';
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
  /** facts already probed by the caller (tune probes once) */
  system?: SystemFacts;
  selection?: ProviderSelection;
  native?: NativeFacts;
  /** the GPU's SM (or compute-unit) count when the native probe cannot read it */
  smCount?: number;
}

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
  const choice = chooseModel(options.model);
  const arch = choice.kind === 'builtin' ? choice.arch : undefined;
  const range = parseTokenRange(options.tokens, arch?.tokens, arch?.id ?? options.model);
  if (choice.kind === 'file' && options.tokens === undefined) {
    note(`sweeping ${range.from}:${range.to} tokens (pass --tokens to match your model's count)`);
  }
  const batch = options.batch ?? 1;
  const seed = options.seed ?? 1;
  const rule: StoppingRule = { ...DEFAULT_STOPPING_RULE, ...options.rule };
  const passes = options.passes ?? DEFAULT_SWEEP_OPTIONS.passes;
  const progress = options.onProgress ?? (() => undefined);

  progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: 'probing providers' });
  const [system, selection] = await Promise.all([
    options.system ?? probeSystem(),
    options.selection ?? selectProvider(options.ep, options.fallback ?? false),
  ]);
  selection.notes.forEach(note);
  progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: 'predicting steps from the GPU\'s facts' });
  const { plan: stepPlan } = await planStepPrediction({ choice, ep: selection.ep, batch, range, smCount: options.smCount, native: options.native });
  if (stepPlan.prediction) {
    const waves = stepPlan.prediction.steps.filter((step) => step.kind === 'wave').map((step) => step.tokens);
    note(`predicted wave steps on ${stepPlan.units?.count} ${stepPlan.units?.kind === 'cu' ? 'compute units' : 'SMs'}: ${waves.length > 0 ? waves.join(', ') : 'none (every GEMM fits one wave)'}; surveying densely around them`);
  } else if (selection.ep !== 'cpu' || options.smCount !== undefined) {
    note(`no step prediction: ${stepPlan.reason}`);
  }
  let monitor: DeviceMonitor | undefined;
  let deviceStateReason: string | undefined;
  if (selection.ep !== 'cpu') {
    const opening = openDeviceMonitor();
    monitor = opening.monitor;
    deviceStateReason = opening.reason;
    if (opening.reason) note(`GPU clocks and temperature not recorded: ${opening.reason}`);
  }

  const spec = (part: 'block' | 'encoder'): WorkerBackendSpec => ({
    kind: 'ort',
    options: {
      model: choice.kind === 'builtin' ? { kind: 'builtin', id: choice.arch.id, part, seed } : { kind: 'file', path: choice.path },
      ep: selection.ep,
      batch,
      seed,
      intraOpThreads: options.intraOpThreads,
    },
  });
  const maxSurveyPoints = options.maxSurveyPoints ?? DEFAULT_SWEEP_OPTIONS.maxSurveyPoints;
  const wantsBlockOnly = options.strategy === 'block';
  progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: `building ${arch?.id ?? 'the model'}${wantsBlockOnly ? ' (one block)' : ''} on ${selection.ep}` });
  let encoder: WorkerBackend | undefined = wantsBlockOnly && (options.validate === false) ? undefined : await WorkerBackend.start(spec('encoder'));
  let backend: WorkerBackend;
  let decision: StrategyDecision;
  try {
    decision = await decideStrategy(
      choice.kind === 'file' ? 'whole' : (options.strategy ?? 'auto'),
      choice.kind === 'builtin' ? encoder : undefined,
      range.to,
      estimatedIterations(Math.min(maxSurveyPoints, range.to - range.from + 1), passes, DEFAULT_SWEEP_OPTIONS.referenceEvery, rule),
    );
    if (decision.chosen === 'whole' && encoder) {
      backend = encoder;
      encoder = undefined;
    } else {
      progress({ phase: 'load', stage: 'loading', done: 0, total: 1, detail: `building one ${arch?.id} block on ${selection.ep}` });
      backend = await WorkerBackend.start(spec('block'));
    }
  } catch (error) {
    await encoder?.close();
    throw error;
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
      onProgress: (p) => progress({ phase: p.phase === 'refine' ? 'refine' : 'survey', stage: p.stage, done: p.done, total: p.total, detail: `pass ${p.pass + 1}/${p.passes} · ${p.tokens} tokens` }),
    });
    if (sweepsBlock && arch && encoder && sweep.complete && (options.validate ?? true)) {
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
    await backend.close();
    await encoder?.close();
  }

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
    ep: selection.ep,
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

export function deviceSummary(system: SystemFacts): Record<string, unknown> {
  return {
    cpu: system.cpu.model,
    cores: system.cpu.cores,
    memoryBytes: system.memory.totalBytes,
    os: `${system.os.distro} ${system.os.release} (${system.os.platform} ${system.os.arch})`,
    gpus: system.gpus.map((gpu) => `${gpu.vendor} ${gpu.model}`.trim()),
  };
}

function modelSummary(choice: ModelChoice, sweepsBlock: boolean): Record<string, unknown> {
  if (choice.kind === 'file') return { file: choice.path, part: 'model' };
  return { ...describeArchitecture(choice.arch), part: sweepsBlock ? 'block' : 'encoder' };
}
