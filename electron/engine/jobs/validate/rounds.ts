/**
 * Several graphs timed against each other: rounds that visit every graph once, each round in its own
 * shuffled order. A slow minute of the machine lands on a round, not on a graph, and ratios are
 * taken within a round (graphs measured seconds apart), so drift cannot favour one variant.
 */
import type { TimingBackend } from '../../measure/backend.js';
import type { StoppingRule } from '../../measure/stopping-rule.js';
import { measureVisit, type Visit } from '../../measure/visit.js';
import { createRng, deriveSeed, shuffled } from '../../util/rng.js';
import { median, quantileSorted, sortedCopy, summarize, type Summary } from '../../util/stats.js';

export interface RoundsOptions {
  backend: TimingBackend;
  /** graphs 0 … count − 1 of the backend */
  count: number;
  rounds: number;
  rule: StoppingRule;
  /** seeds each round's order */
  seed: number;
  signal?: AbortSignal;
  onVisit?: (progress: { done: number; total: number; round: number; graph: number; firstVisit: boolean }) => void;
}

export interface RoundVisit {
  graph: number;
  round: number;
  visit: Visit;
}

export interface RoundsResult {
  visits: RoundVisit[];
  /** the order of each round begun, by graph index */
  orders: number[][];
  roundsDone: number;
  /** false when cancelled or failed before every round finished */
  complete: boolean;
  /** what stopped the rounds, if something failed; what was measured before it is kept */
  failure?: Error;
}

export async function measureInRounds(options: RoundsOptions): Promise<RoundsResult> {
  const indices = Array.from({ length: options.count }, (_, index) => index);
  const visits: RoundVisit[] = [];
  const orders: number[][] = [];
  const visited = new Set<number>();
  const total = options.rounds * options.count;
  let roundsDone = 0;
  let failure: Error | undefined;
  let stopped = false;
  for (let round = 0; round < options.rounds && !stopped; round++) {
    const order = shuffled(indices, createRng(deriveSeed(options.seed, `round-${round}`)));
    orders.push(order);
    for (const graph of order) {
      if (options.signal?.aborted) {
        stopped = true;
        break;
      }
      options.onVisit?.({ done: visits.length, total, round, graph, firstVisit: !visited.has(graph) });
      let visit: Visit;
      try {
        visit = await measureVisit(
          options.backend,
          { tokens: graph, pass: round, phase: 'validate', isReference: false, firstVisit: !visited.has(graph) },
          options.rule,
          options.signal,
        );
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        stopped = true;
        break;
      }
      visited.add(graph);
      if (visit.timesMs.length > 0) visits.push({ graph, round, visit });
      if (visit.stop === 'cancelled') {
        stopped = true;
        break;
      }
    }
    if (!stopped) roundsDone += 1;
  }
  return { visits, orders, roundsDone, complete: !stopped && roundsDone === options.rounds, ...(failure ? { failure } : {}) };
}

export interface GraphTimes extends Summary {
  /** each round's visit median, in round order (rounds that did not reach this graph left out) */
  roundMediansMs: number[];
}

export function graphTimes(visits: readonly RoundVisit[], graph: number): GraphTimes | null {
  const own = visits.filter((entry) => entry.graph === graph);
  if (own.length === 0) return null;
  return { ...summarize(own.flatMap((entry) => entry.visit.timesMs)), roundMediansMs: own.map((entry) => median(entry.visit.timesMs)) };
}

/** Per-round ratios and how far the rounds agree. */
export interface RoundRatio {
  median: number;
  q25: number;
  q75: number;
  rounds: number;
}

/** numerator's round median / denominator's, over the rounds that measured both. */
export function roundRatio(visits: readonly RoundVisit[], numerator: number, denominator: number): RoundRatio | null {
  const medianIn = (graph: number, round: number) => {
    const entry = visits.find((candidate) => candidate.graph === graph && candidate.round === round);
    return entry ? median(entry.visit.timesMs) : undefined;
  };
  const rounds = [...new Set(visits.map((entry) => entry.round))];
  const ratios = rounds.flatMap((round) => {
    const top = medianIn(numerator, round);
    const bottom = medianIn(denominator, round);
    return top !== undefined && bottom !== undefined && bottom > 0 ? [top / bottom] : [];
  });
  if (ratios.length === 0) return null;
  const sorted = sortedCopy(ratios);
  return { median: quantileSorted(sorted, 0.5), q25: quantileSorted(sorted, 0.25), q75: quantileSorted(sorted, 0.75), rounds: sorted.length };
}
