import { describe, expect, it } from 'vitest';
import { decideStrategy, estimatedIterations, WHOLE_SWEEP_BUDGET_S } from '../../../electron/engine/jobs/strategy.js';
import { DEFAULT_STOPPING_RULE } from '../../../electron/engine/measure/stopping-rule.js';
import { SyntheticBackend } from '../../../electron/engine/measure/synthetic.js';

const flatDevice = (ms: number) =>
  new SyntheticBackend({ clock: 'virtual', spec: { baseMs: ms, steps: [], slopeMsPerToken: 0, noise: 0, outlierProbability: 0, outlierFactor: 1 } });

describe('sweep strategy', () => {
  const iterations = estimatedIterations(50, 3, 8, DEFAULT_STOPPING_RULE);

  it('estimates the iterations of a default sweep', () => {
    expect(iterations).toBe(3 * (50 + 7 + 1) * (DEFAULT_STOPPING_RULE.minIterations + 1));
  });

  it('sweeps the whole model when that fits the budget, one block when it does not', async () => {
    const cheap = await decideStrategy('auto', flatDevice(8), 197, iterations);
    expect(cheap.chosen).toBe('whole');
    expect(cheap.estimatedWholeSweepS).toBeCloseTo((8 * iterations) / 1000, 5);
    const costlyMs = (2 * WHOLE_SWEEP_BUDGET_S * 1000) / iterations;
    const costly = await decideStrategy('auto', flatDevice(costlyMs), 197, iterations);
    expect(costly.chosen).toBe('block');
    expect(costly.reason).toMatch(/one block/);
  });

  it('does what it is told', async () => {
    expect((await decideStrategy('block', flatDevice(1), 197, iterations)).chosen).toBe('block');
    expect((await decideStrategy('whole', flatDevice(1000), 197, iterations)).chosen).toBe('whole');
    expect((await decideStrategy('auto', undefined, 197, iterations)).chosen).toBe('whole');
  });
});
