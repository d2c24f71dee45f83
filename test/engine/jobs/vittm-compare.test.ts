import { describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../../../electron/engine/errors.js';
import { countMacs, resolveModel } from '../../../electron/engine/models/architectures.js';
import { resolveVittm } from '../../../electron/engine/models/vittm/architectures.js';
import { imageVitMacs, vittmMacs } from '../../../electron/engine/models/vittm/macs.js';
import {
  planComparison,
  runVittmCompare,
  tokensAtMacs,
  VITTM_COMPARE_SCHEMA,
  type VittmCompareOptions,
} from '../../../electron/engine/jobs/vittm/compare.js';
import type { ProviderSelection } from '../../../electron/engine/probe/select-provider.js';

const cpu: ProviderSelection = { ep: 'cpu', notes: [], statuses: [] };
/** A few iterations per visit: these tests check the job, not the machine. */
const quick: Partial<VittmCompareOptions> = {
  ep: 'cpu',
  selection: cpu,
  intraOpThreads: 1,
  rule: { warmupIterations: 1, minIterations: 3, minTimeMs: 0, maxTimeMs: 1 },
};

describe('ViTTM vs ViT comparison job (real onnxruntime)', () => {
  it('times ViTTM-Ti, ViT-Ti and ViT-Ti pruned to the process tokens in shuffled rounds, with ratios and MACs', async () => {
    const result = await runVittmCompare({ ...quick, ep: 'cpu', pairs: [{ vittm: 'vittm-ti' }], prunedTokens: 'process', rounds: 2, seed: 4 });
    const { document } = result;
    expect(document).toMatchObject({ schema: VITTM_COMPARE_SCHEMA, complete: true, ep: 'cpu', batch: 1, patchSetting: '16/32' });
    expect(document.models.map((model) => [model.key, model.role, model.input])).toEqual([
      ['vittm-ti', 'vittm', 'image'],
      ['vit-ti16', 'vit', 'image'],
      ['vit-ti16@49', 'pruned-vit', 'tokens'],
    ]);
    for (const model of document.models) {
      expect(model.medianMs).toBeGreaterThan(0);
      expect(model.p10Ms).toBeLessThanOrEqual(model.medianMs);
      expect(model.medianMs).toBeLessThanOrEqual(model.p90Ms);
      expect(model.samples).toBeGreaterThanOrEqual(2 * 3);
      expect(model.roundMediansMs).toHaveLength(2);
    }
    const [vittm, vit, pruned] = document.models;
    expect(vittm.macs).toBe(vittmMacs(resolveVittm('vittm-ti')).total);
    expect(vit.macs).toBe(imageVitMacs(resolveModel('vit-ti16')).total);
    expect(pruned.macs).toBe(countMacs(resolveModel('vit-ti16'), { part: 'encoder', tokens: 49, batch: 1 }));

    const [pair] = document.pairs;
    expect(pair).toMatchObject({ vittm: 'vittm-ti', vit: 'vit-ti16', prunedVit: 'vit-ti16@49' });
    expect(pair.vittmOverVit.macRatio).toBeCloseTo(vittm.macs / vit.macs, 12);
    expect(pair.vittmOverPrunedVit?.macRatio).toBeCloseTo(vittm.macs / pruned.macs, 12);
    expect(pair.prunedVitOverVit?.macRatio).toBeCloseTo(pruned.macs / vit.macs, 12);
    for (const ratio of [pair.vittmOverVit, pair.vittmOverPrunedVit, pair.prunedVitOverVit]) {
      const spread = ratio?.latencyRatio;
      expect(spread?.rounds).toBe(2);
      expect(Number.isFinite(spread?.median)).toBe(true);
      expect(spread!.median).toBeGreaterThan(0);
      expect(spread!.q25).toBeLessThanOrEqual(spread!.median);
      expect(spread!.median).toBeLessThanOrEqual(spread!.q75);
    }
    // Each round is a permutation of the models; the seed fixes the order.
    expect(document.rounds).toMatchObject({ planned: 2, done: 2, seed: 4 });
    for (const order of document.rounds.orders) expect([...order].sort()).toEqual(['vit-ti16', 'vit-ti16@49', 'vittm-ti']);
    expect(document.notes.some((note) => /vittm-ti takes .*× the time of vit-ti16/.test(note))).toBe(true);
    expect(document.notes.some((note) => /skips the patch embedding/.test(note))).toBe(true);

    const csv = result.rawTimingsCsv.trim().split('\n');
    expect(csv[0]).toBe('workload,phase,pass,is_reference,visit,visit_started_ms,iteration,ms');
    expect(csv.length - 1).toBe(document.models.reduce((sum, model) => sum + model.samples, 0));
  });

  it('keeps what was measured, marked incomplete, when cancelled part way', async () => {
    const controller = new AbortController();
    const result = await runVittmCompare({
      ...quick,
      ep: 'cpu',
      pairs: [{ vittm: 'vittm-ti' }],
      prunedTokens: 'none',
      rounds: 50,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.done >= 3) controller.abort();
      },
    });
    expect(result.failure).toBeUndefined();
    const { document } = result;
    expect(document.complete).toBe(false);
    expect(document.rounds.done).toBeLessThan(50);
    expect(document.models.some((model) => model.samples > 0)).toBe(true);
    expect(document.pairs[0].vittmOverVit.latencyRatio?.rounds ?? 0).toBeGreaterThanOrEqual(1);
    expect(document.notes.some((note) => /cancelled after \d+ of 50 rounds/.test(note))).toBe(true);
  });

  it('cancelled before anything was measured: nothing to save', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runVittmCompare({ ...quick, ep: 'cpu', pairs: [{ vittm: 'vittm-ti' }], prunedTokens: 'none', rounds: 1, signal: controller.signal })).rejects.toBeInstanceOf(
      CancelledError,
    );
  });
});

describe('planning a comparison', () => {
  it('pairs each ViTTM with its ViT by default and shares a model two pairs name', () => {
    const plan = planComparison({ pairs: [{ vittm: 'vittm-b' }, { vittm: 'vittm-s', vit: 'vit-b16' }], prunedTokens: 'none' });
    expect(plan.workloads.map((workload) => workload.key)).toEqual(['vittm-b', 'vit-b16', 'vittm-s']);
    expect(plan.pairs).toEqual([
      { vittm: 0, vit: 1 },
      { vittm: 2, vit: 1 },
    ]);
    expect(planComparison({}).workloads.map((workload) => workload.key)).toEqual(['vittm-b', 'vit-b16', `vit-b16@${tokensAtMacs('vit-b16', vittmMacs(resolveVittm('vittm-b')).total)}`]);
  });

  it('the MAC-matched keep count is the largest whose encoder MACs stay within the ViTTM', () => {
    const arch = resolveModel('vit-b16');
    const budget = vittmMacs(resolveVittm('vittm-b')).total;
    const tokens = tokensAtMacs('vit-b16', budget);
    expect(countMacs(arch, { part: 'encoder', tokens, batch: 1 })).toBeLessThanOrEqual(budget);
    expect(countMacs(arch, { part: 'encoder', tokens: tokens + 1, batch: 1 })).toBeGreaterThan(budget);
  });

  it('a bad id or keep count stops the job with the problem and the fix', () => {
    expect(() => planComparison({ pairs: [{ vittm: 'vittm-q' }] })).toThrow(expect.objectContaining({ code: 'unknown-model' }));
    expect(() => planComparison({ pairs: [{ vittm: 'vittm-b', vit: 'vit-q16' }] })).toThrow(/unknown model 'vit-q16'/);
    expect(() => planComparison({ pairs: [{ vittm: 'vittm-b' }], prunedTokens: 500 })).toThrow(UserError);
  });
});
