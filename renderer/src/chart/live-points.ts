import type { ChartPoint } from './staircase-data';

export interface LiveVisit {
  tokens: number;
  phase: 'survey' | 'refine' | 'validate';
  medianMs: number;
  samples: number;
}

/**
 * Points to draw while a sweep runs, from its visits as they arrive. A count visited in several
 * passes shows the median of its visits, with the band spanning them; the finished profile
 * (drift-normalised, with real p10/p90) replaces all of this. Validation visits time the whole
 * model, a different workload, so they are left off the block's curve.
 */
export class LivePoints {
  private readonly visits = new Map<number, { medians: number[]; samples: number }>();

  add(visit: LiveVisit): ChartPoint | undefined {
    if (visit.phase === 'validate') return undefined;
    const entry = this.visits.get(visit.tokens) ?? { medians: [], samples: 0 };
    entry.medians.push(visit.medianMs);
    entry.samples += visit.samples;
    this.visits.set(visit.tokens, entry);
    const sorted = [...entry.medians].sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    const medianMs = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    return { tokens: visit.tokens, medianMs, p10Ms: sorted[0], p90Ms: sorted[sorted.length - 1], samples: entry.samples };
  }
}
