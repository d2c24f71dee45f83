import { describe, expect, it } from 'vitest';
import { vittmCompareDocumentSchema, vittmGridDocumentSchema } from '../../electron/api/documents';
import { gridView, ratioRows, ratioScale } from '../../renderer/src/vittm/vittm-view';

const spread = (median: number, q25: number, q75: number) => ({ median, q25, q75, iqr: q75 - q25, min: q25, max: q75, rounds: 5 });
const model = (key: string, role: string, medianMs: number | null) => ({ key, label: key, role, input: 'image', macs: 1e9, medianMs, p10Ms: medianMs, p90Ms: medianMs, samples: 10 });

describe('ViTTM comparison', () => {
  const document = vittmCompareDocumentSchema.parse({
    schema: 'edgetune/vittm-compare@1',
    createdAt: 'x',
    complete: true,
    ep: 'cpu',
    batch: 1,
    patchSetting: '16/32',
    models: [model('vittm-b', 'vittm', 62), model('vit-b16', 'vit', 100), model('vit-b16@82', 'pruned-vit', 45)],
    pairs: [
      {
        vittm: 'vittm-b',
        vit: 'vit-b16',
        prunedVit: 'vit-b16@82',
        vittmOverVit: { numerator: 'vittm-b', denominator: 'vit-b16', latencyRatio: spread(0.62, 0.55, 0.73), macRatio: 0.405 },
        vittmOverPrunedVit: { numerator: 'vittm-b', denominator: 'vit-b16@82', latencyRatio: spread(1.38, 1.3, 1.45), macRatio: 1.0 },
        prunedVitOverVit: { numerator: 'vit-b16@82', denominator: 'vit-b16', latencyRatio: null, macRatio: 0.41 },
      },
    ],
    rounds: { planned: 5, done: 5, seed: 1 },
    notes: [],
  });

  it('puts each latency ratio beside its MAC ratio and says how they compare', () => {
    const rows = ratioRows(document);
    expect(rows.map((row) => [row.label, row.latency?.median ?? null, row.macRatio, row.reading])).toEqual([
      ['vittm-b / vit-b16', 0.62, 0.405, 'time saving smaller than the MAC saving'],
      ['vittm-b / vit-b16@82', 1.38, 1.0, 'time saving smaller than the MAC saving'],
      ['vit-b16@82 / vit-b16', null, 0.41, 'not measured in the same round'],
    ]);
    // Bars share one scale: the largest upper quartile or MAC ratio, never below 1.
    expect(ratioScale(rows)).toBe(1.45);
    expect(ratioScale(rows.slice(0, 1))).toBe(1);
  });
});

describe('ViTTM grid', () => {
  const document = vittmGridDocumentSchema.parse({
    schema: 'edgetune/vittm-grid@1',
    createdAt: 'x',
    complete: false,
    ep: 'cpu',
    model: { id: 'vittm-s' },
    batch: 1,
    memoryTokens: [49, 196],
    processTokens: [16, 24, 32],
    grid: {
      medianMs: [
        [2, 2.1, 3],
        [4, null, 6],
      ],
      macs: [
        [1, 2, 3],
        [4, 5, 6],
      ],
    },
    rows: [
      { memoryTokens: 49, points: [], steps: [{ tokens: 32, beforeMs: 2.1, afterMs: 3, jumpPct: 42.9, confidence: 0.9 }], plateaus: [], regime: 'staircase', summary: 'one step' },
      { memoryTokens: 196, points: [], steps: [], plateaus: [], regime: 'too-few-points', summary: 'too few' },
    ],
    steps: [{ tokens: 32, beforeMs: 2.1, afterMs: 3, jumpPct: 42.9, confidence: 0.9, memoryTokens: 49 }],
    reference: { memoryTokens: 196, processTokens: 49, medianMs: 5, driftPct: 1 },
    notes: [],
  });

  it('shades every measured cell between the grid\'s fastest and slowest, and marks where each row steps up', () => {
    const view = gridView(document);
    expect(view).toMatchObject({ processTokens: [16, 24, 32], minMs: 2, maxMs: 6, stepCount: 1 });
    expect(view.rows[0].cells.map((cell) => Number(cell.shade!.toFixed(6)))).toEqual([0, 0.025, 0.25]);
    expect(view.rows[0].cells.map((cell) => cell.step)).toEqual([null, null, { jumpPct: 42.9, confidence: 0.9 }]);
    expect(view.rows[1].cells.map((cell) => [cell.medianMs, cell.shade])).toEqual([
      [4, 0.5],
      [null, null],
      [6, 1],
    ]);
    expect(view.rows[1]).toMatchObject({ memoryTokens: 196, regime: 'too-few-points' });
  });
});
