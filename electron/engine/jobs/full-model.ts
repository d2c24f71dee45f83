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
  overheadMs: number;
  checks: { tokens: number; blockMs: number; measuredMs: number; predictedMs: number; errorPct: number }[];
  medianAbsErrorPct: number;
  predicted: { tokens: number; predictedMs: number }[];
}

export function validationCounts(from: number, to: number): number[] {
  return [...new Set([from, Math.round((from + to) / 2), to])];
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
  const rows = [...measured.entries()].map(([tokens, entry]) => ({
    tokens,
    blockMs: median(entry.block),
    measuredMs: median(entry.encoder),
  }));
  const overheads = rows.map((row) => row.measuredMs - depth * row.blockMs);
  const overheadMs = median(overheads);
  // Leave one out: a count's own overhead must not be used to predict it.
  const checks = rows.map((row, index) => {
    const others = overheads.filter((_, other) => other !== index);
    const predictedMs = depth * row.blockMs + (others.length > 0 ? median(others) : overheadMs);
    return { ...row, predictedMs, errorPct: (100 * (predictedMs - row.measuredMs)) / row.measuredMs };
  });
  return {
    depth,
    overheadMs,
    checks,
    medianAbsErrorPct: median(checks.map((check) => Math.abs(check.errorPct))),
    predicted: points.map((point) => ({ tokens: point.tokens, predictedMs: depth * point.medianMs + overheadMs })),
  };
}
