import { describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import { type LatencyCurve, latencyModel, predictModelMs } from '../../../electron/engine/schedule/latency.js';

const points = [
  { tokens: 10, medianMs: 1 },
  { tokens: 20, medianMs: 2 },
  { tokens: 40, medianMs: 4 },
];

describe('latency model', () => {
  it('interpolates between measured counts and is exact on them', () => {
    const model = latencyModel({ points, unit: 'block', depth: 1, overheadMs: 0 });
    expect(model.at(20)).toBe(2);
    expect(model.at(15)).toBeCloseTo(1.5, 12);
    expect(model.at(30)).toBeCloseTo(3, 12);
    expect(model.tokens).toEqual([10, 20, 40]);
  });

  it('never extrapolates: a count outside the sweep is a UserError naming the range', () => {
    const curve: LatencyCurve = { points, unit: 'block', depth: 2, overheadMs: 0 };
    for (const tokens of [9, 41]) {
      expect(() => predictModelMs(curve, [tokens, 20])).toThrow(UserError);
      expect(() => predictModelMs(curve, [tokens, 20])).toThrow(`${tokens} tokens is outside the measured range (10–40 tokens)`);
    }
  });

  it("unit 'block': overhead plus one block per layer at that layer's count", () => {
    const curve: LatencyCurve = { points, unit: 'block', depth: 3, overheadMs: 0.5 };
    expect(predictModelMs(curve, [40, 20, 10])).toBeCloseTo(0.5 + 4 + 2 + 1, 12);
  });

  it("unit 'model': all layers at n gives the measured whole-network latency; mixed layers share it per layer", () => {
    const curve: LatencyCurve = { points, unit: 'model', depth: 4, overheadMs: 0 };
    expect(predictModelMs(curve, [20, 20, 20, 20])).toBeCloseTo(2, 12);
    expect(predictModelMs(curve, [40, 40, 10, 10])).toBeCloseTo((4 + 4 + 1 + 1) / 4, 12);
    const withOverhead: LatencyCurve = { ...curve, overheadMs: 0.4 };
    expect(predictModelMs(withOverhead, [40, 40, 40, 40])).toBeCloseTo(4, 12);
    expect(predictModelMs(withOverhead, [40, 40, 10, 10])).toBeCloseTo(0.4 + (2 * 3.6 + 2 * 0.6) / 4, 12);
  });

  it('uses drift-cancelled latencies when every point has them', () => {
    const drifted = [
      { tokens: 10, medianMs: 1.5, relativeToReference: 0.5 },
      { tokens: 20, medianMs: 1.0, relativeToReference: 1.0 },
      { tokens: 30, medianMs: 3.5, relativeToReference: 1.5 },
    ];
    // scale back to ms by the median of medianMs / relativeToReference (3, 1, 2.33 → 2.33)
    const model = latencyModel({ points: drifted, unit: 'model', depth: 1, overheadMs: 0 });
    expect(model.ms.map((v) => v / model.ms[1])).toEqual([0.5, 1, 1.5]);
  });

  it('refuses a layer list of the wrong length and a profile too short to predict from', () => {
    expect(() => predictModelMs({ points, unit: 'block', depth: 3, overheadMs: 0 }, [10, 10])).toThrow(RangeError);
    expect(() => latencyModel({ points: points.slice(0, 1), unit: 'block', depth: 3, overheadMs: 0 })).toThrow(UserError);
    expect(() => latencyModel({ points, unit: 'block', depth: 0, overheadMs: 0 })).toThrow(/depth must be a whole number/);
  });
});
