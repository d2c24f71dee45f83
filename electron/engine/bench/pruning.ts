/**
 * Pruned models on the device, side by side in one run: a real sweep of the model gives the
 * profile, then the unpruned encoder, POMT at one layer, the DP schedule at the same removed-token
 * budget, and Top-K and ToMe matched to that budget are timed end to end in shuffled rounds, each
 * beside what the profile predicted for it.
 *
 * POMT's cut is the released code's example for DeiT-S (R = 56 at layer 3: 197 → 141 tokens): on a
 * CPU the staircase usually has no step for a minimal move to land below, and a schedule that
 * keeps every token would measure nothing. The DP takes plateau right edges as `edgetune schedule
 * --method dp` does; where the profile has no confident step it takes every measured count, on the
 * closest non-decreasing fit of the curve (a dip between two counts with no step is noise, and a DP
 * would otherwise chase it), and the figures say which.
 */
import { resolveModel } from '../models/architectures.js';
import { loadedFromSweep } from '../jobs/load-profile.js';
import { runSweepJob } from '../jobs/sweep-job.js';
import { compareVariants, type MeasuredVariant } from '../jobs/validate/compare-variants.js';
import { profilePredictor } from '../jobs/validate/prediction.js';
import { roundRatio } from '../jobs/validate/rounds.js';
import { makeVariant, planVariants } from '../jobs/validate/variants.js';
import type { ExecutionProvider } from '../measure/execution-providers.js';
import { DEFAULT_STOPPING_RULE } from '../measure/stopping-rule.js';
import { MIN_KEEP_TOKENS, plateauRightEdges, solveDpSchedule } from '../schedule/dp.js';
import { latencyModel } from '../schedule/latency.js';
import { attentionShare, nonDecreasingLayerMs } from '../schedule/pruned-latency.js';
import { latencyCurveFromProfile } from '../jobs/latency-curve.js';

export interface PruningBenchOptions {
  model: string;
  ep: ExecutionProvider;
  rounds: number;
  seed: number;
  /** POMT's single-layer cut */
  pomtLayer?: number;
  pomtRemove?: number;
  /** onnxruntime intra-op threads for the sweep and the rounds alike (default: onnxruntime's choice) */
  intraOpThreads?: number;
  onProgress?: (label: string, done: number, total: number) => void;
}

export interface PruningFigures {
  model: string;
  ep: string;
  batch: 1;
  intraOpThreads: number | 'onnxruntime default';
  profile: { unit: string; regime: string | undefined; steps: number; confidentSteps: number; sweepWallS: number; fullModelMedianAbsErrorPct: number | null };
  /** removed tokens summed over layers, the budget every method is held to */
  budgetTokenLayers: number;
  dpCandidates: 'plateau-right-edges' | 'measured-counts';
  dpCandidatesReason: string;
  variants: Pick<MeasuredVariant, 'key' | 'label' | 'removedTokenLayers' | 'medianMs' | 'p10Ms' | 'p90Ms' | 'samples' | 'speedup' | 'predictedMs' | 'predictedSpeedup' | 'predictionErrorPct' | 'anchoredErrorPct'>[];
  /** median |predicted − measured| over the pruned models, relative to the baseline measured in the same run (target ≤ 5 %) */
  medianAbsPredictionErrorPct: number | null;
  /** the same in raw ms, which includes the machine's drift between the sweep and the rounds */
  medianAbsRawPredictionErrorPct: number | null;
  meetsTarget: boolean;
  /** each method's time ÷ the baseline's, per-round median: above 1 is slower than not pruning */
  latencyRelativeToBaseline: Record<string, number | null>;
  /** DP's time ÷ POMT's at the same budget, per-round median and quartiles */
  dpOverPomt: { median: number; q25: number; q75: number; rounds: number } | null;
  dpOverPomtPredicted: number | null;
  rounds: { planned: number; done: number };
  wallS: number;
  notes: string[];
}

export async function benchPruning(options: PruningBenchOptions): Promise<PruningFigures> {
  const startedAt = Date.now();
  const notes: string[] = [];
  const arch = resolveModel(options.model);
  const pomtLayer = options.pomtLayer ?? 3;
  const pomtRemove = options.pomtRemove ?? 56;
  const sweep = await runSweepJob({
    model: arch.id,
    ep: options.ep,
    seed: options.seed,
    intraOpThreads: options.intraOpThreads,
    // a lighter sweep than `tune`'s (4 passes over 40 counts) keeps the whole entry near 3 minutes
    passes: 3,
    maxSurveyPoints: 30,
    onProgress: (p) => options.onProgress?.(`sweep ${p.stage}: ${p.detail}`, p.done, p.total),
  });
  const loaded = loadedFromSweep('bench sweep', sweep.profile);
  const model = latencyModel(latencyCurveFromProfile(loaded, arch.depth));

  const baselineTokens = arch.tokens;
  const pomtLayers = [{ layer: pomtLayer, remove: pomtRemove }];
  const plan = planVariants(arch, { baselineTokens, layers: pomtLayers, method: 'pomt', keepTokens: baselineTokens - pomtRemove });
  const pomt = { ...plan.variants[1], key: 'pomt', label: `POMT, ${pomtRemove} at layer ${pomtLayer}` };
  const budget = pomt.removedTokenLayers;

  const edges = plateauRightEdges(sweep.profile.steps, model.tokens, baselineTokens).map((edge) => edge.keepTokens);
  const dpCandidates = edges.length > 0 ? 'plateau-right-edges' : 'measured-counts';
  const candidates = edges.length > 0 ? edges : model.tokens.filter((n) => n >= MIN_KEEP_TOKENS && n < baselineTokens);
  const dpCandidatesReason =
    edges.length > 0
      ? `plateau right edges ${edges.join(', ')} below the profile's confident steps`
      : `the profile has no confident step (${sweep.profile.regime}): \`edgetune schedule --method dp\` would keep every token, so the DP here chooses among all ${candidates.length} measured counts`;
  notes.push(`DP candidates: ${dpCandidatesReason}`);
  const layerMs = edges.length > 0 ? model.layerMs : nonDecreasingLayerMs(model);
  const dp = solveDpSchedule({
    depth: arch.depth,
    baselineTokens,
    keepCandidates: candidates,
    budget,
    layerCostMs: (attentionTokens, mlpTokens) =>
      attentionShare(arch, attentionTokens) * layerMs(attentionTokens) + (1 - attentionShare(arch, mlpTokens)) * layerMs(mlpTokens),
  });
  const dpVariant = makeVariant(
    arch,
    'dp',
    `DP, ${dp.layers.map((layer) => `${layer.remove} at layer ${layer.layer}`).join(', ') || 'keeps all'}`,
    { method: 'pomt', layers: dp.layers },
    baselineTokens,
  );
  plan.matching.forEach((line) => notes.push(`matched budget: ${line}`));
  const variants = [plan.variants[0], pomt, dpVariant, ...plan.variants.slice(2)];

  const comparison = await compareVariants({
    arch,
    variants,
    ep: options.ep,
    batch: 1,
    seed: options.seed,
    rounds: options.rounds,
    rule: DEFAULT_STOPPING_RULE,
    intraOpThreads: options.intraOpThreads,
    predictor: profilePredictor(loaded, arch, { ep: options.ep, batch: 1 }),
    onProgress: (p) => options.onProgress?.(`${p.stage}: ${p.detail}`, p.done, p.total),
  });
  const index = (key: string) => variants.findIndex((variant) => variant.key === key);
  const relative = Object.fromEntries(
    variants.slice(1).map((variant) => [variant.key, roundRatio(comparison.rounds.visits, index(variant.key), 0)?.median ?? null]),
  );
  const measuredDp = comparison.variants[index('dp')];
  const measuredPomt = comparison.variants[index('pomt')];
  const anchored = comparison.prediction?.medianAbsAnchoredErrorPct ?? null;
  return {
    model: arch.id,
    ep: options.ep,
    batch: 1,
    intraOpThreads: options.intraOpThreads ?? 'onnxruntime default',
    profile: {
      unit: sweep.profile.unit,
      regime: sweep.profile.regime,
      steps: sweep.profile.steps.length,
      confidentSteps: edges.length,
      sweepWallS: sweep.profile.sweep.wallMs / 1000,
      fullModelMedianAbsErrorPct: sweep.profile.fullModel?.medianAbsErrorPct ?? null,
    },
    budgetTokenLayers: budget,
    dpCandidates,
    dpCandidatesReason,
    variants: comparison.variants.map(({ key, label, removedTokenLayers, medianMs, p10Ms, p90Ms, samples, speedup, predictedMs, predictedSpeedup, predictionErrorPct, anchoredErrorPct }) => ({
      key,
      label,
      removedTokenLayers,
      medianMs,
      p10Ms,
      p90Ms,
      samples,
      speedup,
      predictedMs,
      predictedSpeedup,
      predictionErrorPct,
      anchoredErrorPct,
    })),
    medianAbsPredictionErrorPct: anchored,
    medianAbsRawPredictionErrorPct: comparison.prediction?.medianAbsErrorPct ?? null,
    meetsTarget: anchored !== null && anchored <= 5,
    latencyRelativeToBaseline: relative,
    dpOverPomt: roundRatio(comparison.rounds.visits, index('dp'), index('pomt')),
    dpOverPomtPredicted:
      measuredDp.predictedMs !== undefined && measuredPomt.predictedMs !== undefined ? measuredDp.predictedMs / measuredPomt.predictedMs : null,
    rounds: { planned: options.rounds, done: comparison.rounds.roundsDone },
    wallS: (Date.now() - startedAt) / 1000,
    notes,
  };
}
