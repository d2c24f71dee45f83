import { describe, expect, it } from 'vitest';
import type { ProfilePoint } from '../../../electron/engine/contracts/profile.js';
import type { CurvePoint } from '../../../electron/engine/staircase/curve.js';
import { CONFIDENT_STEP, detectStaircase, isConfidentStep } from '../../../electron/engine/staircase/detect.js';
import { createRng, deriveSeed, shuffled } from '../../../electron/engine/util/rng.js';
import { periodicSteps, range, refinedGrid, synthesize, trueLatencyMs, uniform } from './synthetic.js';

const SEEDS = range(1, 50);

/** A noiseless staircase: +10 % every 16 tokens from 17 on. */
const exactStairs = (n: number): number => 5 * 1.1 ** Math.floor((n - 1) / 16);

describe('detectStaircase: shapes at the edges', () => {
  it('needs five points', () => {
    const staircase = detectStaircase([
      { tokens: 1, medianMs: 1 },
      { tokens: 2, medianMs: 1.1 },
      { tokens: 3, medianMs: 2 },
      { tokens: 4, medianMs: 2.1 },
    ]);
    expect(staircase.regime).toBe('too-few-points');
    expect(staircase.steps).toEqual([]);
    expect(staircase.plateaus).toEqual([{ from: 1, to: 4, medianMs: 1.55 }]);
    expect(staircase.summary).toMatch(/4 token counts measured, at least 5/);
  });

  it('calls a perfectly constant curve flat', () => {
    const staircase = detectStaircase(range(1, 100).map((tokens) => ({ tokens, medianMs: 5 })));
    expect(staircase.regime).toBe('flat');
    expect(staircase.steps).toEqual([]);
    expect(staircase.summary).toMatch(/^flat: /);
  });

  it('finds every step of a noiseless staircase, fully confident', () => {
    const staircase = detectStaircase(range(1, 100).map((tokens) => ({ tokens, medianMs: exactStairs(tokens) })));
    expect(staircase.regime).toBe('staircase');
    expect(staircase.steps.map((s) => s.tokens)).toEqual([17, 33, 49, 65, 81, 97]);
    for (const step of staircase.steps) {
      expect(step.jumpPct).toBeCloseTo(10, 6);
      expect(step.confidence).toBeGreaterThan(0.99);
    }
    expect(staircase.plateaus.map((p) => [p.from, p.to])).toEqual([
      [1, 16],
      [17, 32],
      [33, 48],
      [49, 64],
      [65, 80],
      [81, 96],
      [97, 100],
    ]);
  });

  it('accepts a two-point plateau at the end of the curve (the level stays up to the end)', () => {
    for (const seed of SEEDS) {
      const rng = createRng(deriveSeed(seed, 'two-point end'));
      const steps = [{ tokens: 196, jumpPct: uniform(rng, 10, 30) }];
      const curve = synthesize(rng, { tokens: range(1, 197), steps, noise: uniform(rng, 0.003, 0.01) });
      const staircase = detectStaircase(curve.points);
      expect(staircase.steps.map((s) => s.tokens)).toEqual([196]);
      expect(isConfidentStep(staircase.steps[0])).toBe(true);
    }
  });

  it('reports a single high last point as a tentative step only, never a confident one', () => {
    for (const seed of SEEDS) {
      const rng = createRng(deriveSeed(seed, 'one-point end'));
      const steps = [{ tokens: 197, jumpPct: uniform(rng, 15, 30) }];
      const curve = synthesize(rng, { tokens: range(1, 197), steps, noise: uniform(rng, 0.003, 0.01) });
      const staircase = detectStaircase(curve.points);
      expect(staircase.regime).not.toBe('staircase');
      expect(staircase.steps.every((s) => s.confidence < CONFIDENT_STEP)).toBe(true);
      if (staircase.steps.length > 0) {
        expect(staircase.steps.map((s) => s.tokens)).toEqual([197]);
        expect(staircase.summary).toMatch(/tentative step at 197 tokens/);
      }
    }
  });

  it('does not call a level that comes back down a step, but mentions the drop', () => {
    const points = range(1, 120).map((tokens) => ({ tokens, medianMs: tokens >= 41 && tokens <= 80 ? 8 : 10 }));
    const staircase = detectStaircase(points);
    // the rise at 81 is a real level change back up, the drop at 41 is not a step
    expect(staircase.steps.map((s) => s.tokens)).toEqual([81]);
    expect(staircase.summary).toMatch(/1 downward level change at 41 tokens \(-20 %\), not steps/);
  });

  it('ignores steps smaller than minJumpPct', () => {
    const points = range(1, 128).map((tokens) => ({ tokens, medianMs: tokens >= 65 ? 10.3 : 10 }));
    expect(detectStaircase(points).steps.map((s) => s.tokens)).toEqual([65]);
    expect(detectStaircase(points, { minJumpPct: 5 }).steps).toEqual([]);
  });

  it('says a curve that falls with tokens is a measurement problem', () => {
    const points = range(1, 100).map((tokens) => ({ tokens, medianMs: 20 - tokens * 0.1 }));
    const staircase = detectStaircase(points);
    expect(staircase.regime).toBe('noisy');
    expect(staircase.summary).toMatch(/falls as tokens grow/);
  });

  it('says how large a step a very noisy curve could still show', () => {
    const rng = createRng(11);
    const curve = synthesize(rng, { tokens: range(1, 197), noise: 0.1 });
    const staircase = detectStaircase(curve.points);
    expect(staircase.regime).toBe('noisy');
    expect(staircase.summary).toMatch(/too much to resolve steps smaller than about \d+/);
  });
});

describe('detectStaircase: what the points say about themselves', () => {
  it('accepts profile points as they are', () => {
    const points: ProfilePoint[] = range(1, 64).map((tokens) => ({
      tokens,
      medianMs: exactStairs(tokens),
      p10Ms: exactStairs(tokens) * 0.99,
      p90Ms: exactStairs(tokens) * 1.01,
      iqrMs: exactStairs(tokens) * 0.01,
      samples: 50,
    }));
    expect(detectStaircase(points).steps.map((s) => s.tokens)).toEqual([17, 33, 49]);
  });

  it('prefers drift-cancelled values: steps survive a machine that drifts 30 % during the sweep', () => {
    for (const seed of SEEDS) {
      const rng = createRng(deriveSeed(seed, 'drift'));
      const steps = periodicSteps(rng, 1, 197, 32, [5, 30]);
      const curve = synthesize(rng, { tokens: range(1, 197), steps, noise: 0.004 });
      // visited in shuffled order while the machine slows down steadily
      const order = shuffled(curve.points.map((_, i) => i), rng);
      const drifted: CurvePoint[] = curve.points.map((p) => ({ ...p }));
      order.forEach((index, visit) => {
        const point = curve.points[index];
        drifted[index] = {
          tokens: point.tokens,
          medianMs: point.medianMs * (1 + (0.3 * visit) / order.length),
          // in its own pass, against a reference count measuring 10 ms undrifted
          relativeToReference: point.medianMs / 10,
        };
      });
      const staircase = detectStaircase(drifted);
      expect(staircase.steps.map((s) => s.tokens)).toEqual(steps.map((s) => s.tokens));
    }
  });

  it('weighs points by their own spread: wide, thinly sampled points do not make a step', () => {
    const medianAt = (n: number): number => (n >= 25 ? 10.4 : 10) * (1 + 0.002 * Math.sin(n));
    const tokens = range(1, 48);
    const bare = tokens.map((n) => ({ tokens: n, medianMs: medianAt(n) }));
    expect(detectStaircase(bare).steps.map((s) => s.tokens)).toEqual([25]);
    // the same medians, each from 3 samples spread over ±15 %
    const unsure = bare.map((p) => ({ ...p, p10Ms: p.medianMs * 0.85, p90Ms: p.medianMs * 1.15, samples: 3 }));
    expect(detectStaircase(unsure).steps).toEqual([]);
  });

  it('handles a coarse grid with refinement: steps land on the first measured count above them', () => {
    const steps = [
      { tokens: 70, jumpPct: 20 },
      { tokens: 203, jumpPct: 12 },
    ];
    const tokens = refinedGrid(8, 320, 16, [70, 203], 3);
    const points = tokens.map((n) => ({ tokens: n, medianMs: trueLatencyMs({ tokens, steps }, n) }));
    expect(detectStaircase(points).steps.map((s) => s.tokens)).toEqual([70, 203]);
    // without refinement the step can only be placed at the next measured count
    const coarse = refinedGrid(8, 320, 16, [], 0).map((n) => ({ tokens: n, medianMs: trueLatencyMs({ tokens, steps }, n) }));
    expect(detectStaircase(coarse).steps.map((s) => s.tokens)).toEqual([72, 216]);
  });

  it('stays well within O(n²) time for 2000 points', () => {
    const rng = createRng(5);
    const steps = periodicSteps(rng, 1, 2000, 64, [3, 20]);
    const curve = synthesize(rng, { tokens: range(1, 2000), steps, noise: 0.005, outliers: 5 });
    const started = performance.now();
    const staircase = detectStaircase(curve.points);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(staircase.steps).toHaveLength(steps.length);
    staircase.steps.forEach((step, k) => expect(Math.abs(step.tokens - steps[k].tokens)).toBeLessThanOrEqual(1));
  });
});
