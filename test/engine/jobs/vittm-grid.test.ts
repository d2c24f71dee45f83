import { describe, expect, it } from 'vitest';
import { resolveVittm } from '../../../electron/engine/models/vittm/architectures.js';
import { vittmMacs } from '../../../electron/engine/models/vittm/macs.js';
import { planGrid, runVittmGrid, VITTM_GRID_SCHEMA } from '../../../electron/engine/jobs/vittm/grid.js';
import { parseTokenList } from '../../../electron/engine/jobs/vittm/token-lists.js';

describe('ViTTM memory × process grid (real onnxruntime)', () => {
  it('measures every cell against the reference and reads each memory row as a staircase', async () => {
    const processTokens = [8, 16, 24, 32, 49];
    const memoryTokens = [49, 196];
    const { document, rawTimingsCsv } = await runVittmGrid({
      ep: 'cpu',
      selection: { ep: 'cpu', notes: [], statuses: [] },
      intraOpThreads: 1,
      // all ten cells stay built: this test checks the grid, not the eviction
      maxSessions: 16,
      vittm: 'vittm-ti',
      processTokens,
      memoryTokens,
      passes: 1,
      seed: 2,
      rule: { warmupIterations: 1, minIterations: 3, minTimeMs: 0, maxTimeMs: 1 },
    });
    expect(document).toMatchObject({ schema: VITTM_GRID_SCHEMA, complete: true, ep: 'cpu', batch: 1, memoryTokens, processTokens });
    expect(document.model).toMatchObject({ id: 'vittm-ti', family: 'vittm', patchSetting: '16/32' });
    expect(document.device).toHaveProperty('cores');

    // rows follow memory counts, columns process counts
    expect(document.grid.medianMs).toHaveLength(2);
    for (const row of document.grid.medianMs) {
      expect(row).toHaveLength(5);
      for (const value of row) expect(value).toBeGreaterThan(0);
    }
    expect(document.grid.macs[1][4]).toBe(vittmMacs(resolveVittm('vittm-ti', { memoryTokens: 196, processTokens: 49 })).total);
    expect(document.points).toHaveLength(10);
    for (const point of document.points) {
      expect(point.macs).toBe(vittmMacs(resolveVittm('vittm-ti', { memoryTokens: point.memoryTokens, processTokens: point.processTokens })).total);
      expect(point.p10Ms).toBeLessThanOrEqual(point.p90Ms);
      expect(point.samples).toBeGreaterThanOrEqual(3);
    }
    // 24 process tokens are not a patch grid: the 32-pixel grid (49 tokens) is pooled
    expect(document.points.find((point) => point.processTokens === 24)?.processPatchSize).toBe(32);

    // the published layout (196 memory + 49 process) is a cell here, and it is the reference
    expect(document.reference).toMatchObject({ memoryTokens: 196, processTokens: 49 });
    expect(document.reference.medianMs).toBe(document.grid.medianMs[1][4]);
    expect(document.points.find((point) => point.memoryTokens === 196 && point.processTokens === 49)?.relativeToReference).toBeCloseTo(1, 12);

    expect(document.rows.map((row) => row.memoryTokens)).toEqual(memoryTokens);
    for (const row of document.rows) {
      expect(row.points.map((point) => point.tokens)).toEqual(processTokens);
      expect(Array.isArray(row.steps)).toBe(true);
      expect(row.regime).toMatch(/staircase|flat|linear|ramp|noisy/);
      expect(row.summary.length).toBeGreaterThan(10);
    }
    expect(document.steps).toEqual(document.rows.flatMap((row) => row.steps.map((step) => ({ memoryTokens: row.memoryTokens, ...step }))));
    expect(rawTimingsCsv.split('\n')[1]).toMatch(/^(reference-)?m\d+-p\d+,survey,/);
  });
});

describe('grid plans and token lists', () => {
  it('adds the reference model when no cell has its layout', () => {
    const plan = planGrid({ vittm: 'vittm-s', processTokens: [16, 64], memoryTokens: [100] });
    expect(plan.cells).toHaveLength(2);
    expect(plan.workloads).toHaveLength(3);
    expect(plan.referenceIndex).toBe(2);
    expect(plan.workloads[2].arch).toMatchObject({ memoryTokens: 196, processTokens: 49 });
    const square = planGrid({ vittm: 'vittm-s', patchSetting: '28/28', processTokens: [64], memoryTokens: [64] });
    expect(square.workloads).toHaveLength(1);
    expect(square.referenceIndex).toBe(0);
  });

  it('parses counts, ranges and strided ranges', () => {
    expect(parseTokenList('16:64:8', 'process')).toEqual([16, 24, 32, 40, 48, 56, 64]);
    expect(parseTokenList('196, 49,100,49', 'memory')).toEqual([49, 100, 196]);
    expect(parseTokenList('1:3,10:20:7', 'process')).toEqual([1, 2, 3, 10, 17]);
    expect(() => parseTokenList('16:x', 'process')).toThrow(expect.objectContaining({ code: 'bad-token-list', message: expect.stringMatching(/--process 16:x/) }));
    expect(() => parseTokenList('64:16', 'process')).toThrow(/empty/);
    expect(() => parseTokenList('0:4', 'memory')).toThrow(/below 1/);
  });

  it('an impossible token count is a UserError before anything runs', () => {
    expect(() => planGrid({ vittm: 'vittm-ti', processTokens: [60_000], memoryTokens: [49] })).toThrow(expect.objectContaining({ code: 'bad-token-count' }));
    expect(() => planGrid({ vittm: 'vittm-ti', processTokens: Array.from({ length: 300 }, (_, i) => i + 1), memoryTokens: [49] })).toThrow(/more than 256/);
  });
});
