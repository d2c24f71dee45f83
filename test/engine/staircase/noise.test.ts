import { describe, expect, it } from 'vitest';
import { detectionSeries } from '../../../electron/engine/staircase/curve.js';
import { flagIsolatedOutliers, levelSigma } from '../../../electron/engine/staircase/noise.js';
import { median } from '../../../electron/engine/util/stats.js';
import { createRng, deriveSeed } from '../../../electron/engine/util/rng.js';
import { periodicSteps, range, synthesize, uniform } from './synthetic.js';

const SEEDS = range(1, 50);

describe('noise estimate', () => {
  const shapes = {
    flat: () => ({}),
    'steep ramp': () => ({ tiltPerToken: 0.05 }),
    'staircase every 16 tokens': (rng: ReturnType<typeof createRng>) => ({ steps: periodicSteps(rng, 1, 197, 16, [5, 40]) }),
  };
  for (const [shape, extra] of Object.entries(shapes)) {
    // Steps leave spikes among the differences that trimming mostly, not wholly, removes: the
    // estimate errs high on staircases, which costs a little power and never makes a false step.
    it(`reads the true noise within −25 %…+35 % on a ${shape}`, () => {
      for (const seed of SEEDS) {
        const rng = createRng(deriveSeed(seed, shape));
        const noise = uniform(rng, 0.003, 0.03);
        const curve = synthesize(rng, { tokens: range(1, 197), noise, ...extra(rng) });
        const series = detectionSeries(curve.points);
        const ratio = median(levelSigma(series.logMs, series.pointSigma)) / noise;
        expect(ratio).toBeGreaterThan(0.75);
        expect(ratio).toBeLessThan(1.35);
      }
    });
  }

  it('takes a point’s own spread when it is wider than the scatter', () => {
    const points = range(1, 20).map((tokens) => ({ tokens, medianMs: 10 }));
    points[7] = { ...points[7], p10Ms: 8, p90Ms: 12, samples: 4 } as (typeof points)[number];
    const series = detectionSeries(points);
    const sigma = levelSigma(series.logMs, series.pointSigma);
    // (12 − 8)/2.563 ms per sample, × √(π/2)/√4 for the median, relative to 10 ms
    expect(sigma[7]).toBeCloseTo(((4 / 2.5631) * Math.sqrt(Math.PI / 2)) / 2 / 10, 6);
    expect(sigma[6]).toBeLessThan(0.001);
  });
});

describe('isolated outliers', () => {
  const flagged = (values: number[]): number[] => {
    const tokens = values.map((_, i) => i + 1);
    const logMs = values.map(Math.log);
    const sigma = logMs.map(() => 0.01);
    return flagIsolatedOutliers(tokens, logMs, sigma, 5).flatMap((f, i) => (f ? [i + 1] : []));
  };

  it('flags single points off both neighbours, including one next to a step', () => {
    expect(flagged([10, 10, 10, 20, 10, 10, 10])).toEqual([4]);
    expect(flagged([10, 10, 10, 10, 30, 12, 12, 12, 12])).toEqual([5]);
    expect(flagged([10, 10, 10, 10, 10, 10, 5, 10, 10, 10])).toEqual([7]);
  });

  it('never flags step edges, two-point plateaus or points on a steep ramp', () => {
    expect(flagged([10, 10, 10, 12, 12, 12])).toEqual([]);
    expect(flagged([10, 10, 10, 14, 14, 10, 10, 10])).toEqual([]);
    expect(flagged(range(1, 30).map((n) => 10 + n))).toEqual([]);
    expect(flagged(range(1, 30).map((n) => 10 + 0.05 * n * n))).toEqual([]);
  });
});
