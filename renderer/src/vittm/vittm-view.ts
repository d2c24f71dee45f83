/**
 * Shapes `edgetune vittm compare` and `vittm grid` documents for their views: latency ratios beside
 * MAC ratios, and the memory × process grid as shaded cells with the steps of each row marked.
 * Pure, so what the views say is tested.
 */
import type { ModelRatio, VittmCompareDocument, VittmGridDocument } from '../../../electron/api/documents';

export interface RatioRow {
  /** "vittm-b / vit-b16" */
  label: string;
  numerator: string;
  denominator: string;
  /** numerator's time / denominator's: median of the per-round ratios, null when no round measured both */
  latency: { median: number; q25: number; q75: number; rounds: number } | null;
  macRatio: number;
  /** in words: how the time saving compares with the MAC saving */
  reading: string;
}

function reading(ratio: ModelRatio): string {
  const latency = ratio.latencyRatio;
  if (!latency) return 'not measured in the same round';
  const gap = latency.median / ratio.macRatio;
  if (Math.abs(gap - 1) < 0.05) return 'time follows MACs';
  return gap > 1 ? 'time saving smaller than the MAC saving' : 'time saving larger than the MAC saving';
}

function ratioRow(ratio: ModelRatio): RatioRow {
  const latency = ratio.latencyRatio;
  return {
    label: `${ratio.numerator} / ${ratio.denominator}`,
    numerator: ratio.numerator,
    denominator: ratio.denominator,
    latency: latency ? { median: latency.median, q25: latency.q25, q75: latency.q75, rounds: latency.rounds } : null,
    macRatio: ratio.macRatio,
    reading: reading(ratio),
  };
}

/** Per pair: ViTTM / ViT first, then against the pruned ViT when the run timed one. */
export function ratioRows(document: VittmCompareDocument): RatioRow[] {
  return document.pairs.flatMap((pair) => [pair.vittmOverVit, pair.vittmOverPrunedVit, pair.prunedVitOverVit].filter((ratio) => ratio !== undefined).map(ratioRow));
}

/** The largest ratio any bar shows, so that latency and MAC bars share one scale (1 = as costly as the reference). */
export function ratioScale(rows: readonly RatioRow[]): number {
  return Math.max(1, ...rows.flatMap((row) => [row.macRatio, row.latency?.q75 ?? 0]));
}

export interface GridCell {
  processTokens: number;
  medianMs: number | null;
  /** 0 (fastest cell of the grid) to 1 (slowest); null when not measured */
  shade: number | null;
  /** this row steps up between the previous process count and this one */
  step: { jumpPct: number; confidence: number } | null;
}

export interface GridRowView {
  memoryTokens: number;
  cells: GridCell[];
  regime: string;
  summary: string;
}

export interface GridView {
  processTokens: number[];
  rows: GridRowView[];
  minMs: number | null;
  maxMs: number | null;
  stepCount: number;
}

export function gridView(document: VittmGridDocument): GridView {
  const values = document.grid.medianMs.flat().filter((value): value is number => value !== null && Number.isFinite(value));
  const minMs = values.length > 0 ? Math.min(...values) : null;
  const maxMs = values.length > 0 ? Math.max(...values) : null;
  const shade = (value: number | null) => {
    if (value === null || minMs === null || maxMs === null) return null;
    return maxMs > minMs ? (value - minMs) / (maxMs - minMs) : 0;
  };
  const rows = document.memoryTokens.map((memoryTokens, rowIndex) => {
    const row = document.rows.find((candidate) => candidate.memoryTokens === memoryTokens);
    const steps = new Map((row?.steps ?? []).map((step) => [step.tokens, step]));
    return {
      memoryTokens,
      regime: row?.regime ?? '',
      summary: row?.summary ?? '',
      cells: document.processTokens.map((processTokens, column) => {
        const medianMs = document.grid.medianMs[rowIndex]?.[column] ?? null;
        const step = steps.get(processTokens);
        return { processTokens, medianMs, shade: shade(medianMs), step: step ? { jumpPct: step.jumpPct, confidence: step.confidence } : null };
      }),
    };
  });
  return { processTokens: [...document.processTokens], rows, minMs, maxMs, stepCount: rows.reduce((count, row) => count + row.cells.filter((cell) => cell.step).length, 0) };
}
