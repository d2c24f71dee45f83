import { describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../../electron/engine/contracts/schedule.js';
import type { LatencyCurve } from '../../../electron/engine/schedule/latency.js';
import { type PlanScheduleInput, planSchedule } from '../../../electron/engine/schedule/plan.js';
import { detectStaircase } from '../../../electron/engine/staircase/detect.js';
import { userErrorOf } from '../../helpers/errors.js';

/** One block of a ViT: +14 % at 65, 129 and 193 tokens; 12 blocks plus 0.5 ms outside them. */
const blockPoints = Array.from({ length: 220 }, (_, i) => {
  const tokens = i + 1;
  return { tokens, medianMs: 1 * 1.14 ** Math.floor((tokens - 1) / 64) };
});
const curve: LatencyCurve = { points: blockPoints, unit: 'block', depth: 12, overheadMs: 0.5 };
const staircase = detectStaircase(blockPoints);
const base: PlanScheduleInput = {
  curve,
  staircase,
  model: { id: 'vit-s16', depth: 12 },
  device: { gpu: 'test' },
  ep: 'cuda',
  baselineTokens: 197,
};


describe('planSchedule', () => {
  it("cuts at layer 3 by default, or at a shallower network's last layer", () => {
    expect(planSchedule(base).layers).toEqual([{ layer: 3, remove: 5 }]);
    const shallow = planSchedule({ ...base, curve: { ...curve, depth: 2 } });
    expect(shallow.layers).toEqual([{ layer: 1, remove: 5 }]);
  });

  it('writes a schedule.json that validates, with the minimal move by default', () => {
    const schedule = planSchedule(base);
    expect(scheduleSchema.safeParse(JSON.parse(JSON.stringify(schedule))).success).toBe(true);
    expect(schedule).toMatchObject({
      schema: 'edgetune/schedule@1',
      method: 'pomt',
      model: { id: 'vit-s16', depth: 12 },
      device: { gpu: 'test' },
      ep: 'cuda',
      baselineTokens: 197,
      keepTokens: 192,
      layers: [{ layer: 3, remove: 5 }],
      accuracySource: 'none',
      alpha: 0.5,
    });
    expect(schedule.reason).toMatch(/^minimal move/);
  });

  it('predicts latency with layers before the pruning layer at the full count and the rest at keepTokens', () => {
    const schedule = planSchedule(base);
    const high = 1.14 ** 3;
    const low = 1.14 ** 2;
    expect(schedule.baselineMs).toBeCloseTo(0.5 + 12 * high, 10);
    expect(schedule.predictedMs).toBeCloseTo(0.5 + 3 * high + 9 * low, 10);
    expect(schedule.predictedSpeedup).toBeCloseTo(schedule.baselineMs / schedule.predictedMs, 12);
    // pruning earlier saves more
    const atLayer0 = planSchedule({ ...base, layer: 0 });
    expect(atLayer0.predictedMs).toBeCloseTo(0.5 + 12 * low, 10);
  });

  it('lists every step of the profile and marks the one it lands below', () => {
    const schedule = planSchedule(base);
    expect(schedule.steps.map((s) => [s.tokens, s.used])).toEqual([
      [65, false],
      [129, false],
      [193, true],
    ]);
    expect(schedule.steps.map(({ used: _used, ...step }) => step)).toEqual(staircase.steps);
  });

  it('keeps all tokens with no layers when nothing is worth removing', () => {
    const schedule = planSchedule({ ...base, baselineTokens: 180 });
    expect(schedule.keepTokens).toBe(180);
    expect(schedule.layers).toEqual([]);
    expect(schedule.predictedMs).toBeCloseTo(schedule.baselineMs, 12);
    expect(schedule.predictedSpeedup).toBeCloseTo(1, 12);
    expect(schedule.steps.every((s) => !s.used)).toBe(true);
    expect(schedule.reason).toMatch(/keeping all 180 tokens/);
    expect(scheduleSchema.safeParse(schedule).success).toBe(true);
  });

  it('uses POMT’s utility when an accuracy curve is given', () => {
    const accuracy = blockPoints.map(({ tokens }) => ({ tokens, accuracy: 80 - 0.15 * (197 - tokens) }));
    const schedule = planSchedule({ ...base, accuracy, accuracySource: 'csv:acc.csv' });
    expect(schedule.keepTokens).toBe(192);
    expect(schedule.accuracySource).toBe('csv:acc.csv');
    expect(schedule.reason).toMatch(/^POMT utility \(α = 0\.5\) peaks at 192 tokens: remove 5 tokens at layer 3/);
    expect(planSchedule({ ...base, accuracy }).accuracySource).toBe('csv');
    expect(planSchedule({ ...base, accuracy, alpha: 1 }).keepTokens).toBe(64);
  });

  it('caps the full count at maxTokens', () => {
    const schedule = planSchedule({ ...base, baselineTokens: 197, maxTokens: 130, maxRemoveFraction: 0.05 });
    expect(schedule.baselineTokens).toBe(130);
    expect(schedule.keepTokens).toBe(128);
    expect(schedule.steps.find((s) => s.used)?.tokens).toBe(129);
  });

  it('works from another tool’s whole-model CSV profile', () => {
    const modelPoints = blockPoints.map((p) => ({ tokens: p.tokens, medianMs: 0.5 + 12 * p.medianMs }));
    const schedule = planSchedule({
      ...base,
      curve: { points: modelPoints, unit: 'model', depth: 12, overheadMs: 0 },
      staircase: detectStaircase(modelPoints),
    });
    expect(schedule.keepTokens).toBe(192);
    expect(schedule.baselineMs).toBeCloseTo(0.5 + 12 * 1.14 ** 3, 10);
  });

  it('refuses what a user can get wrong, saying what to do', () => {
    const cases: [Partial<PlanScheduleInput>, RegExp][] = [
      [{ alpha: 1.5 }, /alpha must be between 0 and 1/],
      [{ alpha: Number.NaN }, /alpha must be between 0 and 1/],
      [{ layer: 12 }, /pruning layer must be a whole number from 0 to 11 \(the network has 12 layers\)/],
      [{ layer: -1 }, /pruning layer/],
      [{ layer: 2.5 }, /pruning layer/],
      [{ baselineTokens: 221 }, /full token count 221 is outside the measured range \(1–220 tokens\)/],
      [{ baselineTokens: 0 }, /whole number ≥ 1/],
      [{ maxTokens: 0 }, /--max-tokens must be a whole number/],
      [{ maxRemoveFraction: 0 }, /largest share of tokens to remove/],
      [{ method: 'dp', budget: -1 }, /--budget must be a whole number of tokens ≥ 0/],
    ];
    for (const [change, message] of cases) {
      const error = userErrorOf(() => planSchedule({ ...base, ...change }));
      expect(error.message).toMatch(message);
      expect(error.fix).toBeTruthy();
    }
  });
});
