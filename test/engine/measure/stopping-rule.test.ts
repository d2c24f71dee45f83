import { describe, expect, it } from 'vitest';
import { DEFAULT_STOPPING_RULE, nextBatchSize, stopReason } from '../../../electron/engine/measure/stopping-rule.js';
import { createRng } from '../../../electron/engine/util/rng.js';

describe('stopping rule', () => {
  const rule = DEFAULT_STOPPING_RULE;

  it('never stops before the minimum count and time, even past the time cap', () => {
    expect(stopReason([5, 5, 5], rule.maxTimeMs * 10, rule)).toBeUndefined();
    expect(stopReason(Array(50).fill(1), 1, rule)).toBeUndefined();
  });

  it('stops as converged when the median is tight', () => {
    expect(stopReason(Array(20).fill(2), 40, rule)).toBe('converged');
  });

  it('keeps measuring noisy samples, then stops at the caps', () => {
    const rng = createRng(1);
    const noisy = Array.from({ length: 20 }, () => 1 + rng.next());
    expect(stopReason(noisy, 40, rule)).toBeUndefined();
    expect(stopReason(Array.from({ length: rule.maxIterations }, () => 1 + rng.next()), 40, rule)).toBe('max-iterations');
    expect(stopReason(noisy, rule.maxTimeMs, rule)).toBe('max-time');
  });

  it('sizes batches to about batchMs and reaches the minimum count first', () => {
    expect(nextBatchSize(1, 0, rule)).toBe(Math.round(rule.batchMs / 1));
    expect(nextBatchSize(500, 0, rule)).toBe(rule.minIterations);
    expect(nextBatchSize(500, rule.minIterations, rule)).toBe(1);
    expect(nextBatchSize(0.001, 0, rule)).toBe(64);
  });
});
