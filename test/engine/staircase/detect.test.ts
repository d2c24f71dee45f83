import { describe, expect, it } from 'vitest';
import { staircaseSchema } from '../../../electron/engine/contracts/profile.js';
import { CONFIDENT_STEP, detectStaircase } from '../../../electron/engine/staircase/detect.js';
import { createRng, deriveSeed } from '../../../electron/engine/util/rng.js';
import { STEP_FREE_SCENARIOS, STEP_SCENARIOS, range, synthesize, uniform } from './synthetic.js';

/** Every scenario runs on all of these seeds; a failure on any one fails the test. */
const SEEDS = range(1, 50);

describe('detectStaircase on synthetic curves with known steps', () => {
  for (const scenario of STEP_SCENARIOS) {
    it(`${scenario.name}: every true step within ±1 token, none else (${SEEDS.length} seeds)`, () => {
      const failures: string[] = [];
      for (const seed of SEEDS) {
        const curve = scenario.make(createRng(deriveSeed(seed, scenario.name)));
        const staircase = detectStaircase(curve.points);
        const found = staircase.steps.map((s) => s.tokens);
        const truth = curve.steps.map((s) => s.tokens);
        const missed = truth.filter((n) => !found.some((f) => Math.abs(f - n) <= 1));
        const extra = found.filter((f) => !truth.some((n) => Math.abs(f - n) <= 1));
        if (missed.length > 0 || extra.length > 0 || found.length !== truth.length || !scenario.regimes.includes(staircase.regime)) {
          failures.push(`seed ${seed}: truth ${truth.join(',')} found ${found.join(',')} (${staircase.summary})`);
        }
        expect(staircaseSchema.safeParse(staircase).success).toBe(true);
      }
      expect(failures).toEqual([]);
    });
  }

  it('reports each step as the first count on the higher plateau, with plateau medians around it', () => {
    for (const seed of SEEDS) {
      const scenario = STEP_SCENARIOS[0];
      const curve = scenario.make(createRng(deriveSeed(seed, scenario.name)));
      const staircase = detectStaircase(curve.points);
      staircase.steps.forEach((step, k) => {
        expect(staircase.plateaus[k + 1].from).toBe(step.tokens);
        expect(step.beforeMs).toBe(staircase.plateaus[k].medianMs);
        expect(step.afterMs).toBe(staircase.plateaus[k + 1].medianMs);
        expect(step.jumpPct).toBeCloseTo(100 * (step.afterMs / step.beforeMs - 1), 10);
        expect(step.confidence).toBeGreaterThanOrEqual(CONFIDENT_STEP);
        expect(step.confidence).toBeLessThanOrEqual(1);
      });
      // plateaus cover every point, in order, without gaps
      expect(staircase.plateaus[0].from).toBe(curve.points[0].tokens);
      expect(staircase.plateaus.at(-1)?.to).toBe(curve.points.at(-1)?.tokens);
      for (let k = 1; k < staircase.plateaus.length; k++) {
        const previousTo = staircase.plateaus[k - 1].to;
        const nextCount = curve.points.find((p) => p.tokens > previousTo)?.tokens;
        expect(staircase.plateaus[k].from).toBe(nextCount);
      }
    }
  });

  it('measures jump sizes close to the truth', () => {
    for (const seed of SEEDS) {
      const rng = createRng(deriveSeed(seed, 'jump sizes'));
      const steps = [
        { tokens: 65, jumpPct: uniform(rng, 5, 40) },
        { tokens: 129, jumpPct: uniform(rng, 5, 40) },
      ];
      const curve = synthesize(rng, { tokens: range(1, 197), steps, noise: 0.005 });
      const found = detectStaircase(curve.points).steps;
      expect(found.map((s) => s.tokens)).toEqual([65, 129]);
      found.forEach((step, k) => expect(Math.abs(step.jumpPct - steps[k].jumpPct)).toBeLessThan(1.5));
    }
  });
});

describe('detectStaircase on curves without steps', () => {
  for (const scenario of STEP_FREE_SCENARIOS) {
    it(`${scenario.name}: no steps, regime ${scenario.regimes.join(' or ')} (${SEEDS.length} seeds)`, () => {
      const failures: string[] = [];
      for (const seed of SEEDS) {
        const curve = scenario.make(createRng(deriveSeed(seed, scenario.name)));
        const staircase = detectStaircase(curve.points);
        if (staircase.steps.length > 0 || !scenario.regimes.includes(staircase.regime)) {
          failures.push(`seed ${seed}: ${staircase.regime}, steps at ${staircase.steps.map((s) => s.tokens).join(',')} (${staircase.summary})`);
        }
        expect(staircase.plateaus).toHaveLength(1);
      }
      expect(failures).toEqual([]);
    });
  }

  it('says plainly that a ramp has no step to land below', () => {
    const rng = createRng(3);
    const curve = synthesize(rng, { tokens: range(1, 197), noise: 0.01, tiltPerToken: 0.01 });
    const staircase = detectStaircase(curve.points);
    expect(staircase.summary).toMatch(/^ramp: latency grows smoothly with tokens/);
    expect(staircase.summary).toMatch(/gains from pruning are proportional, no step to land below/);
  });

  it('names the outliers it ignored', () => {
    const points = range(1, 60).map((tokens) => ({ tokens, medianMs: tokens === 30 ? 25 : 10 }));
    const staircase = detectStaircase(points);
    expect(staircase.steps).toEqual([]);
    expect(staircase.regime).toBe('flat');
    expect(staircase.summary).toMatch(/1 isolated outlier ignored \(at 30 tokens\)/);
  });
});
