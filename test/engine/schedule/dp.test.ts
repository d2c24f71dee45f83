import { describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../../electron/engine/contracts/schedule.js';
import { tokensAfterLayers } from '../../../electron/engine/prune/index.js';
import { describeLayerTokens, plateauRightEdges, solveDpSchedule, type DpScheduleProblem } from '../../../electron/engine/schedule/dp.js';
import type { LatencyCurve } from '../../../electron/engine/schedule/latency.js';
import { planSchedule, type PlanScheduleInput } from '../../../electron/engine/schedule/plan.js';
import { detectStaircase } from '../../../electron/engine/staircase/detect.js';
import { createRng } from '../../../electron/engine/util/rng.js';

/** Every non-increasing sequence of counts: the exact optimum by exhaustion, for small tables. */
function bruteForce(problem: DpScheduleProblem): { costMs: number; spent: number } {
  const counts = [problem.baselineTokens, ...problem.keepCandidates].sort((a, b) => b - a);
  let best = { costMs: Infinity, spent: Infinity };
  const walk = (layer: number, previous: number, costMs: number, spent: number): void => {
    if (spent > problem.budget) return;
    if (layer === problem.depth) {
      if (costMs < best.costMs - 1e-9 || (Math.abs(costMs - best.costMs) <= 1e-9 && spent < best.spent)) best = { costMs, spent };
      return;
    }
    for (const count of counts.filter((n) => n <= previous)) {
      walk(layer + 1, count, costMs + problem.layerCostMs(previous, count), spent + problem.baselineTokens - count);
    }
  };
  walk(0, problem.baselineTokens, 0, 0);
  return best;
}

/** Latency of a layer that runs entirely at n tokens, by table. */
const table = (ms: Record<number, number>) => (_: number, mlpTokens: number) => ms[mlpTokens];

describe('solveDpSchedule on hand-made latency tables', () => {
  it('finds the optimum a person can work out: every layer on the first plateau edge beats two deep cuts', () => {
    // 10 tokens cost 10 ms a layer, 8 cost 6, 5 cost 5; 6 tokens of budget over 3 layers
    const problem: DpScheduleProblem = { depth: 3, baselineTokens: 10, keepCandidates: [8, 5], budget: 6, layerCostMs: table({ 10: 10, 8: 6, 5: 5 }) };
    const solution = solveDpSchedule(problem);
    expect(solution.tokensAfterLayer).toEqual([8, 8, 8]);
    expect(solution.layers).toEqual([{ layer: 0, remove: 2 }]);
    expect(solution.layersMs).toBe(18);
    expect(solution.removedTokenLayers).toBe(6);
    // three more tokens of budget let the last layer drop to 5: 6 + 6 + 5 = 17 < 18
    const more = solveDpSchedule({ ...problem, budget: 9 });
    expect(more.tokensAfterLayer).toEqual([8, 8, 5]);
    expect(more.layers).toEqual([{ layer: 0, remove: 2 }, { layer: 2, remove: 3 }]);
    expect(more.layersMs).toBe(17);
  });

  it('charges a reducing layer its attention at the count that entered it', () => {
    // attention is half of a layer here: cutting at layer 0 still pays half of 10 ms
    const cost = (attentionTokens: number, mlpTokens: number) => 0.5 * ({ 10: 10, 4: 2 } as Record<number, number>)[attentionTokens] + 0.5 * ({ 10: 10, 4: 2 } as Record<number, number>)[mlpTokens];
    const solution = solveDpSchedule({ depth: 2, baselineTokens: 10, keepCandidates: [4], budget: 12, layerCostMs: cost });
    expect(solution.tokensAfterLayer).toEqual([4, 4]);
    expect(solution.layersMs).toBe(6 + 2);
  });

  it('spends no budget where it buys no latency', () => {
    // the 6-token edge is no faster than 8: never worth the extra tokens
    const solution = solveDpSchedule({ depth: 4, baselineTokens: 10, keepCandidates: [8, 6], budget: 100, layerCostMs: table({ 10: 3, 8: 2, 6: 2 }) });
    expect(solution.tokensAfterLayer).toEqual([8, 8, 8, 8]);
    expect(solution.removedTokenLayers).toBe(8);
  });

  it('removes later rather than earlier when both cost the same latency and budget', () => {
    // a free final layer: keeping 10 or 8 there costs nothing, so with budget for one cut the DP keeps all
    const cost = (_: number, mlpTokens: number) => (mlpTokens === 10 ? 1 : 0.5);
    const solution = solveDpSchedule({ depth: 3, baselineTokens: 10, keepCandidates: [8], budget: 2, layerCostMs: cost });
    expect(solution.tokensAfterLayer).toEqual([10, 10, 8]);
  });

  it('keeps every token with no candidates or no budget', () => {
    const base: DpScheduleProblem = { depth: 4, baselineTokens: 10, keepCandidates: [], budget: 40, layerCostMs: table({ 10: 1, 5: 0.5 }) };
    expect(solveDpSchedule(base).tokensAfterLayer).toEqual([10, 10, 10, 10]);
    expect(solveDpSchedule({ ...base, keepCandidates: [5], budget: 0 }).layers).toEqual([]);
    expect(solveDpSchedule({ ...base, keepCandidates: [5], budget: 4 }).layers).toEqual([]);
    expect(solveDpSchedule({ ...base, keepCandidates: [5], budget: 5 }).tokensAfterLayer).toEqual([10, 10, 10, 5]);
  });

  it('agrees with exhaustive search on 200 random tables', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const baselineTokens = 20 + rng.int(30);
      const keepCandidates = [...new Set(Array.from({ length: 1 + rng.int(4) }, () => 3 + rng.int(baselineTokens - 3)))];
      const levels = new Map<number, number>();
      // costs rise with tokens, as a staircase does, with random step sizes
      let level = 1;
      for (const n of [...keepCandidates, baselineTokens].sort((a, b) => a - b)) {
        level += 0.2 + rng.next();
        levels.set(n, level);
      }
      const share = rng.next() * 0.5;
      const problem: DpScheduleProblem = {
        depth: 1 + rng.int(5),
        baselineTokens,
        keepCandidates,
        budget: rng.int(3 * baselineTokens),
        layerCostMs: (a, m) => share * (levels.get(a) ?? 0) + (1 - share) * (levels.get(m) ?? 0),
      };
      const solution = solveDpSchedule(problem);
      const exhaustive = bruteForce(problem);
      expect(solution.layersMs).toBeCloseTo(exhaustive.costMs, 9);
      expect(solution.removedTokenLayers).toBe(exhaustive.spent);
      expect(solution.removedTokenLayers).toBeLessThanOrEqual(problem.budget);
      for (let i = 1; i < solution.tokensAfterLayer.length; i++) expect(solution.tokensAfterLayer[i]).toBeLessThanOrEqual(solution.tokensAfterLayer[i - 1]);
    }
  });
});

describe('plateauRightEdges', () => {
  const step = (tokens: number, confidence: number) => ({ tokens, beforeMs: 1, afterMs: 1.2, jumpPct: 20, confidence });
  it('takes the largest measured count below each confident step at or under the baseline', () => {
    const measured = [1, 30, 60, 64, 100, 128, 160, 192, 197];
    const edges = plateauRightEdges([step(65, 0.9), step(129, 0.3), step(193, 0.8), step(200, 1)], measured, 197);
    expect(edges.map((edge) => [edge.keepTokens, edge.step.tokens])).toEqual([[192, 193], [64, 65]]);
  });

  it('leaves out edges that would keep fewer than CLS, a patch token and the fused token', () => {
    expect(plateauRightEdges([step(3, 1)], [1, 2, 3, 4], 4)).toEqual([]);
  });
});

describe('planSchedule --method dp', () => {
  /** One block of a ViT: +14 % at 65, 129 and 193 tokens; 12 blocks plus 0.5 ms outside them. */
  const f = (tokens: number) => 1.14 ** Math.floor((tokens - 1) / 64);
  const blockPoints = Array.from({ length: 220 }, (_, i) => ({ tokens: i + 1, medianMs: f(i + 1) }));
  const curve: LatencyCurve = { points: blockPoints, unit: 'block', depth: 12, overheadMs: 0.5 };
  const base: PlanScheduleInput = {
    curve,
    staircase: detectStaircase(blockPoints),
    model: { id: 'vit-s16', depth: 12 },
    ep: 'cuda',
    baselineTokens: 197,
    method: 'dp',
  };

  it('spreads the budget over layers on plateau right edges, predicting the split layers', () => {
    const schedule = planSchedule({ ...base, budget: 236 });
    expect(scheduleSchema.safeParse(JSON.parse(JSON.stringify(schedule))).success).toBe(true);
    // 5 tokens in every layer falls below 193 (60 of the budget); the rest buys two layers at 128
    expect(schedule.layers).toEqual([{ layer: 0, remove: 5 }, { layer: 10, remove: 64 }]);
    expect(schedule.keepTokens).toBe(128);
    expect(schedule.method).toBe('dp');
    const third = 1 / 3;
    const expected = 0.5 + (third * f(197) + (1 - third) * f(192)) + 9 * f(192) + (third * f(192) + (1 - third) * f(128)) + f(128);
    expect(schedule.predictedMs).toBeCloseTo(expected, 10);
    expect(schedule.baselineMs).toBeCloseTo(0.5 + 12 * f(197), 10);
    expect(schedule.steps.filter((s) => s.used).map((s) => s.tokens)).toEqual([129, 193]);
    expect(schedule.reason).toMatch(/^DP over 12 layers/);
    expect(schedule.reason).toContain('192 tokens in layers 0–9, 128 in 10–11');
  });

  it("writes layers the POMT graph builder consumes: its counts are the schedule's", () => {
    const schedule = planSchedule({ ...base, budget: 600 });
    const after = tokensAfterLayers({ method: 'pomt', layers: schedule.layers }, { depth: 12, inputTokens: 197 });
    expect(after.at(-1)).toBe(schedule.keepTokens);
    expect(after.reduce((sum, n) => sum + (197 - n), 0)).toBeLessThanOrEqual(600);
    expect(schedule.predictedSpeedup).toBeGreaterThan(1.1);
  });

  it('defaults the budget to --max-remove of every layer\'s tokens', () => {
    expect(planSchedule(base).layers).toEqual(planSchedule({ ...base, budget: 236 }).layers);
  });

  it('says so and keeps every token when the profile has no step', () => {
    const ramp = Array.from({ length: 197 }, (_, i) => ({ tokens: i + 1, medianMs: 1 + 0.01 * i }));
    const schedule = planSchedule({ ...base, curve: { ...curve, points: ramp }, staircase: detectStaircase(ramp), budget: 500 });
    expect(schedule.layers).toEqual([]);
    expect(schedule.keepTokens).toBe(197);
    expect(schedule.predictedSpeedup).toBe(1);
    expect(schedule.reason).toMatch(/no confident step at or below 197 tokens \(\w+\): no plateau edge to land on/);
  });

  it('says when the budget cannot reach the nearest plateau edge', () => {
    const schedule = planSchedule({ ...base, budget: 4 });
    expect(schedule.layers).toEqual([]);
    expect(schedule.reason).toMatch(/budget of 4 removed tokens .* cannot reach a plateau edge/);
  });

  it('names runs of layers compactly', () => {
    expect(describeLayerTokens([197, 197, 192, 128])).toBe('197 tokens in layers 0–1, 192 in 2, 128 in 3');
  });
});
