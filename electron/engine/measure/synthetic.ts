import type { BackendDescription, TimingBackend } from './backend.js';
import { type Clock, realClock, virtualClock } from './clock.js';
import { createRng, type Rng } from '../util/rng.js';

/**
 * A device whose latency-vs-tokens curve is known exactly: flat plateaus, steps at chosen counts,
 * an optional ramp, multiplicative noise, rare outliers and slow-drift episodes (the machine
 * getting slower for seconds at a time, as shared VMs and hot GPUs do). Tests and the benchmark
 * use it to check that a sweep finds the true steps and nothing else.
 */
export interface SyntheticStaircaseSpec {
  baseMs: number;
  /** step at `tokens` = first count on the higher plateau; latency rises by `jumpMs` there */
  steps: { tokens: number; jumpMs: number }[];
  slopeMsPerToken: number;
  /** relative sigma of lognormal noise per iteration */
  noise: number;
  outlierProbability: number;
  /** an outlier takes this many times longer */
  outlierFactor: number;
  /** slow-drift episodes: every `everyMs`, for `durationMs`, the device is `factor` times slower */
  drift?: { everyMs: number; durationMs: number; factor: number; offsetMs?: number };
  /** fixed per-call harness cost that is not part of the curve (e.g. a launch) */
  callOverheadMs?: number;
}

/** Tile-like staircase over 1..197: a jump every 32 tokens, shrinking in relative size. */
export function defaultSyntheticSpec(): SyntheticStaircaseSpec {
  return {
    baseMs: 1.2,
    steps: [33, 65, 97, 129, 161, 193].map((tokens) => ({ tokens, jumpMs: 0.3 })),
    slopeMsPerToken: 0,
    noise: 0.02,
    outlierProbability: 0.01,
    outlierFactor: 3,
    drift: { everyMs: 20_000, durationMs: 5_000, factor: 1.3, offsetMs: 7_000 },
  };
}

export function syntheticLatencyMs(spec: SyntheticStaircaseSpec, tokens: number): number {
  let latency = spec.baseMs + spec.slopeMsPerToken * tokens;
  for (const step of spec.steps) if (tokens >= step.tokens) latency += step.jumpMs;
  return latency;
}

export function driftFactorAt(spec: SyntheticStaircaseSpec, atMs: number): number {
  const drift = spec.drift;
  if (!drift) return 1;
  const phase = (atMs - (drift.offsetMs ?? 0)) % drift.everyMs;
  return atMs >= (drift.offsetMs ?? 0) && phase < drift.durationMs ? drift.factor : 1;
}

export function trueSteps(spec: SyntheticStaircaseSpec, from: number, to: number): number[] {
  return spec.steps.map((step) => step.tokens).filter((tokens) => tokens > from && tokens <= to);
}

export interface SyntheticBackendOptions {
  spec?: SyntheticStaircaseSpec;
  seed?: number;
  /** 'real' busy-waits (benchmarks), 'virtual' only advances a counter (fast tests) */
  clock?: 'real' | 'virtual';
}

export class SyntheticBackend implements TimingBackend {
  readonly name = 'synthetic';
  private readonly spec: SyntheticStaircaseSpec;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly clockKind: 'real' | 'virtual';

  constructor(options: SyntheticBackendOptions = {}) {
    this.spec = options.spec ?? defaultSyntheticSpec();
    this.clockKind = options.clock ?? 'real';
    this.clock = this.clockKind === 'real' ? realClock() : virtualClock();
    this.rng = createRng(options.seed ?? 1);
  }

  describe(): BackendDescription {
    return { backend: this.name, ep: 'synthetic', workload: { clock: this.clockKind, spec: this.spec } };
  }

  async prepare(): Promise<void> {}

  async time(tokens: number, iterations: number): Promise<Float64Array> {
    const times = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const start = this.clock.nowMs();
      this.clock.spend(this.iterationMs(tokens, start));
      times[i] = this.clock.nowMs() - start;
    }
    return times;
  }

  async now(): Promise<number> {
    return this.clock.nowMs();
  }

  async close(): Promise<void> {}

  private iterationMs(tokens: number, atMs: number): number {
    const spec = this.spec;
    let latency = syntheticLatencyMs(spec, tokens) * driftFactorAt(spec, atMs);
    latency *= Math.exp(spec.noise * this.rng.normal());
    if (this.rng.next() < spec.outlierProbability) latency *= spec.outlierFactor;
    return latency + (spec.callOverheadMs ?? 0);
  }
}
