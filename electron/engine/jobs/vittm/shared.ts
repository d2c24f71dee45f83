/**
 * What the ViTTM jobs share: options, choosing the provider, starting the workload worker, the
 * spread of per-round ratios and the raw-timings file.
 */
import type { ExecutionProviderChoice } from '../../measure/execution-providers.js';
import { DEFAULT_STOPPING_RULE, type StoppingRule } from '../../measure/stopping-rule.js';
import type { Visit } from '../../measure/visit.js';
import { WorkerBackend } from '../../measure/worker-backend.js';
import type { WorkloadRecipe } from '../../measure/workloads.js';
import { selectProvider, type ProviderSelection } from '../../probe/select-provider.js';
import { probeSystem, type SystemFacts } from '../../probe/system.js';
import { quantileSorted, sortedCopy } from '../../util/stats.js';
import { deviceSummary } from '../sweep-job.js';

export interface VittmJobOptions {
  ep: ExecutionProviderChoice;
  /** when the named provider does not work: use the best one that does instead of stopping */
  fallback?: boolean;
  batch?: number;
  /** seeds weights, inputs and visiting order */
  seed?: number;
  rule?: Partial<StoppingRule>;
  intraOpThreads?: number;
  /** sessions (and model bytes) the worker keeps alive at once; see WorkloadRunnerOptions */
  maxSessions?: number;
  maxSessionBytes?: number;
  signal?: AbortSignal;
  onProgress?: (progress: VittmProgress) => void;
  onNote?: (note: string) => void;
  /** facts already probed by the caller */
  system?: SystemFacts;
  selection?: ProviderSelection;
}

export interface VittmProgress {
  stage: string;
  done: number;
  total: number;
  detail: string;
}

export interface VittmRunContext {
  device: Record<string, unknown>;
  selection: ProviderSelection;
  batch: number;
  seed: number;
  rule: StoppingRule;
  notes: string[];
  note: (text: string) => void;
  progress: (progress: VittmProgress) => void;
}

export async function openVittmRun(options: VittmJobOptions): Promise<VittmRunContext> {
  const notes: string[] = [];
  const note = (text: string) => {
    notes.push(text);
    options.onNote?.(text);
  };
  const progress = options.onProgress ?? (() => undefined);
  progress({ stage: 'loading', done: 0, total: 1, detail: 'probing providers' });
  const [system, selection] = await Promise.all([
    options.system ?? probeSystem(),
    options.selection ?? selectProvider(options.ep, options.fallback ?? false),
  ]);
  selection.notes.forEach(note);
  return {
    device: deviceSummary(system),
    selection,
    batch: options.batch ?? 1,
    seed: options.seed ?? 1,
    rule: { ...DEFAULT_STOPPING_RULE, ...options.rule },
    notes,
    note,
    progress,
  };
}

export function startWorkloadBackend(options: VittmJobOptions, context: VittmRunContext, workloads: WorkloadRecipe[]): Promise<WorkerBackend> {
  return WorkerBackend.start({
    kind: 'workloads',
    options: {
      workloads,
      ep: context.selection.ep,
      batch: context.batch,
      seed: context.seed,
      intraOpThreads: options.intraOpThreads,
      maxSessions: options.maxSessions,
      maxSessionBytes: options.maxSessionBytes,
    },
  });
}

/** How ratios measured in separate rounds spread: their median and quartiles. */
export interface RatioSpread {
  median: number;
  q25: number;
  q75: number;
  iqr: number;
  min: number;
  max: number;
  rounds: number;
}

export function ratioSpread(ratios: readonly number[]): RatioSpread | null {
  const finite = ratios.filter(Number.isFinite);
  if (finite.length === 0) return null;
  const sorted = sortedCopy(finite);
  const q25 = quantileSorted(sorted, 0.25);
  const q75 = quantileSorted(sorted, 0.75);
  return { median: quantileSorted(sorted, 0.5), q25, q75, iqr: q75 - q25, min: sorted[0], max: sorted[sorted.length - 1], rounds: sorted.length };
}

/** Every timed iteration, named by workload, so any statistic can be recomputed from the run folder. */
export function formatWorkloadTimingsCsv(visits: readonly { workload: string; visit: Visit }[]): string {
  const lines = ['workload,phase,pass,is_reference,visit,visit_started_ms,iteration,ms'];
  visits.forEach(({ workload, visit }, visitIndex) => {
    visit.timesMs.forEach((ms, iteration) => {
      lines.push([workload, visit.phase, visit.pass, visit.isReference ? 1 : 0, visitIndex, visit.startedAtMs.toFixed(3), iteration, ms.toFixed(4)].join(','));
    });
  });
  return `${lines.join('\n')}\n`;
}
