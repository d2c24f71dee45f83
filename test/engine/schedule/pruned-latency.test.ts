import { describe, expect, it } from 'vitest';
import { latencyModel, type LatencyCurve } from '../../../electron/engine/schedule/latency.js';
import {
  attentionShare,
  blockShapeOf,
  DEFAULT_ATTENTION_SHARE,
  nonDecreasingLayerMs,
  predictLayerCountsMs,
  removedTokenLayers,
} from '../../../electron/engine/schedule/pruned-latency.js';

const points = Array.from({ length: 197 }, (_, i) => ({ tokens: i + 1, medianMs: 1 + 0.01 * (i + 1) }));
const blockCurve: LatencyCurve = { points, unit: 'block', depth: 4, overheadMs: 0.5 };
const same = (tokens: number) => ({ attentionTokens: tokens, mlpTokens: tokens });

describe('predictLayerCountsMs', () => {
  it('is the latency model itself when no layer reduces', () => {
    const model = latencyModel(blockCurve);
    const layerTokens = [197, 150, 150, 40];
    expect(predictLayerCountsMs(model, layerTokens.map(same))).toBeCloseTo(model.predict(layerTokens), 12);
  });

  it("splits a reducing layer by attention's share of its work, each part at its own count", () => {
    const model = latencyModel(blockCurve);
    const shape = { width: 384, mlpRatio: 4 };
    const reducing = { attentionTokens: 197, mlpTokens: 100 };
    const expected =
      0.5 +
      attentionShare(shape, 197) * model.at(197) +
      (1 - attentionShare(shape, 100)) * model.at(100) +
      3 * model.at(100);
    expect(predictLayerCountsMs(model, [reducing, same(100), same(100), same(100)], shape)).toBeCloseTo(expected, 12);
  });

  it('divides a whole-model curve over the layers, so every layer at n costs L(n)', () => {
    const model = latencyModel({ points, unit: 'model', depth: 12, overheadMs: 0 });
    expect(predictLayerCountsMs(model, new Array(12).fill(same(120)))).toBeCloseTo(model.at(120), 12);
  });

  it('refuses counts for another depth', () => {
    expect(() => predictLayerCountsMs(latencyModel(blockCurve), [same(1)])).toThrow(RangeError);
  });
});

describe('attentionShare', () => {
  it('is qkv, projection, scores and A·V against the MLP, by multiply-accumulates', () => {
    // ViT-B at 197 tokens: (4·768 + 2·197) / (4·768 + 2·197 + 2·4·768)
    expect(attentionShare({ width: 768, mlpRatio: 4 }, 197)).toBeCloseTo(3466 / 9610, 12);
    expect(attentionShare(undefined, 197)).toBe(DEFAULT_ATTENTION_SHARE);
  });

  it('reads the block shape from a model record when it has one', () => {
    expect(blockShapeOf({ id: 'vit-s16', width: 384, mlpRatio: 4 })).toEqual({ width: 384, mlpRatio: 4 });
    expect(blockShapeOf('profile.csv')).toBeUndefined();
    expect(blockShapeOf({ file: 'model.onnx' })).toBeUndefined();
  });
});

describe('removedTokenLayers', () => {
  it('sums what each layer runs without', () => {
    expect(removedTokenLayers([197, 192, 192, 128], 197)).toBe(0 + 5 + 5 + 69);
  });
});

describe('nonDecreasingLayerMs', () => {
  it('pools a noise dip with the counts before it, keeping rises as they are', () => {
    const noisy = [1, 2, 1.5, 1.9, 3].map((medianMs, i) => ({ tokens: 10 * (i + 1), medianMs }));
    const fitted = nonDecreasingLayerMs(latencyModel({ points: noisy, unit: 'block', depth: 1, overheadMs: 0 }));
    // 2 then 1.5 pool to their mean, 1.75; 1.9 already rises from there
    expect([10, 20, 30, 40, 50].map(fitted)).toEqual([1, 1.75, 1.75, 1.9, 3].map((ms) => expect.closeTo(ms, 12)));
    expect(fitted(15)).toBeCloseTo(1.5, 12);
  });
});
