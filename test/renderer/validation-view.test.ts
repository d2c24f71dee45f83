import { describe, expect, it } from 'vitest';
import { validationDocumentSchema, type ValidationDocument } from '../../electron/api/documents';
import { speedupVerdict, validationHeadline, validationRows } from '../../renderer/src/validate/validation-view';

const variant = (key: string, method: string, medianMs: number | null, speedup: { median: number; q25: number; q75: number; rounds: number } | null, extra = {}) => ({
  key,
  label: key,
  method,
  tokensAfterLayer: [197, 197, 192],
  removedTokenLayers: method === 'none' ? 0 : 45,
  macs: 1_224_781_824,
  medianMs,
  p10Ms: medianMs === null ? null : medianMs - 1,
  p90Ms: medianMs === null ? null : medianMs + 2,
  samples: 11,
  speedup,
  ...extra,
});

/** As `edgetune validate` writes it, with a field the UI does not know (kept, ignored). */
const document: ValidationDocument = validationDocumentSchema.parse({
  schema: 'edgetune/validation@1',
  createdAt: '2026-11-26T00:00:00Z',
  complete: true,
  ep: 'cpu',
  batch: 1,
  model: { id: 'vit-ti16' },
  schedule: { method: 'pomt', baselineTokens: 197, keepTokens: 192, layers: [{ layer: 3, remove: 5 }], predictedSpeedup: 1.18 },
  matching: { by: 'token-layers', notes: [] },
  variants: [
    variant('baseline', 'none', 35, { median: 1, q25: 1, q75: 1, rounds: 3 }, { predictedMs: 17.9 }),
    variant('schedule', 'pomt', 33, { median: 1.061, q25: 1.04, q75: 1.08, rounds: 3 }, { predictedMs: 15.3, predictedSpeedup: 1.17, anchoredErrorPct: -4.25 }),
    variant('topk', 'topk', 36, { median: 0.97, q25: 0.95, q75: 1.01, rounds: 3 }),
    variant('tome', 'tome', null, null),
  ],
  prediction: { source: 'block', medianAbsErrorPct: 40, medianAbsAnchoredErrorPct: 4.2 },
  verdict: ['schedule: ×1.061'],
  rounds: { planned: 3, done: 3, seed: 1 },
  notes: [],
  futureField: 1,
});

describe('validation table', () => {
  it('shows each variant against the baseline, as the CLI prints it', () => {
    const rows = validationRows(document);
    expect(rows.map((row) => [row.key, row.speedup, row.verdict])).toEqual([
      ['baseline', 'reference', 'reference'],
      ['schedule', '×1.061', 'faster'],
      ['topk', '×0.970', 'unclear'],
      ['tome', '–', 'not measured'],
    ]);
    expect(rows[1]).toMatchObject({ tokensOut: 192, gmacs: '1.22', medianMs: '33.0 ms', spreadMs: '32.00–35.00', speedupRounds: '1.040–1.080', predictedSpeedup: '×1.170', errorPct: '−4.3 %' });
    expect(rows[0]).toMatchObject({ predictedSpeedup: '', errorPct: '', speedupRounds: '' });
    expect(rows[3]).toMatchObject({ medianMs: '–', spreadMs: '–' });
  });

  it('calls a difference only when the middle half of the rounds is on one side of 1', () => {
    expect(speedupVerdict({ median: 0.9, q25: 0.85, q75: 0.95, rounds: 4 }, false)).toBe('slower');
    expect(speedupVerdict({ median: 1.1, q25: 0.99, q75: 1.2, rounds: 4 }, false)).toBe('unclear');
    // One round has no spread to judge by: its ratio decides.
    expect(speedupVerdict({ median: 1.1, q25: 1.1, q75: 1.1, rounds: 1 }, false)).toBe('faster');
  });

  it('heads the result with the schedule measured against predicted', () => {
    expect(validationHeadline(document)).toBe('vit-ti16 on cpu, 3 of 3 rounds: the schedule measured ×1.061 against the baseline (faster); its profile predicted ×1.170.');
  });
});
