import { describe, expect, it } from 'vitest';
import { findBuiltinMeasure, measureReward } from '../../../electron/engine/align/rewards/builtin.js';
import {
  compositeReward,
  constrained,
  constraintViolation,
  targetReward,
  weightedSum,
  withDirection,
} from '../../../electron/engine/align/rewards/combine.js';
import { brightness, saturation } from '../../../electron/engine/align/rewards/measures.js';
import { pixelReward, type Reward } from '../../../electron/engine/align/rewards/types.js';
import { createRandomSearch } from '../../../electron/engine/align/search/random.js';
import { solidImage } from './images.js';

const measure = (name: string): Reward => {
  const found = findBuiltinMeasure(name);
  if (found === undefined) throw new Error(name);
  return measureReward(found);
};

const images = [solidImage(4, 4, [0, 0, 0]), solidImage(4, 4, [128, 128, 128]), solidImage(4, 4, [255, 0, 0]), solidImage(4, 4, [255, 255, 255])];
const lumas = images.map(brightness);

/** A reward that counts how often it is scored, to check sources are scored once. */
function counting(values: (index: number) => number): Reward & { calls: number } {
  const reward = {
    name: 'probe',
    direction: 'max' as const,
    description: 'test probe',
    calls: 0,
    async score(batch: readonly unknown[]) {
      reward.calls++;
      return { values: batch.map((_, index) => values(index)), violations: batch.map(() => 0) };
    },
  };
  return reward;
}

describe('targets', () => {
  it('reward = −|measure − target|, maximised, 0 on target', async () => {
    const reward = targetReward(measure('brightness'), 0.5);
    expect(reward.name).toBe('brightness=0.5');
    expect(reward.direction).toBe('max');
    const { values } = await reward.score(images);
    values.forEach((value, index) => expect(value).toBeCloseTo(-Math.abs(lumas[index] - 0.5), 12));
    expect(Math.max(...values)).toBeCloseTo(-Math.abs(128 / 255 - 0.5), 12);
  });
});

describe('weighted sums', () => {
  it('are maximised, with minimised terms entering negated', async () => {
    const reward = weightedSum([
      { reward: measure('brightness'), weight: 2 },
      { reward: measure('saturation'), weight: 0.5, direction: 'min' },
    ]);
    expect(reward.name).toBe('2*brightness:max+0.5*saturation:min');
    expect(reward.direction).toBe('max');
    const { values } = await reward.score(images);
    values.forEach((value, index) => expect(value).toBeCloseTo(2 * lumas[index] - 0.5 * saturation(images[index]), 12));
  });

  it('score each distinct source once per batch', async () => {
    const probe = counting((index) => index);
    const reward = compositeReward({
      terms: [
        { kind: 'directed', reward: probe, direction: 'max', weight: 1 },
        { kind: 'target', reward: probe, target: 2, weight: 1 },
      ],
      constraints: [{ reward: probe, max: 10 }],
    });
    const { values } = await reward.score(images);
    expect(probe.calls).toBe(1);
    expect(values).toEqual([0 - 2, 1 - 1, 2 - 0, 3 - 1]);
  });

  it('refuse non-positive weights and empty objectives', () => {
    expect(() => weightedSum([{ reward: measure('brightness'), weight: 0 }])).toThrow(/positive/);
    expect(() => compositeReward({ terms: [] })).toThrow(/at least one/);
  });
});

describe('constraints', () => {
  it('violation is 0 inside the bounds and the relative distance outside', () => {
    expect(constraintViolation(0.45, { min: 0.3, max: 0.6 })).toBe(0);
    expect(constraintViolation(0.3, { min: 0.3, max: 0.6 })).toBe(0);
    expect(constraintViolation(0.9, { min: 0.3, max: 0.6 })).toBeCloseTo(1, 12); // 0.3 over a 0.3-wide interval
    expect(constraintViolation(55_000, { max: 50_000 })).toBeCloseTo(0.1, 12); // 10 % over the bound
    expect(constraintViolation(-0.5, { min: 0 })).toBe(0.5); // bound 0: absolute
    expect(Number.isNaN(constraintViolation(Number.NaN, { min: 0 }))).toBe(true);
  });

  it('keep the objective values and report the violations; the search ranks feasible first', async () => {
    const reward = constrained(measure('jpeg-size'), [{ reward: measure('brightness'), min: 0.3, max: 0.6 }]);
    expect(reward.name).toBe('jpeg-size:min,brightness in [0.3,0.6]');
    expect(reward.direction).toBe('min');
    expect(reward.description).toContain('counts only while brightness in [0.3,0.6]');
    const scores = await reward.score(images);
    // black and white compress best but are outside; grey (0.50) is inside; red (0.299) just below
    expect(scores.violations[1]).toBe(0);
    expect(scores.violations[0]).toBeCloseTo(1, 12);
    expect(scores.violations[2]).toBeGreaterThan(0);
    const search = createRandomSearch({ dimension: 2, seed: 1, direction: reward.direction, populationSize: 4 });
    search.ask();
    search.tell(scores.values, scores.violations);
    expect(search.best()?.fitness).toBe(scores.values[1]);
  });

  it('refuse empty or reversed bounds', () => {
    expect(() => constrained(measure('jpeg-size'), [{ reward: measure('brightness') }])).toThrow(/no bound/);
    expect(() => constrained(measure('jpeg-size'), [{ reward: measure('brightness'), min: 0.6, max: 0.3 }])).toThrow(/below/);
  });
});

describe('NaN and infinities', () => {
  const broken = pixelReward({
    name: 'broken',
    direction: 'max',
    description: 'NaN on dark images, +Infinity on white',
    scoreImage: (image) => (brightness(image) < 0.2 ? Number.NaN : brightness(image) > 0.99 ? Number.POSITIVE_INFINITY : 1),
  });

  it('pass through composites as non-finite values, never as numbers', async () => {
    const sum = await weightedSum([{ reward: broken, weight: 1 }, { reward: measure('brightness'), weight: 1 }]).score(images);
    expect(Number.isNaN(sum.values[0])).toBe(true);
    expect(sum.values[3]).toBe(Number.POSITIVE_INFINITY);
    const target = await targetReward(broken, 1).score(images);
    expect(Number.isNaN(target.values[0])).toBe(true);
    const bounded = await constrained(measure('brightness'), [{ reward: broken, max: 2 }]).score(images);
    expect(Number.isNaN(bounded.violations[0])).toBe(true);
  });

  it('are counted by the search and never become its best', async () => {
    const scores = await withDirection(broken, 'max').score(images);
    const search = createRandomSearch({ dimension: 2, seed: 1, populationSize: 4 });
    search.ask();
    const report = search.tell(scores.values, scores.violations);
    expect(report.invalid).toBe(2);
    expect(search.best()?.fitness).toBe(1);
  });
});
