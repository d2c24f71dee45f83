import { describe, expect, it } from 'vitest';
import { isUserError } from '../../../electron/engine/errors.js';
import {
  builtinModelIds,
  countMacs,
  listModels,
  parameterCount,
  resolveModel,
  type VitArchitecture,
} from '../../../electron/engine/models/architectures.js';

function closedFormMacs(arch: VitArchitecture, tokens: number, batch: number): { block: number; encoder: number } {
  const d = arch.width;
  const n = tokens;
  const block = batch * (n * d * 3 * d + n * d * d + 2 * n * d * (arch.mlpRatio * d) + 2 * n * n * d);
  return { block, encoder: arch.depth * block + batch * d * arch.classes };
}

describe('built-in architectures', () => {
  it('have the published shapes', () => {
    const shapes = Object.fromEntries(
      builtinModelIds.map((id) => {
        const { width, depth, heads, patchSize, tokens } = resolveModel(id);
        return [id, [width, depth, heads, patchSize, tokens]];
      }),
    );
    expect(shapes).toEqual({
      'vit-ti16': [192, 12, 3, 16, 197],
      'vit-s16': [384, 12, 6, 16, 197],
      'vit-b16': [768, 12, 12, 16, 197],
      'vit-l16': [1024, 24, 16, 16, 197],
      'deit-ti16': [192, 12, 3, 16, 197],
      'deit-s16': [384, 12, 6, 16, 197],
      'deit-b16': [768, 12, 12, 16, 197],
      'deit-l16': [1024, 24, 16, 16, 197],
      'dinov2-s14': [384, 12, 6, 14, 257],
      'dinov2-b14': [768, 12, 12, 14, 257],
    });
    expect(resolveModel('deit-b16').family).toBe('deit');
    expect(resolveModel('dinov2-s14').layerScale).toBe(true);
    expect(resolveModel('vit-b16').layerScale).toBe(false);
  });

  it('rejects unknown ids with the list of valid ones', () => {
    let caught: unknown;
    try {
      resolveModel('vit-h14');
    } catch (error) {
      caught = error;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toContain("unknown model 'vit-h14'");
    for (const id of builtinModelIds) expect((caught as Error).message).toContain(id);
  });

  it('count parameters as timm does', () => {
    expect(parameterCount(resolveModel('vit-b16'))).toBe(86_567_656);
    expect(parameterCount(resolveModel('vit-s16'))).toBe(22_050_664);
    expect(parameterCount(resolveModel('vit-ti16'))).toBe(5_717_416);
    expect(parameterCount(resolveModel('vit-l16'))).toBeCloseTo(304.3e6, -6);
    expect(parameterCount(resolveModel('deit-b16'))).toBe(parameterCount(resolveModel('vit-b16')));
  });

  it('count MACs in closed form', () => {
    for (const id of ['vit-ti16', 'vit-b16', 'vit-l16', 'dinov2-s14']) {
      const arch = resolveModel(id);
      for (const [tokens, batch] of [
        [1, 1],
        [50, 2],
        [arch.tokens, 1],
        [arch.tokens, 8],
        [1000, 3],
      ]) {
        const expected = closedFormMacs(arch, tokens, batch);
        expect(countMacs(arch, { part: 'block', tokens, batch })).toBe(expected.block);
        expect(countMacs(arch, { part: 'encoder', tokens, batch })).toBe(expected.encoder);
      }
    }
    // ViT-B/16 at 224 px is the well-known 17.5 GMACs.
    expect(countMacs(resolveModel('vit-b16'), { part: 'encoder', tokens: 197, batch: 1 }) / 1e9).toBeCloseTo(17.45, 2);
    expect(() => countMacs(resolveModel('vit-b16'), { part: 'block', tokens: 0, batch: 1 })).toThrow(RangeError);
  });

  it('list every id with the fields of `edgetune models`', () => {
    const models = listModels();
    expect(models.map((model) => model.id)).toEqual([...builtinModelIds]);
    for (const model of models) {
      expect(Object.keys(model).sort()).toEqual(['depth', 'family', 'heads', 'id', 'macs', 'params', 'tokens', 'width']);
      const arch = resolveModel(model.id);
      expect(model.params).toBe(parameterCount(arch));
      expect(model.macs).toBe(closedFormMacs(arch, arch.tokens, 1).encoder);
    }
    const vitB = models.find((model) => model.id === 'vit-b16');
    expect(vitB).toMatchObject({ family: 'vit', depth: 12, width: 768, heads: 12, tokens: 197 });
    expect(Math.abs(vitB!.params / 86.6e6 - 1)).toBeLessThan(0.01);
    const vitS = models.find((model) => model.id === 'vit-s16');
    expect(Math.abs(vitS!.params / 22e6 - 1)).toBeLessThan(0.01);
  });
});
