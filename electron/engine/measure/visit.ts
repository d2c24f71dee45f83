import type { TimingBackend } from './backend.js';
import { nextBatchSize, stopReason, type StopReason, type StoppingRule } from './stopping-rule.js';
import { median } from '../util/stats.js';
import type { DeviceSample } from './device-state.js';

/** One stay at one token count: warm-up, then timed iterations until the stopping rule says enough. */
export interface Visit {
  tokens: number;
  pass: number;
  phase: SweepPhase;
  isReference: boolean;
  startedAtMs: number;
  endedAtMs: number;
  warmupMs: number[];
  timesMs: number[];
  stop: StopReason | 'cancelled';
  /** the GPU's clocks and temperature just before and after, where a monitor can read them */
  device?: { before?: DeviceSample; after?: DeviceSample };
}

export type SweepPhase = 'survey' | 'refine' | 'validate';

export interface VisitRequest {
  tokens: number;
  pass: number;
  phase: SweepPhase;
  isReference: boolean;
  /** a first visit re-plans memory and kernels for the shape: warm up longer */
  firstVisit: boolean;
}

export async function measureVisit(
  backend: TimingBackend,
  request: VisitRequest,
  rule: StoppingRule,
  signal?: AbortSignal,
): Promise<Visit> {
  await backend.prepare(request.tokens);
  const startedAtMs = await backend.now();
  // Every visit after a shape change pays a re-plan; one discarded run absorbs it.
  const warmupMs = Array.from(await backend.time(request.tokens, request.firstVisit ? rule.warmupIterations : 1));
  const timesMs: number[] = [];
  const timedFrom = await backend.now();
  let estimateMs = median(warmupMs);
  let stop: Visit['stop'] | undefined;
  while (stop === undefined) {
    if (signal?.aborted) {
      stop = 'cancelled';
      break;
    }
    const batch = await backend.time(request.tokens, nextBatchSize(estimateMs, timesMs.length, rule));
    for (const value of batch) timesMs.push(value);
    estimateMs = median(timesMs);
    stop = stopReason(timesMs, (await backend.now()) - timedFrom, rule);
  }
  return { ...request, startedAtMs, endedAtMs: await backend.now(), warmupMs, timesMs, stop };
}
