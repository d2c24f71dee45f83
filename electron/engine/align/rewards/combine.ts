/**
 * Rewards built from other rewards: a direction, a target, a weighted sum, constraints.
 *
 * Semantics (the reward spec in ../reward-spec.ts compiles to exactly this):
 *   - a term is a source reward's values taken in a direction (`v`, larger better, or `−v` when
 *     minimised) or pulled toward a target (`−|v − target|`, larger better);
 *   - one unweighted term keeps its own units and direction; otherwise the objective is
 *     Σ weight·term, maximised;
 *   - a constraint bounds a source's raw values to [min, max]. A candidate inside every bound is
 *     feasible, violation 0. Outside, violation = Σ distance outside / scale, with scale the interval's
 *     width (two-sided) or |bound| (one-sided; 1 when the bound is 0), so that bounds in bytes and in
 *     0–1 units weigh alike. The search ranks every feasible candidate above every infeasible one,
 *     and infeasible ones by violation (Deb's rules; search/ranking.ts): the reward counts only while
 *     the constraints hold. Values of infeasible candidates are still reported, never altered.
 *   - NaN or ±Infinity in any source makes the candidate's value (or violation) NaN: the search then
 *     ranks it worst and counts it.
 * Each distinct source is scored once per batch, however many terms and constraints read it.
 */
import { directionSign, type Direction } from '../direction.js';
import type { RgbImage } from '../image.js';
import type { Reward, RewardScores } from './types.js';

export type ObjectiveTerm =
  | { readonly kind: 'directed'; readonly reward: Reward; readonly direction: Direction; readonly weight: number }
  | { readonly kind: 'target'; readonly reward: Reward; readonly target: number; readonly weight: number };

export interface Constraint {
  readonly reward: Reward;
  readonly min?: number;
  readonly max?: number;
}

export interface CompositeSpec {
  readonly terms: readonly ObjectiveTerm[];
  readonly constraints?: readonly Constraint[];
}

/** `−|value − target|`: 0 on target, more negative further away. */
export function targetValue(value: number, target: number): number {
  return -Math.abs(value - target);
}

function termValue(term: ObjectiveTerm, value: number): number {
  return term.kind === 'target' ? targetValue(value, term.target) : directionSign(term.direction) * value;
}

/** How far `value` lies outside the constraint, relative to its scale; NaN when the value is not finite. */
export function constraintViolation(value: number, constraint: { readonly min?: number; readonly max?: number }): number {
  if (!Number.isFinite(value)) return Number.NaN;
  const { min, max } = constraint;
  const scale =
    min !== undefined && max !== undefined ? max - min : Math.abs(min ?? max ?? 1) || 1;
  const below = min !== undefined && value < min ? min - value : 0;
  const above = max !== undefined && value > max ? value - max : 0;
  return (below + above) / scale;
}

function formatNumber(value: number): string {
  return String(value);
}

export function termName(term: ObjectiveTerm): string {
  const named = term.reward.name;
  const alreadyDirected = term.kind === 'directed' && named.endsWith(`:${term.direction}`) && term.reward.direction === term.direction;
  const base =
    term.kind === 'target' ? `${named}=${formatNumber(term.target)}` : alreadyDirected ? named : `${named}:${term.direction}`;
  return term.weight === 1 ? base : `${formatNumber(term.weight)}*${base}`;
}

export function constraintName(constraint: Constraint): string {
  const { min, max } = constraint;
  if (min !== undefined && max !== undefined) return `${constraint.reward.name} in [${formatNumber(min)},${formatNumber(max)}]`;
  if (min !== undefined) return `${constraint.reward.name} >= ${formatNumber(min)}`;
  return `${constraint.reward.name} <= ${formatNumber(max as number)}`;
}

function checkSpec(spec: CompositeSpec): void {
  if (spec.terms.length === 0) throw new RangeError('a composite reward needs at least one objective term');
  for (const term of spec.terms) {
    if (!(term.weight > 0) || !Number.isFinite(term.weight)) {
      throw new RangeError(`weight of ${term.reward.name} must be a positive number, got ${term.weight}`);
    }
    if (term.kind === 'target' && !Number.isFinite(term.target)) throw new RangeError(`target of ${term.reward.name} must be finite`);
  }
  for (const constraint of spec.constraints ?? []) {
    const { min, max } = constraint;
    if (min === undefined && max === undefined) throw new RangeError(`constraint on ${constraint.reward.name} has no bound`);
    if ((min !== undefined && !Number.isFinite(min)) || (max !== undefined && !Number.isFinite(max))) {
      throw new RangeError(`bounds of the constraint on ${constraint.reward.name} must be finite`);
    }
    if (min !== undefined && max !== undefined && !(min < max)) {
      throw new RangeError(`constraint on ${constraint.reward.name}: min ${min} must be below max ${max}`);
    }
  }
}

/** Scores each distinct reward once, in order (model rewards share one onnxruntime; no need to race them). */
async function scoreDistinct(rewards: readonly Reward[], images: readonly RgbImage[]): Promise<Map<Reward, RewardScores>> {
  const scores = new Map<Reward, RewardScores>();
  for (const reward of rewards) {
    if (scores.has(reward)) continue;
    const result = await reward.score(images);
    if (result.values.length !== images.length || result.violations.length !== images.length) {
      throw new Error(`reward ${reward.name} returned ${result.values.length} values for ${images.length} images`);
    }
    scores.set(reward, result);
  }
  return scores;
}

export function compositeReward(spec: CompositeSpec): Reward {
  checkSpec(spec);
  const terms = spec.terms;
  const constraints = spec.constraints ?? [];
  const single = terms.length === 1 && terms[0].weight === 1 ? terms[0] : null;
  const direction: Direction = single?.kind === 'directed' ? single.direction : 'max';
  const objectiveName = terms.map(termName).join('+');
  const name = [objectiveName, ...constraints.map(constraintName)].join(',');
  const objectiveText =
    single !== null
      ? single.kind === 'directed'
        ? `${single.reward.name} (${single.reward.description}), ${single.direction === 'max' ? 'maximised' : 'minimised'}`
        : `closeness of ${single.reward.name} (${single.reward.description}) to ${single.target}, as −|value − target|`
      : `weighted sum ${objectiveName}, maximised (minimised terms enter negated, targets as −|value − target|)`;
  const constraintText =
    constraints.length === 0 ? '' : `; counts only while ${constraints.map(constraintName).join(' and ')} (otherwise ranked below every candidate that does)`;
  const sources = [...terms.map((term) => term.reward), ...constraints.map((constraint) => constraint.reward)];

  return {
    name,
    direction,
    description: objectiveText + constraintText,
    async score(images) {
      const scores = await scoreDistinct(sources, images);
      const valueOf = (term: ObjectiveTerm, index: number): number => (scores.get(term.reward) as RewardScores).values[index];
      const values = images.map((_, index) =>
        // One unweighted directed term keeps its own units and direction: no negation.
        single?.kind === 'directed'
          ? valueOf(single, index)
          : terms.reduce((sum, term) => sum + term.weight * termValue(term, valueOf(term, index)), 0),
      );
      const violations = images.map((_, index) => {
        let total = 0;
        for (const scored of scores.values()) total += scored.violations[index];
        for (const constraint of constraints) {
          total += constraintViolation((scores.get(constraint.reward) as RewardScores).values[index], constraint);
        }
        return total;
      });
      return { values, violations };
    },
  };
}

export function withDirection(reward: Reward, direction: Direction): Reward {
  return compositeReward({ terms: [{ kind: 'directed', reward, direction, weight: 1 }] });
}

export function targetReward(reward: Reward, target: number): Reward {
  return compositeReward({ terms: [{ kind: 'target', reward, target, weight: 1 }] });
}

export function weightedSum(terms: readonly { readonly reward: Reward; readonly weight: number; readonly direction?: Direction }[]): Reward {
  return compositeReward({
    terms: terms.map((term) => ({ kind: 'directed', reward: term.reward, weight: term.weight, direction: term.direction ?? term.reward.direction })),
  });
}

export function constrained(objective: Reward, constraints: readonly Constraint[]): Reward {
  return compositeReward({ terms: [{ kind: 'directed', reward: objective, direction: objective.direction, weight: 1 }], constraints });
}
