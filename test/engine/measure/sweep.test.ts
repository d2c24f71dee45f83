import { describe, expect, it } from 'vitest';
import { DEFAULT_SWEEP_OPTIONS, runSweep } from '../../../electron/engine/measure/sweep.js';
import { SyntheticBackend, defaultSyntheticSpec, syntheticLatencyMs, type SyntheticStaircaseSpec } from '../../../electron/engine/measure/synthetic.js';
import type { ProfilePoint } from '../../../electron/engine/contracts/profile.js';

/** A deliberately simple candidate finder, so these tests check the sweep and not the detector. */
const ratioJumps = (points: ProfilePoint[]) =>
  points.slice(1).filter((point, i) => point.medianMs / points[i].medianMs > 1.08).map((point) => point.tokens);

describe('runSweep on a synthetic staircase', () => {
  it('measures every survey count and pins each step to one token with refinement', async () => {
    const spec = defaultSyntheticSpec();
    const backend = new SyntheticBackend({ spec, clock: 'virtual', seed: 5 });
    const result = await runSweep(backend, { ...DEFAULT_SWEEP_OPTIONS, from: 1, to: 197, findStepCandidates: ratioJumps });
    expect(result.complete).toBe(true);
    const counts = result.points.map((point) => point.tokens);
    expect(counts[0]).toBe(1);
    expect(counts.at(-1)).toBe(197);
    for (const step of spec.steps) {
      expect(counts).toContain(step.tokens);
      expect(counts).toContain(step.tokens - 1);
    }
    expect(ratioJumps(result.points)).toEqual(spec.steps.map((step) => step.tokens));
  });

  it('cancels drift: a device 30 % slower for seconds at a time still yields the true curve within 3 %', async () => {
    const spec: SyntheticStaircaseSpec = { ...defaultSyntheticSpec(), outlierProbability: 0, drift: { everyMs: 6_000, durationMs: 2_500, factor: 1.3 } };
    const backend = new SyntheticBackend({ spec, clock: 'virtual', seed: 11 });
    const result = await runSweep(backend, { ...DEFAULT_SWEEP_OPTIONS, from: 1, to: 197 });
    expect(result.referenceDriftPct).toBeGreaterThan(15);
    const truthAtReference = syntheticLatencyMs(spec, 197);
    for (const point of result.points) {
      const trueRatio = syntheticLatencyMs(spec, point.tokens) / truthAtReference;
      expect(Math.abs(point.relativeToReference! / trueRatio - 1)).toBeLessThan(0.03);
    }
  });

  it('visits counts in a shuffled order, re-measuring the reference within every pass', async () => {
    const backend = new SyntheticBackend({ clock: 'virtual', seed: 2 });
    const result = await runSweep(backend, { ...DEFAULT_SWEEP_OPTIONS, from: 1, to: 40, passes: 2 });
    const firstPass = result.visits.filter((visit) => visit.pass === 0);
    const order = firstPass.filter((visit) => !visit.isReference).map((visit) => visit.tokens);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    const references = firstPass.filter((visit) => visit.isReference);
    expect(references.length).toBeGreaterThanOrEqual(Math.floor(order.length / DEFAULT_SWEEP_OPTIONS.referenceEvery));
    expect(references.every((visit) => visit.tokens === 40)).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const run = async () => {
      const backend = new SyntheticBackend({ clock: 'virtual', seed: 9 });
      return (await runSweep(backend, { ...DEFAULT_SWEEP_OPTIONS, from: 1, to: 60, seed: 4 })).points;
    };
    expect(await run()).toEqual(await run());
  });

  it('stops when cancelled and returns the points measured so far, marked incomplete', async () => {
    const backend = new SyntheticBackend({ clock: 'virtual', seed: 3 });
    const controller = new AbortController();
    let visits = 0;
    const result = await runSweep(backend, {
      ...DEFAULT_SWEEP_OPTIONS,
      from: 1,
      to: 197,
      signal: controller.signal,
      onVisit: () => {
        if (++visits === 20) controller.abort();
      },
    });
    expect(result.complete).toBe(false);
    expect(result.visits.length).toBe(20);
    expect(result.points.length).toBeGreaterThan(5);
    expect(result.points.every((point) => Number.isFinite(point.medianMs))).toBe(true);
  });

  it('keeps the points measured before the device failed, with the failure', async () => {
    const device = new SyntheticBackend({ clock: 'virtual', seed: 8 });
    let calls = 0;
    const failing = Object.assign(Object.create(device) as SyntheticBackend, {
      time: (tokens: number, iterations: number) => {
        if (++calls > 60) return Promise.reject(new Error('device lost'));
        return device.time(tokens, iterations);
      },
    });
    const result = await runSweep(failing, { ...DEFAULT_SWEEP_OPTIONS, from: 1, to: 197 });
    expect(result.complete).toBe(false);
    expect(result.failure?.message).toBe('device lost');
    expect(result.points.length).toBeGreaterThan(3);
  });
});
