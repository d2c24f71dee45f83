import { describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import {
  layerTokenCounts,
  removalsPerLayer,
  tokensAfterLayers,
  type TokenReduction,
} from '../../../electron/engine/prune/reduction.js';

const vitB = { depth: 12, inputTokens: 197 };

function thrownUserError(action: () => unknown): UserError {
  try {
    action();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

function userErrorCode(action: () => unknown): string {
  const error = thrownUserError(action);
  expect(error.fix).toBeTruthy();
  return error.code;
}

describe('token counts per layer', () => {
  it('POMT removes exactly the schedule\'s net count at each listed layer, whatever order they are listed in', () => {
    expect(tokensAfterLayers({ method: 'pomt', layers: [{ layer: 3, remove: 5 }] }, vitB)).toEqual([
      197, 197, 197, 192, 192, 192, 192, 192, 192, 192, 192, 192,
    ]);
    const multi: TokenReduction = { method: 'pomt', layers: [{ layer: 8, remove: 60 }, { layer: 2, remove: 37 }] };
    expect(tokensAfterLayers(multi, vitB)).toEqual([197, 197, 160, 160, 160, 160, 160, 160, 100, 100, 100, 100]);
    expect(tokensAfterLayers({ method: 'pomt', layers: [] }, vitB)).toEqual(new Array(12).fill(197));
  });

  it('POMT may leave CLS, one patch token and the fused token, no fewer', () => {
    expect(tokensAfterLayers({ method: 'pomt', layers: [{ layer: 0, remove: 194 }] }, vitB)[11]).toBe(3);
    expect(userErrorCode(() => tokensAfterLayers({ method: 'pomt', layers: [{ layer: 0, remove: 195 }] }, vitB))).toBe(
      'prune-too-many-tokens',
    );
    const twoSteps: TokenReduction = { method: 'pomt', layers: [{ layer: 1, remove: 100 }, { layer: 5, remove: 95 }] };
    expect(() => tokensAfterLayers(twoSteps, vitB)).toThrow(/layer 5 cannot remove 95 of its 97 tokens.*at most 94/);
  });

  it('Top-K drops r in every layer', () => {
    expect(tokensAfterLayers({ method: 'topk', perLayer: 8 }, vitB)).toEqual([189, 181, 173, 165, 157, 149, 141, 133, 125, 117, 109, 101]);
    expect(tokensAfterLayers({ method: 'topk', perLayer: 16 }, vitB)[11]).toBe(5);
    const tooMany = thrownUserError(() => tokensAfterLayers({ method: 'topk', perLayer: 17 }, vitB));
    expect(tooMany.message).toMatch(/needs 204 patch tokens; there are 196/);
    expect(tooMany.fix).toMatch(/use r ≤ 16/);
  });

  it('ToMe merges min(r, half the patch tokens) per layer, as released', () => {
    expect(tokensAfterLayers({ method: 'tome', perLayer: 16 }, vitB)).toEqual([181, 165, 149, 133, 117, 101, 85, 69, 53, 37, 21, 11]);
    expect(removalsPerLayer({ method: 'tome', perLayer: 98 }, vitB)).toEqual([98, 49, 24, 12, 6, 3, 2, 1, 0, 0, 0, 0]);
    expect(tokensAfterLayers({ method: 'tome', perLayer: 98 }, vitB)[11]).toBe(2);
    const tooMany = thrownUserError(() => tokensAfterLayers({ method: 'tome', perLayer: 99 }, vitB));
    expect(tooMany.code).toBe('prune-too-many-tokens');
    expect(tooMany.fix).toMatch(/use r ≤ 98/);
    expect(tokensAfterLayers({ method: 'tome', perLayer: 0 }, vitB)).toEqual(new Array(12).fill(197));
  });

  it('says which tokens each half of a layer runs at: the reduction sits between attention and MLP', () => {
    expect(layerTokenCounts({ method: 'pomt', layers: [{ layer: 1, remove: 7 }] }, { depth: 3, inputTokens: 50 })).toEqual([
      { attentionTokens: 50, mlpTokens: 50 },
      { attentionTokens: 50, mlpTokens: 43 },
      { attentionTokens: 43, mlpTokens: 43 },
    ]);
  });

  it('refuses impossible or ambiguous requests with a UserError naming the problem', () => {
    const cases: [TokenReduction, string][] = [
      [{ method: 'pomt', layers: [{ layer: 12, remove: 5 }] }, 'prune-layer-out-of-range'],
      [{ method: 'pomt', layers: [{ layer: -1, remove: 5 }] }, 'prune-layer-out-of-range'],
      [{ method: 'pomt', layers: [{ layer: 3, remove: 5 }, { layer: 3, remove: 1 }] }, 'prune-layer-repeated'],
      [{ method: 'pomt', layers: [{ layer: 3, remove: 2.5 }] }, 'prune-remove-invalid'],
      [{ method: 'pomt', layers: [{ layer: 3, remove: -1 }] }, 'prune-remove-invalid'],
      [{ method: 'pomt' }, 'prune-schedule-missing'],
      [{ method: 'pomt', layers: [], perLayer: 3 }, 'prune-option-mismatch'],
      [{ method: 'topk', perLayer: 3, layers: [] }, 'prune-option-mismatch'],
      [{ method: 'topk' }, 'prune-per-layer-invalid'],
      [{ method: 'tome', perLayer: -2 }, 'prune-per-layer-invalid'],
      [{ method: 'evit' as never, perLayer: 2 }, 'prune-method-unknown'],
    ];
    for (const [reduction, code] of cases) expect(userErrorCode(() => tokensAfterLayers(reduction, vitB))).toBe(code);
    expect(userErrorCode(() => tokensAfterLayers({ method: 'topk', perLayer: 0 }, { depth: 12, inputTokens: 1 }))).toBe(
      'prune-input-tokens-invalid',
    );
    expect(() => tokensAfterLayers({ method: 'pomt', layers: [{ layer: 12, remove: 5 }] }, vitB)).toThrow(
      /layer 12 does not exist: the model has layers 0 to 11/,
    );
  });
});
