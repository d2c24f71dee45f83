import { describe, expect, it } from 'vitest';
import type { TimingBackend } from '../../../electron/engine/measure/backend.js';
import { summarizeDeviceStates, type DeviceStateSampler } from '../../../electron/engine/measure/device-state.js';
import { DEFAULT_SWEEP_OPTIONS, runSweep } from '../../../electron/engine/measure/sweep.js';
import { SyntheticBackend, defaultSyntheticSpec, syntheticLatencyMs } from '../../../electron/engine/measure/synthetic.js';

/**
 * A synthetic GPU that throttles: while `throttledNow` says so, every run takes 1.5× as long and the
 * sampler (what NVML would report) says the clocks are held down for thermal reasons.
 */
function throttlingDevice(throttledNow: (tokens: number, visitIndex: number) => boolean) {
  const spec = { ...defaultSyntheticSpec(), outlierProbability: 0, drift: undefined };
  const inner: TimingBackend = new SyntheticBackend({ spec, clock: 'virtual', seed: 3 });
  let tokensNow = 0;
  let visits = 0;
  let throttled = false;
  const backend: TimingBackend = {
    name: 'throttling-synthetic',
    prepare: async (tokens) => {
      tokensNow = tokens;
      throttled = throttledNow(tokens, visits++);
      await inner.prepare(tokens);
    },
    time: async (tokens, iterations) => (await inner.time(tokens, iterations)).map((ms) => (throttled ? ms * 1.5 : ms)),
    now: () => inner.now(),
    close: () => inner.close(),
    describe: () => inner.describe(),
  };
  const sampler: DeviceStateSampler = {
    source: 'test-device',
    device: 'synthetic GPU',
    sample: () => ({ smClockMHz: throttled ? 1200 : 1980, temperatureC: throttled ? 87 : 60, clockReasons: throttled ? ['software-thermal-slowdown'] : [], throttled }),
  };
  return { spec, backend, sampler, tokens: () => tokensNow };
}

describe('sweeps that watch the GPU state', () => {
  it('re-measures visits taken while the GPU throttled, so a transient throttle leaves the curve right', async () => {
    // throttled during the first two passes, while the reference count (80) happened to run at full clocks
    const device = throttlingDevice((tokens, visit) => tokens !== 80 && visit < 60);
    const result = await runSweep(device.backend, { ...DEFAULT_SWEEP_OPTIONS, from: 1, to: 80, maxSurveyPoints: 20, deviceMonitor: device.sampler });
    expect(result.visits.some((visit) => visit.device?.after?.throttled)).toBe(true);
    expect(result.points.some((point) => point.throttled)).toBe(false);
    for (const point of result.points) {
      const trueRatio = syntheticLatencyMs(device.spec, point.tokens) / syntheticLatencyMs(device.spec, 80);
      expect(Math.abs(point.relativeToReference! / trueRatio - 1)).toBeLessThan(0.03);
    }
    const summary = summarizeDeviceStates(device.sampler, result.visits);
    expect(summary.throttledVisits).toBeGreaterThan(0);
    expect(summary.smClockMHz).toEqual({ min: 1200, median: 1980, max: 1980 });
    expect(summary.clockReasons['software-thermal-slowdown']).toBeGreaterThan(0);
  });

  it('flags a count that could only be measured while throttled', async () => {
    const device = throttlingDevice((tokens) => tokens === 40);
    const result = await runSweep(device.backend, { ...DEFAULT_SWEEP_OPTIONS, from: 1, to: 80, maxSurveyPoints: 20, focusCounts: [40], deviceMonitor: device.sampler });
    expect(result.points.filter((point) => point.throttled).map((point) => point.tokens)).toEqual([40]);
  });

  it('surveys the focus counts densely and keeps a coarser grid elsewhere', async () => {
    const backend = new SyntheticBackend({ clock: 'virtual', seed: 4 });
    const focus = [63, 64, 65, 66, 127, 128, 129, 130];
    const result = await runSweep(backend, { ...DEFAULT_SWEEP_OPTIONS, from: 1, to: 197, maxSurveyPoints: 30, refineRounds: 0, focusCounts: focus });
    const surveyed = new Set(result.visits.filter((visit) => visit.phase === 'survey').map((visit) => visit.tokens));
    for (const tokens of focus) expect(surveyed.has(tokens)).toBe(true);
    expect(surveyed.size).toBeLessThanOrEqual(30 + 1);
    expect(surveyed.size).toBeGreaterThanOrEqual(22 + focus.length - 2);
  });
});
