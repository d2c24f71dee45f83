import { describe, expect, it } from 'vitest';
import { resolveModel } from '../../../electron/engine/models/architectures.js';
import { buildVitOnnx } from '../../../electron/engine/models/vit-onnx.js';
import { buildPrunedVitOnnx, type TokenReduction } from '../../../electron/engine/prune/index.js';
import { createSession, maxAbsDifference, randomTokens, runTokens } from './onnx-session.js';

const reductions: readonly [string, TokenReduction][] = [
  // a POMT minimal move (197 → 192 at layer 3) and a deeper second cut
  ['POMT', { method: 'pomt', layers: [{ layer: 3, remove: 5 }, { layer: 7, remove: 60 }] }],
  ['Top-K', { method: 'topk', perLayer: 8 }],
  ['ToMe', { method: 'tome', perLayer: 16 }],
];

describe('pruned built-in ViTs at 197 tokens in onnxruntime', () => {
  it.each(reductions)('vit-ti16, %s: each layer hands on the counted tokens, batch 1 and 2', async (_, reduction) => {
    const arch = resolveModel('vit-ti16');
    const built = buildPrunedVitOnnx(arch, { ...reduction, seed: 1, layerOutputs: true });
    expect(built.inputTokens).toBe(197);
    const session = await createSession(built.bytes);
    for (const batch of [1, 2]) {
      const outputs = await runTokens(session, randomTokens(batch, batch, 197, arch.width), [batch, 197, arch.width]);
      expect(built.layerOutputs.map((names) => outputs[names.tokens].dims)).toEqual(
        built.tokensAfterLayer.map((tokens) => [batch, tokens, arch.width]),
      );
      expect(outputs.logits.dims).toEqual([batch, 1000]);
      expect((outputs.logits.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
  });

  it('vit-ti16 with nothing to remove computes what the baseline computes: the same weights for the same seed', async () => {
    const arch = resolveModel('vit-ti16');
    const input = randomTokens(7, 2, 197, arch.width);
    const dims = [2, 197, arch.width];
    const baseline = await runTokens(await createSession(buildVitOnnx(arch, { part: 'encoder', seed: 4 }).bytes), input, dims);
    const pruned = await runTokens(await createSession(buildPrunedVitOnnx(arch, { method: 'pomt', layers: [], seed: 4 }).bytes), input, dims);
    expect(maxAbsDifference(pruned.logits.data as Float32Array, baseline.logits.data as Float32Array)).toBeLessThanOrEqual(1e-6);
  });

  it('vit-b16 runs all three, batch 1', async () => {
    const arch = resolveModel('vit-b16');
    const finalTokens: number[] = [];
    for (const [, reduction] of reductions) {
      const built = buildPrunedVitOnnx(arch, { ...reduction, seed: 1 });
      const session = await createSession(built.bytes);
      const outputs = await runTokens(session, randomTokens(3, 1, 197, arch.width), [1, 197, arch.width]);
      expect(outputs.logits.dims).toEqual([1, 1000]);
      expect((outputs.logits.data as Float32Array).every(Number.isFinite)).toBe(true);
      await session.release();
      finalTokens.push(built.tokensAfterLayer[11]);
    }
    expect(finalTokens).toEqual([132, 101, 11]);
  });
});
