/**
 * The order every algorithm ranks candidates by. Three classes, best first:
 *   1. feasible: finite fitness, violation 0 — ordered by fitness in the search's direction;
 *   2. infeasible: finite fitness, finite violation > 0 — ordered by violation, smaller first
 *      (Deb's feasibility rules: the reward counts only once every constraint holds);
 *   3. invalid: fitness or violation NaN or ±Infinity — worst of all, never the best, counted.
 * +Infinity is invalid on purpose: a reward that overflows is broken, not excellent.
 * Ties keep the candidates' order, so ranking is deterministic.
 */
import { directionSign, type Direction } from '../direction.js';

export type OutcomeClass = 'feasible' | 'infeasible' | 'invalid';

export function outcomeClass(fitness: number, violation: number): OutcomeClass {
  if (!Number.isFinite(fitness) || !Number.isFinite(violation)) return 'invalid';
  return violation > 0 ? 'infeasible' : 'feasible';
}

const classRank: Record<OutcomeClass, number> = { feasible: 0, infeasible: 1, invalid: 2 };

/** Negative when (fitnessA, violationA) is better than B, positive when worse, 0 when tied. */
export function compareOutcomes(
  fitnessA: number,
  violationA: number,
  fitnessB: number,
  violationB: number,
  direction: Direction,
): number {
  const classA = outcomeClass(fitnessA, violationA);
  const classB = outcomeClass(fitnessB, violationB);
  if (classA !== classB) return classRank[classA] - classRank[classB];
  if (classA === 'invalid') return 0;
  if (classA === 'infeasible' && violationA !== violationB) return violationA - violationB;
  return directionSign(direction) * (fitnessB - fitnessA);
}

/** Candidate indices, best first. */
export function rankOrder(fitness: readonly number[], violations: readonly number[], direction: Direction): number[] {
  const order = fitness.map((_, index) => index);
  // Array.prototype.sort is stable, so equal candidates keep their generation order.
  return order.sort((a, b) => compareOutcomes(fitness[a], violations[a], fitness[b], violations[b], direction));
}
