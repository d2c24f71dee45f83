import { describe, expect, it } from 'vitest';
import { resolveModel } from '../../../../electron/engine/models/architectures.js';
import { resolveVittm, vittmParameterCount } from '../../../../electron/engine/models/vittm/architectures.js';
import { imageVitMacs, linearAttentionMacs, vittmMacs } from '../../../../electron/engine/models/vittm/macs.js';

const giga = (macs: number): string => (macs / 1e9).toFixed(2);
const mega = (count: number): string => (count / 1e6).toFixed(1);

describe('MACs against the digest (research/vittm.md §2, §6)', () => {
  it('ViTTM-B costs 7.11 G (16/32) and 7.14 G (28/28); ViT-B/16 from the image 17.56 G', () => {
    const b1632 = vittmMacs(resolveVittm('vittm-b', { patchSetting: '16/32' }));
    const b2828 = vittmMacs(resolveVittm('vittm-b', { patchSetting: '28/28' }));
    const vitB = imageVitMacs(resolveModel('vit-b16'));
    expect(giga(b1632.total)).toBe('7.11');
    expect(giga(b2828.total)).toBe('7.14');
    expect(giga(vitB.total)).toBe('17.56');
    expect((vitB.total / b1632.total).toFixed(2)).toBe('2.47');
    // The digest rounds both settings to 2.47×; 28/28 is 2.4595…, still the abstract's "2.4× fewer".
    expect((vitB.total / b2828.total).toFixed(2)).toBe('2.46');
  });

  it('reproduces the worked example for ViTTM-B at 16/32', () => {
    const arch = resolveVittm('vittm-b');
    const macs = vittmMacs(arch);
    expect(mega(macs.patchEmbeddings)).toBe('231.2');
    expect(mega((macs.blockProjections + macs.blockAttention) / arch.depth)).toBe('350.5');
    expect(mega(macs.readWriteHeads / arch.depth)).toBe('222.8');
    expect(macs.tokenPooling).toBe(0);
    expect(macs.classifiers).toBe(2 * 768 * 1000);
  });

  it('ViTTM-S costs 1.87 G at both settings, and the other ViT baselines match', () => {
    expect(giga(vittmMacs(resolveVittm('vittm-s', { patchSetting: '16/32' })).total)).toBe('1.87');
    expect(giga(vittmMacs(resolveVittm('vittm-s', { patchSetting: '28/28' })).total)).toBe('1.87');
    expect(giga(imageVitMacs(resolveModel('vit-s16')).total)).toBe('4.60');
  });

  it('counts the parameters the digest derives: B 111.0 M / 111.6 M, S 29.0 M / 29.3 M', () => {
    const params = (id: string, patchSetting: '16/32' | '28/28') => mega(vittmParameterCount(resolveVittm(id, { patchSetting })));
    expect([params('vittm-b', '16/32'), params('vittm-b', '28/28')]).toEqual(['111.0', '111.6']);
    expect([params('vittm-s', '16/32'), params('vittm-s', '28/28')]).toEqual(['29.0', '29.3']);
  });

  it('a patch embedding costs 3·width·imageSize² whatever the patch size', () => {
    const at = (memoryPatchSize: number) => vittmMacs(resolveVittm('vittm-b', { memoryPatchSize })).patchEmbeddings;
    expect(new Set([8, 14, 16, 28, 32, 56].map(at)).size).toBe(1);
    expect(at(16)).toBe(2 * 3 * 768 * 224 * 224);
  });
});

describe('how MACs scale with tokens', () => {
  const base = resolveVittm('vittm-b');
  const { width, depth, heads, latentWidth } = base;

  it('memory tokens cost linearly, in the read/write heads only, about 1/9 of a process token', () => {
    const counts = [49, 64, 196, 256, 784];
    const patchFor = (tokens: number) => 224 / Math.sqrt(tokens);
    const macs = counts.map((memoryTokens) => vittmMacs(resolveVittm('vittm-b', { memoryPatchSize: patchFor(memoryTokens) })));
    const perMemoryToken = depth * (width * width + 2 * width * latentWidth * (1 + 1 / heads) + latentWidth);
    for (let i = 1; i < counts.length; i++) {
      expect(macs[i].total - macs[0].total).toBe((counts[i] - counts[0]) * perMemoryToken);
      expect(macs[i].blockAttention).toBe(macs[0].blockAttention);
      expect(macs[i].blockProjections).toBe(macs[0].blockProjections);
    }
    expect(mega(perMemoryToken)).toBe('10.9');
    const totalAt = (processTokens: number) => vittmMacs(resolveVittm('vittm-b', { processTokens })).total;
    const perProcessToken = totalAt(51) - totalAt(50);
    expect(perProcessToken / perMemoryToken).toBeGreaterThan(8.5);
    expect(perProcessToken / perMemoryToken).toBeLessThan(9.5);
  });

  it('process tokens cost quadratically in block attention and linearly everywhere else', () => {
    const counts = [16, 25, 36, 49, 64, 100, 196];
    const macs = counts.map((processTokens) => vittmMacs(resolveVittm('vittm-b', { processTokens })));
    counts.forEach((tokens, i) => {
      expect(macs[i].blockAttention).toBe(depth * 2 * width * tokens * tokens);
      expect(macs[i].blockProjections).toBe(depth * 12 * width * width * tokens);
      expect(macs[i].readWriteHeads).toBe(depth * (linearAttentionMacs(base, 196, tokens) + linearAttentionMacs(base, tokens, 196)));
    });
    // doubling process tokens quadruples the attention term and doubles the rest
    const [at49, at98] = [49, 98].map((processTokens) => vittmMacs(resolveVittm('vittm-b', { processTokens })));
    expect(at98.blockAttention).toBe(4 * at49.blockAttention);
    expect(at98.blockProjections).toBe(2 * at49.blockProjections);
    // second differences: zero for the linear terms, constant 2·depth·2·width for attention at unit steps
    const third = [63, 64, 65].map((processTokens) => vittmMacs(resolveVittm('vittm-b', { processTokens })));
    const second = (pick: (m: (typeof third)[number]) => number) => pick(third[2]) - 2 * pick(third[1]) + pick(third[0]);
    expect(second((m) => m.blockAttention)).toBe(2 * depth * 2 * width);
    expect(second((m) => m.blockProjections)).toBe(0);
    expect(second((m) => m.readWriteHeads)).toBe(0);
    // at N_p ≤ 64 the quadratic term is about 1 % of the block cost
    expect(at49.blockAttention / (at49.blockAttention + at49.blockProjections)).toBeLessThan(0.011);
  });

  it('pooling a patch grid to a count costs one accumulate per grid value', () => {
    const pooled = vittmMacs(resolveVittm('vittm-b', { memoryTokens: 100, processTokens: 40 }));
    expect(pooled.tokenPooling).toBe((196 + 49) * width);
    expect(vittmMacs(resolveVittm('vittm-b', { memoryTokens: 100 })).tokenPooling).toBe(196 * width);
  });

  it('scales every term with the batch', () => {
    const one = vittmMacs(base);
    const four = vittmMacs(base, 4);
    for (const key of Object.keys(one) as (keyof typeof one)[]) expect(four[key]).toBe(4 * one[key]);
    expect(imageVitMacs(resolveModel('vit-b16'), 3).total).toBe(3 * imageVitMacs(resolveModel('vit-b16')).total);
    expect(() => vittmMacs(base, 0)).toThrow(RangeError);
  });
});
