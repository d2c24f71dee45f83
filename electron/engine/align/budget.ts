/**
 * How long an alignment run may go on: by generations (CLI `--steps`), images evaluated (`--images`,
 * NFE) or wall time (`--time`, seconds). Any combination; the run stops at the first limit reached.
 *
 * Rules, decided between generations (a generation is never cut short, since a search learns only from
 * a whole generation):
 *   - generations: stop once `generations` generations have been told;
 *   - evaluations: never start a generation that would take the total past the limit;
 *   - time: stop once the limit has passed, and, when the last generation's duration is known,
 *     do not start one expected to end past it.
 * For CoSyNE, generation 0 is the initial population (16 images); the paper's "T steps" are T + 1
 * generations here, with the same 16 + 24·T images.
 */
import { performance } from 'node:perf_hooks';
import { UserError } from '../errors.js';

export interface Budget {
  readonly generations?: number;
  readonly evaluations?: number;
  readonly seconds?: number;
}

export interface BudgetProgress {
  readonly generations: number;
  readonly evaluations: number;
  readonly elapsedMs: number;
}

export type BudgetLimit = 'generations' | 'evaluations' | 'time';

export type BudgetDecision =
  | { readonly stop: false }
  | { readonly stop: true; readonly limit: BudgetLimit; readonly reason: string };

export interface NextGeneration {
  /** candidates the next generation would evaluate (`search.ask().length`) */
  readonly evaluations: number;
  /** how long the next generation is expected to take, e.g. the last one's duration */
  readonly expectedMs?: number;
}

/** Checks a budget before a run; `firstGeneration` is the size of generation 0. */
export function checkBudget(budget: Budget, firstGeneration?: number): Budget {
  const entries: [keyof Budget, string][] = [
    ['generations', '--steps'],
    ['evaluations', '--images'],
    ['seconds', '--time'],
  ];
  const given = entries.filter(([key]) => budget[key] !== undefined);
  if (given.length === 0) {
    throw new UserError('align-no-budget', 'the alignment run has no budget', 'give --steps N, --images N or --time SECONDS');
  }
  for (const [key, flag] of given) {
    const value = budget[key] as number;
    const integral = key !== 'seconds';
    if (!(value > 0) || !Number.isFinite(value) || (integral && !Number.isInteger(value))) {
      throw new UserError(
        'align-bad-budget',
        `${flag} ${value} is not a positive ${integral ? 'integer' : 'number'}`,
        `give ${flag} a positive ${integral ? 'whole number' : 'number of seconds'}`,
      );
    }
  }
  if (budget.evaluations !== undefined && firstGeneration !== undefined && budget.evaluations < firstGeneration) {
    throw new UserError(
      'align-budget-too-small',
      `--images ${budget.evaluations} is fewer than the first generation's ${firstGeneration} images`,
      `give --images ${firstGeneration} or more, or a smaller --pop`,
    );
  }
  return budget;
}

/** Whether to start another generation. Pure: the caller measures time. */
export function budgetDecision(budget: Budget, progress: BudgetProgress, next: NextGeneration): BudgetDecision {
  if (budget.generations !== undefined && progress.generations >= budget.generations) {
    return { stop: true, limit: 'generations', reason: `ran ${progress.generations} of ${budget.generations} generations` };
  }
  if (budget.evaluations !== undefined && progress.evaluations + next.evaluations > budget.evaluations) {
    return {
      stop: true,
      limit: 'evaluations',
      reason: `evaluated ${progress.evaluations} of ${budget.evaluations} images; the next generation needs ${next.evaluations}`,
    };
  }
  if (budget.seconds !== undefined) {
    const limitMs = budget.seconds * 1000;
    if (progress.elapsedMs >= limitMs) {
      return { stop: true, limit: 'time', reason: `ran ${formatSeconds(progress.elapsedMs)} of ${budget.seconds} s` };
    }
    if (next.expectedMs !== undefined && progress.elapsedMs + next.expectedMs > limitMs) {
      return {
        stop: true,
        limit: 'time',
        reason: `ran ${formatSeconds(progress.elapsedMs)} of ${budget.seconds} s; the next generation would take about ${formatSeconds(next.expectedMs)}`,
      };
    }
  }
  return { stop: false };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The run loop's side: counts generations and images, times them, and asks `budgetDecision`. */
export interface BudgetTracker {
  /** call after each `tell` with the number of candidates it scored */
  recordGeneration(evaluations: number): void;
  decision(nextEvaluations: number): BudgetDecision;
  progress(): BudgetProgress;
}

export function createBudgetTracker(
  budget: Budget,
  options: { readonly resumeFrom?: BudgetProgress; readonly now?: () => number } = {},
): BudgetTracker {
  const now = options.now ?? (() => performance.now());
  const resumed = options.resumeFrom ?? { generations: 0, evaluations: 0, elapsedMs: 0 };
  const startedAt = now() - resumed.elapsedMs;
  let generations = resumed.generations;
  let evaluations = resumed.evaluations;
  let lastGenerationMs: number | undefined;
  let generationStartedAt = now();
  const progress = (): BudgetProgress => ({ generations, evaluations, elapsedMs: now() - startedAt });
  return {
    recordGeneration(count) {
      const at = now();
      lastGenerationMs = at - generationStartedAt;
      generationStartedAt = at;
      generations += 1;
      evaluations += count;
    },
    decision(nextEvaluations) {
      return budgetDecision(budget, progress(), { evaluations: nextEvaluations, expectedMs: lastGenerationMs });
    },
    progress,
  };
}
