/**
 * Validation and model matching end to end in onnxruntime on the CPU. Two shared cores make every
 * timing noisy: these tests check structure and that the figures are finite and positive; how fast
 * pruned models really are belongs to the bench.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../../../electron/engine/errors.js';
import type { LoadedProfile } from '../../../electron/engine/jobs/load-profile.js';
import { runModelMatch } from '../../../electron/engine/jobs/validate/match-model.js';
import { runValidation, VALIDATION_SCHEMA } from '../../../electron/engine/jobs/validate/validate-schedule.js';
import type { Schedule } from '../../../electron/engine/contracts/schedule.js';
import type { ProviderSelection } from '../../../electron/engine/probe/select-provider.js';
import { timmVitFixtures } from '../../helpers/fixtures.js';

const cpu: ProviderSelection = { ep: 'cpu', notes: [], statuses: [] };
const quick = { minIterations: 3, maxIterations: 12, minTimeMs: 5, maxTimeMs: 150, warmupIterations: 1 };

const schedule: Schedule = {
  schema: 'edgetune/schedule@1',
  method: 'pomt',
  model: { id: 'vit-ti16', depth: 12, width: 192, mlpRatio: 4 },
  device: {},
  ep: 'cpu',
  baselineTokens: 197,
  keepTokens: 150,
  layers: [{ layer: 3, remove: 47 }],
  baselineMs: 10,
  predictedMs: 8.5,
  predictedSpeedup: 10 / 8.5,
  steps: [],
  accuracySource: 'none',
  alpha: 0.5,
  reason: 'hand-made for the test',
};

/** A block profile of vit-ti16 as a sweep writes it, latency growing with tokens. */
const profile: LoadedProfile = {
  source: 'test/profile.json',
  fromCsv: false,
  profile: {
    schema: 'edgetune/profile@1',
    complete: true,
    device: {},
    ep: 'cpu',
    model: { id: 'vit-ti16', part: 'block' },
    batch: 1,
    unit: 'block',
    depth: 12,
    points: Array.from({ length: 197 }, (_, i) => ({ tokens: i + 1, medianMs: 0.2 + 0.004 * (i + 1), p10Ms: 0, p90Ms: 0, iqrMs: 0, samples: 7 })),
    steps: [],
    plateaus: [],
  },
};

describe('runValidation', () => {
  it('times the baseline, the schedule, Top-K and ToMe in shuffled rounds, beside the profile\'s predictions', async () => {
    const notes: string[] = [];
    const { document, rawTimingsCsv } = await runValidation({
      schedule,
      scheduleSource: 'schedule.json',
      profile,
      ep: 'cpu',
      selection: cpu,
      rounds: 2,
      rule: quick,
      intraOpThreads: 1,
      onNote: (note) => notes.push(note),
    });
    expect(document.schema).toBe(VALIDATION_SCHEMA);
    expect(document.complete).toBe(true);
    expect(document.model).toMatchObject({ id: 'vit-ti16', depth: 12, tokens: 197 });
    expect(document.variants.map((variant) => variant.key)).toEqual(['baseline', 'schedule', 'topk', 'tome']);
    expect(document.variants[1].tokensAfterLayer.at(-1)).toBe(150);
    for (const variant of document.variants) {
      expect(variant.medianMs).toBeGreaterThan(0);
      expect(variant.p10Ms).toBeLessThanOrEqual(variant.medianMs as number);
      expect(variant.p90Ms).toBeGreaterThanOrEqual(variant.medianMs as number);
      expect(variant.samples).toBeGreaterThanOrEqual(2 * quick.minIterations);
      expect(variant.roundMediansMs).toHaveLength(2);
      expect(variant.speedup?.rounds).toBe(2);
      expect(Number.isFinite(variant.speedup?.median)).toBe(true);
      expect(variant.predictedMs).toBeGreaterThan(0);
    }
    for (const variant of document.variants.slice(1)) {
      expect(Number.isFinite(variant.anchoredErrorPct)).toBe(true);
      expect(Number.isFinite(variant.predictionErrorPct)).toBe(true);
      expect(variant.predictedSpeedup).toBeGreaterThan(1);
    }
    expect(Number.isFinite(document.prediction?.medianAbsAnchoredErrorPct)).toBe(true);
    // every round visits every variant once, each in its own order
    expect(document.rounds).toMatchObject({ planned: 2, done: 2 });
    for (const order of document.rounds.orders) expect([...order].sort()).toEqual(['baseline', 'schedule', 'tome', 'topk']);
    expect(document.verdict).toHaveLength(4);
    expect(document.verdict[0]).toMatch(/^schedule \(pomt: 47 at layer 3\): ×\d\.\d{3} \(rounds/);
    expect(notes.some((note) => note.startsWith('matched budget: Top-K: r = 5 per layer'))).toBe(true);
    expect(notes).toContain('prediction: the profile times one block with no whole-model fit: predictions leave out the head and per-run cost');
    const lines = rawTimingsCsv.trim().split('\n');
    expect(lines[0]).toBe('workload,phase,pass,tokens,is_reference,visit,visit_started_ms,iteration,ms');
    expect(new Set(lines.slice(1).map((line) => line.split(',')[0]))).toEqual(new Set(['baseline', 'schedule', 'topk', 'tome']));
  });

  it('keeps what was measured when cancelled, marked incomplete', async () => {
    const controller = new AbortController();
    const { document } = await runValidation({
      schedule,
      ep: 'cpu',
      selection: cpu,
      rounds: 50,
      rule: quick,
      intraOpThreads: 1,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.done >= 5) controller.abort();
      },
    });
    expect(document.complete).toBe(false);
    expect(document.rounds.done).toBeLessThan(50);
    expect(document.variants.filter((variant) => variant.samples > 0).length).toBeGreaterThan(0);
    expect(document.prediction).toBeNull();
    expect(document.notes.some((note) => /was cancelled after \d+ of 50 rounds/.test(note))).toBe(true);
  });

  it('has nothing to save when cancelled before the first visit', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runValidation({ schedule, ep: 'cpu', selection: cpu, rounds: 1, rule: quick, signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('runModelMatch', () => {
  it("times a real timm export beside its synthetic stand-in and reports the stand-in's error", async () => {
    const { document } = await runModelMatch({
      model: join(timmVitFixtures, 'vit_e96_d4_h3_torchscript.onnx'),
      ep: 'cpu',
      selection: cpu,
      rounds: 2,
      rule: quick,
      intraOpThreads: 1,
    });
    expect(document.schema).toBe('edgetune/match@1');
    expect(document.complete).toBe(true);
    expect(document.architecture).toMatchObject({ depth: 4, width: 96, heads: 3, mlpRatio: 4, patchSize: 16, tokens: 197, classes: 10 });
    expect(document.builtin).toBeNull();
    expect(document.measured.model?.medianMs).toBeGreaterThan(0);
    expect(document.measured.standIn?.medianMs).toBeGreaterThan(0);
    expect(document.standInOverModel?.rounds).toBe(2);
    expect(Number.isFinite(document.latencyErrorPct)).toBe(true);
    expect(document.verdict[0]).toMatch(/depth 4, width 96, 3 heads, MLP ratio 4, 16-pixel patches, 197 tokens; no built-in has this shape/);
    expect(document.verdict[1]).toMatch(/the synthetic stand-in takes \d\.\d{3}× your model's time/);
  });

  it('refuses a batch the export was not made for, saying how to export one', async () => {
    const run = runModelMatch({ model: join(timmVitFixtures, 'vit_e96_d4_h3_dynamo.onnx'), ep: 'cpu', selection: cpu, batch: 2 });
    await expect(run).rejects.toBeInstanceOf(UserError);
    await expect(run).rejects.toMatchObject({ code: 'batch-fixed' });
  });
});
