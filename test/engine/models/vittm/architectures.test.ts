import { describe, expect, it } from 'vitest';
import {
  isVittmModelId,
  listVittmModels,
  patchSizesFor,
  resolveVittm,
  tokenPoolingBins,
  vittmModelIds,
  vittmParameterCount,
} from '../../../../electron/engine/models/vittm/architectures.js';
import { vittmMacs } from '../../../../electron/engine/models/vittm/macs.js';

const userError = (code: string) => expect.objectContaining({ name: 'UserError', code });

describe('ViTTM architectures', () => {
  it('resolves vittm-ti/s/b/l with the 16/32 setting by default, case- and space-insensitively', () => {
    expect(vittmModelIds).toEqual(['vittm-ti', 'vittm-s', 'vittm-b', 'vittm-l']);
    const b = resolveVittm(' ViTTM-B ');
    expect(b).toEqual({
      id: 'vittm-b',
      family: 'vittm',
      depth: 12,
      width: 768,
      heads: 12,
      mlpRatio: 4,
      latentWidth: 192,
      imageSize: 224,
      classes: 1000,
      memoryPatchSize: 16,
      memoryTokens: 196,
      processPatchSize: 32,
      processTokens: 49,
    });
    expect(resolveVittm('vittm-l')).toMatchObject({ depth: 24, width: 1024, heads: 16, latentWidth: 256 });
    expect(resolveVittm('vittm-ti')).toMatchObject({ width: 192, heads: 3, latentWidth: 48 });
    expect(isVittmModelId('VITTM-S')).toBe(true);
    expect(isVittmModelId('vit-b16')).toBe(false);
  });

  it('takes the 28/28 setting, patch sizes per stream, or token counts', () => {
    expect(resolveVittm('vittm-b', { patchSetting: '28/28' })).toMatchObject({ memoryTokens: 64, processTokens: 64, memoryPatchSize: 28 });
    expect(resolveVittm('vittm-b', { patchSetting: '28/28', processPatchSize: 56 })).toMatchObject({ memoryTokens: 64, processTokens: 16 });
    // a count that is a patch grid picks that patch size, with nothing to pool
    expect(resolveVittm('vittm-s', { memoryTokens: 256, processTokens: 16 })).toMatchObject({
      memoryPatchSize: 14,
      memoryTokens: 256,
      processPatchSize: 56,
      processTokens: 16,
    });
    // any other count pools the smallest grid that holds it
    expect(resolveVittm('vittm-s', { memoryTokens: 150, processTokens: 50 })).toMatchObject({
      memoryPatchSize: 16,
      memoryTokens: 150,
      processPatchSize: 28,
      processTokens: 50,
    });
    expect(resolveVittm('vittm-s', { processPatchSize: 16, processTokens: 120 })).toMatchObject({ processPatchSize: 16, processTokens: 120 });
  });

  it('says what to do about ids, patch sizes and counts it cannot build', () => {
    expect(() => resolveVittm('vittm-xl')).toThrow(userError('unknown-model'));
    expect(() => resolveVittm('vittm-b', { memoryPatchSize: 15 })).toThrow(userError('bad-patch-size'));
    expect(() => resolveVittm('vittm-b', { memoryPatchSize: 15 })).toThrow(/does not divide the 224-pixel image/);
    expect(() => resolveVittm('vittm-b', { processTokens: 0 })).toThrow(userError('bad-token-count'));
    expect(() => resolveVittm('vittm-b', { processTokens: 2.5 })).toThrow(userError('bad-token-count'));
    expect(() => resolveVittm('vittm-b', { processPatchSize: 32, processTokens: 50 })).toThrow(userError('bad-token-count'));
    expect(() => resolveVittm('vittm-b', { patchSetting: '16/16' as never })).toThrow(userError('bad-patch-setting'));
    try {
      resolveVittm('vittm-b', { memoryPatchSize: 15 });
    } catch (error) {
      expect((error as { fix: string }).fix).toContain('14, 16, 28, 32');
    }
  });

  it('lists what a registry needs', () => {
    const listing = listVittmModels();
    expect(listing.map((row) => row.id)).toEqual(vittmModelIds);
    const b = listing.find((row) => row.id === 'vittm-b');
    const arch = resolveVittm('vittm-b');
    expect(b).toEqual({
      id: 'vittm-b',
      family: 'vittm',
      depth: 12,
      width: 768,
      heads: 12,
      memoryTokens: 196,
      processTokens: 49,
      params: vittmParameterCount(arch),
      macs: vittmMacs(arch).total,
    });
    expect(listVittmModels('28/28').every((row) => row.memoryTokens === 64 && row.processTokens === 64)).toBe(true);
  });

  it('pools with bins that cover every grid token, in order, each output at least one token wide', () => {
    expect(patchSizesFor(224)).toEqual([224, 112, 56, 32, 28, 16, 14, 8, 7, 4, 2, 1]);
    for (const [grid, tokens] of [[196, 100], [49, 36], [64, 47], [196, 196], [16, 1]]) {
      const bins = tokenPoolingBins(grid, tokens);
      expect(bins).toHaveLength(tokens);
      expect(bins[0].start).toBe(0);
      expect(bins[tokens - 1].end).toBe(grid);
      for (let i = 0; i < tokens; i++) {
        expect(bins[i].end).toBeGreaterThan(bins[i].start);
        if (i > 0) expect(bins[i].start).toBeGreaterThanOrEqual(bins[i - 1].start);
        if (i > 0) expect(bins[i].start).toBeLessThanOrEqual(bins[i - 1].end);
      }
    }
  });
});
