import { describe, expect, it } from 'vitest';
import { countMacs, resolveModel } from '../../../electron/engine/models/architectures.js';
import {
  encoderMacs,
  largestPerLayer,
  makeVariant,
  planVariants,
  scheduleArchitecture,
} from '../../../electron/engine/jobs/validate/variants.js';
import { userErrorOf } from '../../helpers/errors.js';

const vitS = resolveModel('vit-s16');
const schedule = (layers: { layer: number; remove: number }[]) => ({
  baselineTokens: 197,
  layers,
  method: 'pomt' as const,
  keepTokens: 197 - layers.reduce((sum, layer) => sum + layer.remove, 0),
});

describe('scheduleArchitecture', () => {
  it('takes the built-in the schedule names, or the one passed', () => {
    expect(scheduleArchitecture({ model: { id: 'vit-s16', depth: 12 } }).id).toBe('vit-s16');
    expect(scheduleArchitecture({ model: 'their-profile.csv' }, 'vit-b16').id).toBe('vit-b16');
  });

  it('says what is supported when the schedule was made for a model file', () => {
    const error = userErrorOf(() => scheduleArchitecture({ model: { file: '/home/me/blocks.onnx', part: 'model' } }));
    expect(error.code).toBe('schedule-model-file');
    expect(error.message).toContain('model file /home/me/blocks.onnx');
    expect(error.message).toContain('built-in architecture (vit-ti16, vit-s16');
    expect(error.fix).toContain('edgetune match');
  });

  it('asks which built-in a schedule from a CSV profile is for', () => {
    const error = userErrorOf(() => scheduleArchitecture({ model: 'their-profile.csv' }));
    expect(error.code).toBe('schedule-model-unknown');
    expect(error.fix).toContain('--model');
  });
});

describe('planVariants', () => {
  it('matches Top-K and ToMe to the tokens the schedule removes summed over layers', () => {
    const plan = planVariants(vitS, schedule([{ layer: 3, remove: 59 }]));
    expect(plan.variants.map((variant) => variant.key)).toEqual(['baseline', 'schedule', 'topk', 'tome']);
    const [baseline, pomt, topk, tome] = plan.variants;
    expect(baseline.removedTokenLayers).toBe(0);
    expect(pomt.removedTokenLayers).toBe(59 * 9);
    expect(pomt.tokensAfterLayer).toEqual([197, 197, 197, 138, 138, 138, 138, 138, 138, 138, 138, 138]);
    // Top-K removes r in every layer: 78r token-layers; r = 7 gives 546, the nearest to 531
    expect(topk.perLayer).toBe(7);
    expect(topk.removedTokenLayers).toBe(546);
    for (const variant of [topk, tome]) {
      const method = variant.method as 'topk' | 'tome';
      const gaps = Array.from({ length: largestPerLayer(method, 197, 12) + 1 }, (_, r) =>
        Math.abs(makeVariant(vitS, method, '', { method, perLayer: r }, 197).removedTokenLayers - pomt.removedTokenLayers),
      );
      expect(Math.abs(variant.removedTokenLayers - pomt.removedTokenLayers)).toBe(Math.min(...gaps));
    }
    expect(plan.matching[0]).toBe("Top-K: r = 7 per layer, 546 removed token-layers against the schedule's 531");
  });

  it('leaves a method out, saying why, when r = 0 (the baseline again) is the closest match', () => {
    const plan = planVariants(vitS, schedule([{ layer: 10, remove: 2 }]));
    expect(plan.variants.map((variant) => variant.key)).toEqual(['baseline', 'schedule']);
    expect(plan.matching[0]).toMatch(/^Top-K left out: r = 1 per layer already comes to 78 removed token-layers against the schedule's 4/);
  });

  it('matches by predicted latency when asked, which needs the profile', () => {
    const error = userErrorOf(() => planVariants(vitS, schedule([{ layer: 3, remove: 59 }]), { matchBy: 'predicted' }));
    expect(error.code).toBe('match-needs-profile');
    // a made-up latency model: every token in every MLP costs 1 ms
    const predictMs = (counts: readonly { mlpTokens: number }[]) => counts.reduce((sum, count) => sum + count.mlpTokens, 0);
    const plan = planVariants(vitS, schedule([{ layer: 3, remove: 59 }]), { matchBy: 'predicted', predictMs });
    expect(plan.matchedBy).toBe('predicted');
    expect(plan.variants.find((variant) => variant.key === 'topk')?.perLayer).toBe(7);
  });

  it('counts multiply-accumulates at each layer\'s counts, the baseline equal to the closed form', () => {
    const [baseline, pomt] = planVariants(vitS, schedule([{ layer: 3, remove: 59 }])).variants;
    expect(baseline.macs).toBe(countMacs(vitS, { part: 'encoder', tokens: 197, batch: 1 }));
    expect(pomt.macs).toBeLessThan(baseline.macs);
    expect(encoderMacs(vitS, pomt.counts)).toBe(pomt.macs);
  });

  it('refuses a schedule deeper than the model', () => {
    const error = userErrorOf(() => planVariants(resolveModel('vit-ti16'), schedule([{ layer: 12, remove: 5 }])));
    expect(error.code).toBe('schedule-layer-out-of-range');
  });
});
