import { runSweepJob, type SweepJobOptions } from '../jobs/sweep-job.js';
import { median } from '../util/stats.js';

export interface RepeatabilityFigures {
  model: string;
  ep: string;
  firstWallS: number;
  secondWallS: number;
  commonCounts: number;
  /** median over common counts of |r1/r2 − 1| where r = latency / same-pass reference latency, in % (target ≤ 3) */
  medianAbsShapeDifferencePct: number;
  maxAbsShapeDifferencePct: number;
  /** the same comparison on raw medians, for contrast: what drift does without the reference */
  medianAbsRawDifferencePct: number;
  referenceDriftPct: [number, number];
  meetsTarget: boolean;
}

/** Two default sweeps back to back on the real provider: do they agree in shape? */
export async function benchRepeatability(options: Pick<SweepJobOptions, 'model' | 'ep' | 'onProgress'>): Promise<RepeatabilityFigures> {
  const sweepOnce = () => runSweepJob({ ...options, validate: false });
  const first = await sweepOnce();
  const second = await sweepOnce();
  const secondByTokens = new Map(second.profile.points.map((point) => [point.tokens, point]));
  const shape: number[] = [];
  const raw: number[] = [];
  for (const point of first.profile.points) {
    const other = secondByTokens.get(point.tokens);
    if (!other || point.relativeToReference === undefined || other.relativeToReference === undefined) continue;
    shape.push(100 * Math.abs(point.relativeToReference / other.relativeToReference - 1));
    raw.push(100 * Math.abs(point.medianMs / other.medianMs - 1));
  }
  const medianShape = median(shape);
  return {
    model: options.model,
    ep: first.profile.ep,
    firstWallS: (first.profile.sweep.wallMs) / 1000,
    secondWallS: (second.profile.sweep.wallMs) / 1000,
    commonCounts: shape.length,
    medianAbsShapeDifferencePct: medianShape,
    maxAbsShapeDifferencePct: Math.max(...shape),
    medianAbsRawDifferencePct: median(raw),
    referenceDriftPct: [first.profile.reference.driftPct, second.profile.reference.driftPct],
    meetsTarget: medianShape <= 3,
  };
}
