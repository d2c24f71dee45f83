import { describe, expect, it } from 'vitest';
import type { Staircase, Step } from '../../../electron/engine/contracts/profile.js';
import { UserError } from '../../../electron/engine/errors.js';
import { latencyModel } from '../../../electron/engine/schedule/latency.js';
import { minimalMove, pomtKeepTokens, pomtRemove, pomtUtility, pomtWithAccuracy } from '../../../electron/engine/schedule/pomt.js';
import { detectStaircase } from '../../../electron/engine/staircase/detect.js';

// A hand-made table. Latency has a plateau at 4–5 tokens (2 ms), a step to 3 ms at 6, another to 4 ms at 8.
const latency = [
  { tokens: 4, latencyMs: 2 },
  { tokens: 5, latencyMs: 2 },
  { tokens: 6, latencyMs: 3 },
  { tokens: 7, latencyMs: 3 },
  { tokens: 8, latencyMs: 4 },
];
// Accuracy measured at 4, 6, 8 only; 5 and 7 are interpolated (60, 75).
const accuracy = [
  { tokens: 8, accuracy: 80 },
  { tokens: 4, accuracy: 50 },
  { tokens: 6, accuracy: 70 },
];

describe('POMT utility', () => {
  it('matches the formula, computed by hand', () => {
    // max L = 4, max A = 80, α = 0.5: U = 0.5(1 − L/4) + 0.5(A/80)
    const utility = pomtUtility(latency, accuracy, 0.5);
    expect(utility.map((u) => u.tokens)).toEqual([4, 5, 6, 7, 8]);
    expect(utility.map((u) => u.accuracy)).toEqual([50, 60, 70, 75, 80]);
    const expected = [0.5625, 0.625, 0.5625, 0.59375, 0.5];
    utility.forEach((u, i) => expect(u.utility).toBeCloseTo(expected[i], 12));
    // n* = 5: the right edge of the plateau below the step at 6
    expect(pomtKeepTokens(utility)).toBe(5);
  });

  it('weighs latency only at α = 1 (ties go to the larger count) and accuracy only at α = 0', () => {
    // α = 1: U = 1 − L/4 is 0.5 at both 4 and 5; the released code scans from the full count
    // down and keeps numpy's first maximum, i.e. 5.
    expect(pomtKeepTokens(pomtUtility(latency, accuracy, 1))).toBe(5);
    expect(pomtKeepTokens(pomtUtility(latency, accuracy, 0))).toBe(8);
  });

  it('uses only the counts where both curves exist', () => {
    const utility = pomtUtility(latency, accuracy.filter((a) => a.tokens >= 6), 0.5);
    expect(utility.map((u) => u.tokens)).toEqual([6, 7, 8]);
    // max L = 4, max A = 80 over 6–8: U(6) = 0.125 + 0.4375, U(7) = 0.125 + 0.46875, U(8) = 0.5
    expect(pomtKeepTokens(utility)).toBe(7);
  });

  it('refuses curves with no count in common', () => {
    expect(() => pomtUtility(latency, [{ tokens: 50, accuracy: 1 }, { tokens: 60, accuracy: 2 }], 0.5)).toThrow(UserError);
    expect(() => pomtUtility(latency, [{ tokens: 50, accuracy: 1 }, { tokens: 60, accuracy: 2 }], 0.5)).toThrow(/no token count in common/);
  });
});

/** ViT-S at batch 1 on a GPU with 64-row tiles: +14 % at 65, 129 and 193 tokens (whole model, ms). */
const tileStairs = Array.from({ length: 197 }, (_, i) => {
  const tokens = i + 1;
  return { tokens, medianMs: 10 * 1.14 ** Math.floor((tokens - 1) / 64) };
});
const tileModel = latencyModel({ points: tileStairs, unit: 'model', depth: 12, overheadMs: 0 });
const tileStaircase = detectStaircase(tileStairs);

describe('POMT removal count', () => {
  it('removes exactly enough for n* tokens to continue (the released code’s off-by-two fixed)', () => {
    // accuracy losing 0.15 points per token removed: by hand, U(192) = 0.5(1 − 13.0/14.8) + 0.5(79.25/80)
    // = 0.557 beats U(128) = 0.550 and U(64) = 0.538, and within a plateau U grows with the count
    const accuracy = tileStairs.map(({ tokens }) => ({ tokens, accuracy: 80 - 0.15 * (197 - tokens) }));
    const decision = pomtWithAccuracy(tileModel, tileStaircase, 197, accuracy, 0.5, 3);
    expect(decision.keepTokens).toBe(192);
    expect(decision.landedBelow?.tokens).toBe(193);
    const remove = pomtRemove(197, decision.keepTokens);
    expect(remove).toBe(5);
    expect(197 - remove).toBe(192);

    // The released code: R = max_vit_token_count − (n* + prefix_tokens) = 196 − (192 + 1) = 3.
    // POMT's fused token makes R a net reduction, so 197 − 3 = 194 tokens continue: n* + 2,
    // back on the high side of the step at 193 it meant to fall below.
    const releasedRemove = 196 - (decision.keepTokens + 1);
    expect(197 - releasedRemove).toBe(decision.keepTokens + 2);
    expect(tileModel.atInput(197 - releasedRemove)).toBeCloseTo(tileModel.atInput(197), 12);
    expect(tileModel.atInput(197 - remove)).toBeLessThan(tileModel.atInput(197));
  });

  it('keeps all tokens when the utility peaks at the full count', () => {
    const flatAccuracyCliff = tileStairs.map(({ tokens }) => ({ tokens, accuracy: tokens === 197 ? 80 : 10 }));
    const decision = pomtWithAccuracy(tileModel, tileStaircase, 197, flatAccuracyCliff, 0.5, 3);
    expect(decision.keepTokens).toBe(197);
    expect(decision.landedBelow).toBeUndefined();
    expect(decision.reason).toMatch(/keeping all 197 tokens/);
  });
});

function stepAt(tokens: number, confidence = 0.9, jumpPct = 14): Step {
  return { tokens, beforeMs: 10, afterMs: 10 * (1 + jumpPct / 100), jumpPct, confidence };
}

function staircaseWith(steps: Step[], regime: Staircase['regime'] = 'staircase'): Staircase {
  return { regime, steps, plateaus: [], summary: '' };
}

describe('POMT minimal move (no accuracy curve)', () => {
  it('lands on the right edge of the plateau below the step the full count sits on, within 10 %', () => {
    const decision = minimalMove(tileModel, tileStaircase, 197, 0.1, 3);
    expect(decision.keepTokens).toBe(192);
    expect(decision.landedBelow?.tokens).toBe(193);
    expect(decision.reason).toMatch(/^minimal move: 197 tokens sit on the plateau that starts at the step at 193 tokens/);
  });

  it('keeps all tokens when the nearest step is further than maxRemoveFraction, and says why', () => {
    const decision = minimalMove(tileModel, tileStaircase, 180, 0.1, 3);
    expect(decision.keepTokens).toBe(180);
    expect(decision.landedBelow).toBeUndefined();
    expect(decision.reason).toMatch(/step at 129 tokens .* removing 52 tokens \(28\.9 % > 10 %\): keeping all 180 tokens/);
    // a looser limit allows it
    expect(minimalMove(tileModel, tileStaircase, 180, 0.3, 3).keepTokens).toBe(128);
  });

  it('lands on the largest measured count below the step on an uneven grid', () => {
    const model = latencyModel({
      points: [100, 150, 180, 186, 188, 190, 191, 192, 197].map((tokens) => ({ tokens, medianMs: tokens >= 191 ? 12 : 10 })),
      unit: 'model',
      depth: 12,
      overheadMs: 0,
    });
    expect(minimalMove(model, staircaseWith([stepAt(191)]), 197, 0.1, 3).keepTokens).toBe(190);
  });

  it('ignores steps that are not confident, or above the full count', () => {
    expect(minimalMove(tileModel, staircaseWith([stepAt(193, 0.4)]), 197, 0.1, 3).keepTokens).toBe(197);
    const above = minimalMove(tileModel, staircaseWith([stepAt(193)]), 190, 0.1, 3);
    expect(above.keepTokens).toBe(190);
    expect(above.reason).toMatch(/no confident step at or below 190 tokens/);
  });

  it('explains why a ramp or a flat curve gets no schedule', () => {
    const ramp = minimalMove(tileModel, staircaseWith([], 'ramp'), 197, 0.1, 3);
    expect(ramp.keepTokens).toBe(197);
    expect(ramp.reason).toMatch(/gains are only proportional: that is a decision for an accuracy curve/);
    expect(minimalMove(tileModel, staircaseWith([], 'linear'), 197, 0.1, 3).reason).toMatch(/only proportional/);
    expect(minimalMove(tileModel, staircaseWith([], 'flat'), 197, 0.1, 3).reason).toMatch(/^flat: .*no step to land below/);
  });
});
