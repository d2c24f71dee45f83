import { describe, expect, it } from 'vitest';
import {
  blockGemms,
  compareSteps,
  ctaCount,
  focusCounts,
  predictSteps,
  rowTileBoundaries,
  waveCount,
} from '../../../electron/engine/staircase/wave-quantization.js';

const deitSmall = { width: 384, heads: 6, mlpRatio: 4 };
const vitBase = { width: 768, heads: 12, mlpRatio: 4 };

describe('wave-quantization predictor (hand-computed cases)', () => {
  it('lists the block GEMMs with rows = batch × tokens and widths 3D, D, 4D, D', () => {
    const gemms = blockGemms(vitBase, 2, 197);
    expect(gemms.slice(0, 4).map(({ m, n, k }) => [m, n, k])).toEqual([
      [394, 2304, 768],
      [394, 768, 768],
      [394, 3072, 768],
      [394, 768, 3072],
    ]);
    expect(gemms[4]).toMatchObject({ batchCount: 24, m: 197, n: 197, k: 64 });
  });

  it("reproduces the digest's DeiT-S on a 14-SM Orin: fc1 takes 1, 2, 3, 4 waves of 28 at ≤64, ≤128, ≤192, 197 tokens", () => {
    const tile = { tileM: 64, tileN: 64, ctasPerUnit: 2 };
    const fc1 = (tokens: number) => blockGemms(deitSmall, 1, tokens)[2];
    // ceil(197/64) · 1536/64 = 4 · 24 = 96 CTAs on a wave of 14 · 2 = 28
    expect(ctaCount(fc1(197), tile)).toBe(96);
    expect([64, 128, 192, 197].map((tokens) => waveCount(fc1(tokens), tile, 14))).toEqual([1, 2, 3, 4]);
    const prediction = predictSteps({ block: deitSmall, batch: 1, units: 14, from: 1, to: 197, hypotheses: [tile] });
    const waves = prediction.steps.filter((step) => step.kind === 'wave');
    expect(waves.map((step) => step.tokens)).toEqual([65, 129, 193]);
    expect(waves.every((step) => step.support === 1)).toBe(true);
    expect(waves[2].causes).toContain('fc1 64×64 at 2/SM: 3 → 4 waves of 28');
    // pruning 197 → 192 drops the last wave: "prune one more token"
    expect(waves.at(-1)?.tokens).toBe(193);
  });

  it('predicts no wave step where every GEMM fits one wave (H100, 132 SMs, ViT-B, batch 1, 128×128 tiles)', () => {
    // qkv: ceil(197/128) · 2304/128 = 2 · 18 = 36 CTAs; fc1: 2 · 24 = 48; attention 12 · 2 · 2 = 48; all < 132
    const prediction = predictSteps({ block: vitBase, batch: 1, units: 132, from: 1, to: 197, hypotheses: [{ tileM: 128, tileN: 128, ctasPerUnit: 1 }] });
    expect(prediction.steps.filter((step) => step.kind === 'wave')).toEqual([]);
    expect(prediction.steps.map((step) => step.tokens)).toEqual([33, 65, 97, 129, 161, 193]);
    expect(prediction.steps.every((step) => step.kind === 'tile')).toBe(true);
  });

  it('moves steps to smaller token counts as the batch grows (H100, ViT-B, batch 16, 128×128)', () => {
    // fc1 at batch 16: ceil(16n/128) · 24 CTAs. One wave of 132 holds 5 row tiles (120 CTAs), so the
    // second wave starts when 16n > 640, i.e. n = 41; two waves (264) hold 11 row tiles, so the
    // third starts when 16n > 1408 (n = 89).
    const tile = { tileM: 128, tileN: 128, ctasPerUnit: 1 };
    const fc1 = (tokens: number) => blockGemms(vitBase, 16, tokens)[2];
    expect([40, 41, 88, 89].map((tokens) => waveCount(fc1(tokens), tile, 132))).toEqual([1, 2, 2, 3]);
    const prediction = predictSteps({ block: vitBase, batch: 16, units: 132, from: 1, to: 197, hypotheses: [tile] });
    const waves = prediction.steps.filter((step) => step.kind === 'wave').map((step) => step.tokens);
    expect(waves).toContain(41);
    expect(waves).toContain(89);
    // row-tile boundaries every 8 tokens or closer (batch 16) are too dense to be worth listing
    expect(prediction.steps.filter((step) => step.kind === 'tile')).toEqual([]);
  });

  it('finds row-tile boundaries for any batch', () => {
    expect(rowTileBoundaries(64, 1, 1, 197)).toEqual([65, 129, 193]);
    expect(rowTileBoundaries(64, 2, 1, 197)).toEqual([33, 65, 97, 129, 161, 193]);
    expect(rowTileBoundaries(128, 3, 1, 100)).toEqual([43, 86]);
  });

  it('counts, for each step, the share of tile hypotheses that predict it', () => {
    const prediction = predictSteps({ block: deitSmall, batch: 1, units: 14, from: 1, to: 197 });
    const hypotheses = prediction.hypotheses.length;
    const step193 = prediction.steps.find((step) => step.tokens === 193);
    expect(step193?.kind).toBe('wave');
    expect(step193?.causes).toContain('fc1 64×64 at 2/SM: 3 → 4 waves of 28');
    for (const step of prediction.steps) {
      const agreeing = step.support * hypotheses;
      expect(Math.abs(agreeing - Math.round(agreeing))).toBeLessThan(0.01);
      expect(step.support).toBeLessThanOrEqual(1);
    }
  });

  it('measures densely on both sides of the strongest predicted steps', () => {
    const prediction = predictSteps({ block: deitSmall, batch: 1, units: 14, from: 1, to: 197, hypotheses: [{ tileM: 64, tileN: 64, ctasPerUnit: 2 }] });
    const counts = focusCounts(prediction, 24);
    for (const tokens of [63, 64, 65, 66, 127, 128, 129, 130, 191, 192, 193, 194]) expect(counts).toContain(tokens);
    expect(counts.length).toBeLessThanOrEqual(24);
    expect(focusCounts(prediction, 4)).toHaveLength(4);
  });

  it('puts predicted and measured steps side by side', () => {
    const prediction = predictSteps({ block: deitSmall, batch: 1, units: 14, from: 1, to: 197, hypotheses: [{ tileM: 64, tileN: 64, ctasPerUnit: 2 }] });
    const measured = [
      { tokens: 129, jumpPct: 11, confidence: 0.9 },
      { tokens: 194, jumpPct: 18, confidence: 0.8 },
      { tokens: 100, jumpPct: 5, confidence: 0.6 },
    ];
    const comparison = compareSteps(prediction.steps.filter((step) => step.kind === 'wave'), measured);
    expect(comparison.predicted.map((entry) => [entry.tokens, entry.measured?.tokens ?? null])).toEqual([
      [65, null],
      [129, 129],
      [193, 194],
    ]);
    expect(comparison.unpredicted).toEqual([{ tokens: 100, jumpPct: 5, confidence: 0.6 }]);
  });
});
