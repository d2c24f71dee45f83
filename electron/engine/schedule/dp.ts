/**
 * Multi-layer schedules (`--method dp`): how many tokens each layer keeps, chosen by dynamic
 * programming over the layers to minimise predicted latency, under a budget on the tokens removed
 * summed over layers (removedTokenLayers).
 *
 * Why a removed-token budget and not an accuracy constraint: an accuracy curve A(n) as POMT measures
 * it (tokens dropped at the input) says nothing about dropping a few tokens at layer 2 and more at
 * layer 9, so it cannot constrain a multi-layer schedule; what it loses grows with how many tokens
 * go and how early, which is what the budget counts, and it needs no data the user may not have.
 *
 * Each layer keeps the baseline count or the right edge of a plateau below a confident step: inside
 * a plateau latency does not change, so keeping fewer tokens than its right edge spends budget and
 * buys nothing.
 */
import type { Step } from '../contracts/profile.js';
import { UserError } from '../errors.js';
import { isConfidentStep } from '../staircase/detect.js';
import type { PlanDecision, Planner } from './plan.js';
import { layerCostMs, removedTokenLayers } from './pruned-latency.js';

export interface DpScheduleProblem {
  readonly depth: number;
  /** tokens entering layer 0, CLS included */
  readonly baselineTokens: number;
  /** counts a layer may keep besides the baseline: plateau right edges */
  readonly keepCandidates: readonly number[];
  /** tokens removed summed over layers may not exceed this */
  readonly budget: number;
  /** predicted ms of one layer whose attention runs at `attentionTokens` and MLP at `mlpTokens` */
  readonly layerCostMs: (attentionTokens: number, mlpTokens: number) => number;
}

export interface DpSchedule {
  /** tokens leaving each layer, non-increasing */
  readonly tokensAfterLayer: number[];
  /** schedule.json's layers: where the count falls, by how much (POMT's net reduction) */
  readonly layers: { layer: number; remove: number }[];
  /** Σ over layers of layerCostMs, without the network's fixed overhead */
  readonly layersMs: number;
  readonly removedTokenLayers: number;
}

/** The POMT graph keeps CLS, at least one patch token and the fused token in every layer. */
export const MIN_KEEP_TOKENS = 3;

/** Table cells beyond this would take seconds; plateau edges are a handful, so only misuse gets here. */
const MAX_WORK = 4e8;

/**
 * The exact optimum: state (count leaving the layer, budget spent so far), layer by layer, each
 * transition to an equal or lower count. Equal predicted latency goes to the schedule that spends
 * less budget, then to the one that removes later (later layers' tokens have been mixed by attention
 * longer, so dropping them loses less). O(depth · K² · budget) for K counts.
 */
export function solveDpSchedule(problem: DpScheduleProblem): DpSchedule {
  const { depth, baselineTokens } = problem;
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`depth must be a positive integer, got ${depth}`);
  if (!Number.isInteger(baselineTokens) || baselineTokens < 1) throw new RangeError(`baselineTokens must be a positive integer, got ${baselineTokens}`);
  if (!(problem.budget >= 0)) throw new RangeError(`budget must be ≥ 0, got ${problem.budget}`);
  const counts = [
    baselineTokens,
    ...[...new Set(problem.keepCandidates)].filter((n) => Number.isInteger(n) && n >= 1 && n < baselineTokens).sort((a, b) => b - a),
  ];
  const k = counts.length;
  const budget = Math.min(Math.floor(problem.budget), depth * (baselineTokens - counts[k - 1]));
  // Table cells: count index × budget spent (0 … budget).
  const columns = budget + 1;
  if (depth * k * k * columns > MAX_WORK) {
    throw new RangeError(`a DP over ${k} counts, ${depth} layers and a budget of ${budget} is too large; pass fewer candidate counts`);
  }
  const cost: number[][] = counts.map((entering, i) => counts.map((leaving, j) => (j >= i ? problem.layerCostMs(entering, leaving) : Number.NaN)));

  let best = new Float64Array(k * columns).fill(Infinity);
  best[0] = 0;
  const cameFrom = Array.from({ length: depth }, () => new Int32Array(k * columns).fill(-1));
  for (let layer = 0; layer < depth; layer++) {
    const next = new Float64Array(k * columns).fill(Infinity);
    for (let entering = 0; entering < k; entering++) {
      for (let spent = 0; spent < columns; spent++) {
        const sofar = best[entering * columns + spent];
        if (sofar === Infinity) continue;
        // from larger counts down, so that on a tie the count that stays higher longer wins
        for (let leaving = entering; leaving < k; leaving++) {
          const total = spent + (baselineTokens - counts[leaving]);
          if (total > budget) break;
          const value = sofar + cost[entering][leaving];
          const cell = leaving * columns + total;
          if (isBetter(value, next[cell])) {
            next[cell] = value;
            cameFrom[layer][cell] = entering;
          }
        }
      }
    }
    best = next;
  }

  // The lowest latency; on a tie, the least budget spent.
  let end = 0;
  for (let cell = 1; cell < best.length; cell++) {
    const tie = !isBetter(best[cell], best[end]) && !isBetter(best[end], best[cell]);
    if (isBetter(best[cell], best[end]) || (tie && cell % columns < end % columns)) end = cell;
  }
  const layersMs = best[end];
  const tokensAfterLayer = new Array<number>(depth);
  let cell = end;
  for (let layer = depth - 1; layer >= 0; layer--) {
    const leaving = Math.floor(cell / columns);
    tokensAfterLayer[layer] = counts[leaving];
    const spentBefore = (cell % columns) - (baselineTokens - counts[leaving]);
    cell = cameFrom[layer][cell] * columns + spentBefore;
  }
  const layers = tokensAfterLayer.flatMap((tokens, layer) => {
    const before = layer === 0 ? baselineTokens : tokensAfterLayer[layer - 1];
    return tokens < before ? [{ layer, remove: before - tokens }] : [];
  });
  return { tokensAfterLayer, layers, layersMs, removedTokenLayers: removedTokenLayers(tokensAfterLayer, baselineTokens) };
}

/** Strictly better beyond rounding: sums of the same costs in another order differ in the last bits. */
function isBetter(value: number, than: number): boolean {
  return value < than - 1e-12 * Math.max(1, Math.abs(value));
}

export interface PlateauEdge {
  /** the largest measured count below the step */
  readonly keepTokens: number;
  readonly step: Step;
}

/**
 * Right edges of the plateaus below the confident steps at or under the baseline, from the highest
 * count down; the count leaving at least MIN_KEEP_TOKENS. One edge per count.
 */
export function plateauRightEdges(steps: readonly Step[], measuredTokens: readonly number[], baselineTokens: number): PlateauEdge[] {
  const edges: PlateauEdge[] = [];
  for (const step of steps.filter((s) => isConfidentStep(s) && s.tokens <= baselineTokens)) {
    const below = measuredTokens.filter((n) => n < step.tokens);
    const keepTokens = below.length > 0 ? Math.max(...below) : undefined;
    if (keepTokens === undefined || keepTokens < MIN_KEEP_TOKENS || edges.some((edge) => edge.keepTokens === keepTokens)) continue;
    edges.push({ keepTokens, step });
  }
  return edges.sort((a, b) => b.keepTokens - a.keepTokens);
}

/** "197 tokens in layers 0–4, 192 in 5–8, 128 in 9–11" */
export function describeLayerTokens(tokensAfterLayer: readonly number[]): string {
  const runs: { tokens: number; first: number; last: number }[] = [];
  tokensAfterLayer.forEach((tokens, layer) => {
    const run = runs.at(-1);
    if (run && run.tokens === tokens) run.last = layer;
    else runs.push({ tokens, first: layer, last: layer });
  });
  return runs
    .map((run, index) => `${run.tokens}${index === 0 ? ' tokens' : ''} ${index === 0 ? 'in layers' : 'in'} ${run.first === run.last ? run.first : `${run.first}–${run.last}`}`)
    .join(', ');
}

/** The default budget: the minimal move's cap (--max-remove, 10 %) applied to every layer's tokens. */
export function defaultDpBudget(baselineTokens: number, depth: number, maxRemoveFraction: number): number {
  return Math.round(maxRemoveFraction * baselineTokens * depth);
}

export const planDp: Planner = (context) => {
  const { model, baselineTokens, staircase } = context;
  const depth = model.depth;
  const budget = context.budget ?? defaultDpBudget(baselineTokens, depth, context.maxRemoveFraction);
  if (!Number.isInteger(budget) || budget < 0) {
    throw new UserError('budget-invalid', `--budget must be a whole number of tokens ≥ 0 (removed, summed over layers), not ${budget}`, `pass e.g. --budget ${defaultDpBudget(baselineTokens, depth, 0.1)}`);
  }
  const keepAll = (reason: string): PlanDecision => ({
    keepTokens: baselineTokens,
    reason,
    layerTokens: new Array<number>(depth).fill(baselineTokens),
    layers: [],
  });
  const edges = plateauRightEdges(staircase.steps, model.tokens, baselineTokens);
  if (edges.length === 0) {
    return keepAll(`no confident step at or below ${baselineTokens} tokens (${staircase.regime}): no plateau edge to land on, so the DP has nothing to choose; keeping all ${baselineTokens} tokens in every layer`);
  }
  const solution = solveDpSchedule({
    depth,
    baselineTokens,
    keepCandidates: edges.map((edge) => edge.keepTokens),
    budget,
    layerCostMs: (attentionTokens, mlpTokens) => layerCostMs(model, attentionTokens, mlpTokens, context.blockShape),
  });
  const describeEdge = (edge: PlateauEdge) => `${edge.keepTokens} (below the step at ${edge.step.tokens})`;
  if (solution.layers.length === 0) {
    const nearest = edges[0];
    return keepAll(
      `a budget of ${budget} removed tokens (summed over layers) cannot reach a plateau edge: the nearest, ${describeEdge(nearest)}, costs ${baselineTokens - nearest.keepTokens} even at the last layer alone; keeping all ${baselineTokens} tokens`,
    );
  }
  const used = edges.filter((edge) => solution.tokensAfterLayer.includes(edge.keepTokens));
  const keepTokens = solution.tokensAfterLayer[depth - 1];
  return {
    keepTokens,
    landedBelow: used.find((edge) => edge.keepTokens === keepTokens)?.step,
    usedSteps: used.map((edge) => edge.step.tokens),
    reason:
      `DP over ${depth} layers, each on a plateau right edge (${edges.map(describeEdge).join(', ')}), within a budget of ${budget} removed tokens summed over layers ` +
      `(uses ${solution.removedTokenLayers}): ${describeLayerTokens(solution.tokensAfterLayer)}`,
    layerTokens: solution.tokensAfterLayer,
    layers: solution.layers,
    predictedMs: model.overheadMs + solution.layersMs,
  };
};
