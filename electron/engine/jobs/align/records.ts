/**
 * What a run writes about each generation and each candidate: pure functions from the scores, the
 * search's report and the lineage to JSON-safe records (non-finite rewards become null, with the
 * event named).
 */
import type { CandidateLineage, GenerationReport, OriginOperator } from '../../align/index.js';

/** A reward value JSON can hold: NaN and ±Infinity become null (the events say which). */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export interface CandidateRecord {
  readonly index: number;
  readonly genomeHash: string;
  /** the PNG, relative to the run folder */
  readonly image: string;
  readonly reward: number | null;
  /** 0 when every constraint of the reward holds */
  readonly violation: number | null;
  readonly operator: OriginOperator;
  /** genome hashes of the candidates it was made from; empty when it has none (see lineageNote) */
  readonly parents: readonly string[];
  readonly cut?: number;
}

export interface InvalidRewardEvent {
  readonly kind: 'invalid-reward';
  readonly candidate: number;
  readonly genomeHash: string;
  /** 'NaN', 'Infinity' or '-Infinity', for the reward or its violation */
  readonly reward: string;
  readonly violation: string;
  readonly message: string;
}

export interface BestRecord {
  readonly generation: number;
  readonly candidate: number;
  readonly genomeHash: string;
  readonly reward: number;
  readonly violation: number;
  readonly image: string;
  /** genomes/<hash>.f32, relative to the run folder */
  readonly genome: string;
}

export interface GenerationTiming {
  /** the whole generation, ask to checkpoint */
  readonly wallMs: number;
  readonly pipelineMs: number;
  readonly rewardMs: number;
  /** ask, tell, lineage and genome hashes: the search's own work */
  readonly searchMs: number;
  /** PNGs, candidates.json, genome files, checkpoint and align.json */
  readonly filesMs: number;
}

export interface GenerationSummary {
  readonly generation: number;
  /** images generated and scored in this generation */
  readonly images: number;
  /** images since the run began (NFE) */
  readonly imagesTotal: number;
  /** this generation's best by the search's own order (constraints first); null if none was valid */
  readonly bestReward: number | null;
  readonly bestCandidate: number | null;
  readonly meanReward: number | null;
  readonly medianReward: number | null;
  /** the best candidate of the whole run so far */
  readonly bestSoFar: Omit<BestRecord, 'image' | 'genome'> | null;
  readonly improved: boolean;
  readonly invalid: number;
  readonly infeasible: number;
  readonly events: readonly InvalidRewardEvent[];
  readonly timing: GenerationTiming;
  /** resident set size when the generation ended, and the process's peak so far */
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  /** generations/<k>/candidates.json, relative to the run folder */
  readonly candidates: string;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function invalidRewardEvents(values: readonly number[], violations: readonly number[], hashes: readonly string[]): InvalidRewardEvent[] {
  const events: InvalidRewardEvent[] = [];
  values.forEach((value, index) => {
    const violation = violations[index];
    if (Number.isFinite(value) && Number.isFinite(violation)) return;
    events.push({
      kind: 'invalid-reward',
      candidate: index,
      genomeHash: hashes[index],
      reward: String(value),
      violation: String(violation),
      message: `candidate ${index}'s reward is ${Number.isFinite(value) ? `finite but its constraint violation is ${violation}` : value}; it was ranked worst`,
    });
  });
  return events;
}

/** Per-candidate records with lineage as genome hashes. */
export function candidateRecords(options: {
  readonly hashes: readonly string[];
  readonly images: readonly string[];
  readonly values: readonly number[];
  readonly violations: readonly number[];
  readonly lineage: CandidateLineage;
  readonly poolHashes: readonly string[];
}): CandidateRecord[] {
  const { hashes, images, values, violations, lineage, poolHashes } = options;
  return hashes.map((genomeHash, index) => {
    const origin = lineage.origins[index];
    return {
      index,
      genomeHash,
      image: images[index],
      reward: finiteOrNull(values[index]),
      violation: finiteOrNull(violations[index]),
      operator: origin.operator,
      parents: origin.parents.map((parent) => poolHashes[parent]),
      ...(origin.cut !== undefined ? { cut: origin.cut } : {}),
    };
  });
}

/** The statistics of one generation's valid rewards; the best comes from the search's report. */
export function generationStatistics(values: readonly number[], violations: readonly number[], report: GenerationReport) {
  const valid = values.filter((value, index) => Number.isFinite(value) && Number.isFinite(violations[index]));
  return {
    bestReward: report.generationBest === null ? null : report.generationBest.fitness,
    bestCandidate: report.generationBest === null ? null : report.generationBest.index,
    meanReward: valid.length === 0 ? null : valid.reduce((sum, value) => sum + value, 0) / valid.length,
    medianReward: median(valid),
  };
}
