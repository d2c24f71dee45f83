import type { TimingBackend } from '../measure/backend.js';
import type { StoppingRule } from '../measure/stopping-rule.js';
import { measureVisit, type Visit } from '../measure/visit.js';
import type { ProfilePoint } from '../contracts/profile.js';
import { median } from '../util/stats.js';

/**
 * The fast sweep times one block, because every block of a ViT is the same computation; the whole
 * encoder is then predicted as depth × block + a fixed overhead (final norm, head, graph entry).
 * This checks that prediction against the real encoder at a few counts, each measured back to back
 * with the block so that machine drift cannot pass for model error.
 */
export interface FullModelValidation {
  depth: number;
  /**
   * whole model ≈ blockScale × block + overheadMs. Ideally blockScale = depth; on CPUs a block runs
   * differently inside the whole model (its weights no longer sit in cache, the per-call cost is paid
   * once), so the scale is fitted when that predicts the held-out counts better.
   */
  blockScale: number;
  overheadMs: number;
  fit: 'depth' | 'fitted-scale';
  checks: { tokens: number; blockMs: number; measuredMs: number; predictedMs: number; errorPct: number }[];
  medianAbsErrorPct: number;
  /** the same held-out error for the plain depth × block + overhead model, for comparison */
  depthModelMedianAbsErrorPct: number;
  predicted: { tokens: number; predictedMs: number }[];
}

export function validationCounts(from: number, to: number): number[] {
  return [...new Set([0, 0.25, 0.5, 0.75, 1].map((fraction) => Math.round(from + fraction * (to - from))))];
}

export async function validateFullModel(options: {
  block: TimingBackend;
  encoder: TimingBackend;
  depth: number;
  counts: number[];
  rounds: number;
  rule: StoppingRule;
  points: readonly ProfilePoint[];
  signal?: AbortSignal;
  onVisit?: (workload: 'block' | 'encoder', visit: Visit) => void;
  onProgress?: (done: number, total: number, tokens: number) => void;
}): Promise<FullModelValidation | undefined> {
  const measured = new Map<number, { block: number[]; encoder: number[] }>();
  const total = options.counts.length * options.rounds;
  let done = 0;
  for (let round = 0; round < options.rounds; round++) {
    for (const tokens of options.counts) {
      if (options.signal?.aborted) return undefined;
      // Alternate which goes first so that warming one does not systematically favour the other.
      const order: ('block' | 'encoder')[] = round % 2 === 0 ? ['block', 'encoder'] : ['encoder', 'block'];
      const entry = measured.get(tokens) ?? { block: [], encoder: [] };
      for (const workload of order) {
        const backend = workload === 'block' ? options.block : options.encoder;
        const visit = await measureVisit(
          backend,
          { tokens, pass: round, phase: 'validate', isReference: false, firstVisit: round === 0 },
          options.rule,
          options.signal,
        );
        if (visit.timesMs.length === 0) return undefined;
        options.onVisit?.(workload, visit);
        entry[workload].push(median(visit.timesMs));
      }
      measured.set(tokens, entry);
      options.onProgress?.(++done, total, tokens);
    }
  }
  return summarizeValidation(options.depth, measured, options.points);
}

export function summarizeValidation(
  depth: number,
  measured: Map<number, { block: number[]; encoder: number[] }>,
  points: readonly ProfilePoint[],
): FullModelValidation {
  const rows = [...measured.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tokens, entry]) => ({ tokens, blockMs: median(entry.block), measuredMs: median(entry.encoder) }));
  const depthModel = heldOut(rows, (train) => ({ scale: depth, overheadMs: median(train.map((row) => row.measuredMs - depth * row.blockMs)) }));
  const scaledModel = heldOut(rows, fitLine);
  const fitted = rows.length >= 3 ? fitLine(rows) : undefined;
  // A fitted scale far from the depth is not a block cost any more but a symptom (e.g. per-call
  // overhead dominating); keep the physical model then and let its error speak.
  const plausible = fitted !== undefined && fitted.scale >= depth / 4 && fitted.scale <= depth * 4;
  const useScaled = plausible && scaledModel.medianAbsErrorPct < depthModel.medianAbsErrorPct;
  const chosen = useScaled ? scaledModel : depthModel;
  const full = useScaled && fitted ? fitted : { scale: depth, overheadMs: median(rows.map((row) => row.measuredMs - depth * row.blockMs)) };
  return {
    depth,
    blockScale: full.scale,
    overheadMs: full.overheadMs,
    fit: useScaled ? 'fitted-scale' : 'depth',
    checks: chosen.checks,
    medianAbsErrorPct: chosen.medianAbsErrorPct,
    depthModelMedianAbsErrorPct: depthModel.medianAbsErrorPct,
    predicted: points.map((point) => ({ tokens: point.tokens, predictedMs: full.scale * point.medianMs + full.overheadMs })),
  };
}

type Row = { tokens: number; blockMs: number; measuredMs: number };
type Model = { scale: number; overheadMs: number };

/** Leave one out: a count's own timing must not be used to predict it. */
function heldOut(rows: readonly Row[], fit: (train: Row[]) => Model) {
  const checks = rows.map((row, index) => {
    const train = rows.filter((_, other) => other !== index);
    const model = fit(train.length > 0 ? train : [row]);
    const predictedMs = model.scale * row.blockMs + model.overheadMs;
    return { ...row, predictedMs, errorPct: (100 * (predictedMs - row.measuredMs)) / row.measuredMs };
  });
  return { checks, medianAbsErrorPct: median(checks.map((check) => Math.abs(check.errorPct))) };
}

/** Least-squares line through (blockMs, measuredMs). */
export function fitLine(rows: readonly Row[]): Model {
  const n = rows.length;
  const meanX = rows.reduce((sum, row) => sum + row.blockMs, 0) / n;
  const meanY = rows.reduce((sum, row) => sum + row.measuredMs, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const row of rows) {
    covariance += (row.blockMs - meanX) * (row.measuredMs - meanY);
    variance += (row.blockMs - meanX) ** 2;
  }
  const scale = variance > 0 ? covariance / variance : meanY / Math.max(meanX, 1e-9);
  return { scale, overheadMs: meanY - scale * meanX };
}
