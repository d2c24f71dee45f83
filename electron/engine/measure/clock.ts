import { performance } from 'node:perf_hooks';

/** Time source for workloads that simulate latency: real (busy-waiting) or virtual (instant). */
export interface Clock {
  nowMs(): number;
  /** let `ms` of time pass doing work */
  spend(ms: number): void;
}

/** Busy-waits so that a simulated kernel occupies a core like a real one would. */
export function realClock(): Clock {
  const origin = performance.now();
  return {
    nowMs: () => performance.now() - origin,
    spend(ms) {
      const until = performance.now() + ms;
      while (performance.now() < until) {
        // spin: sleeping would hand the core back and time the scheduler instead of the work
      }
    },
  };
}

/** A clock that advances only when told: whole sweeps of a simulated device in milliseconds. */
export function virtualClock(): Clock {
  let current = 0;
  return {
    nowMs: () => current,
    spend(ms) {
      current += ms;
    },
  };
}
