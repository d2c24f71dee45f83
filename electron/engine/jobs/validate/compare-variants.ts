/**
 * Token-reduction variants of one ViT timed end to end against its unpruned encoder, in shuffled
 * rounds on one provider, each beside what the profile predicted for it. Shared by `edgetune
 * validate` and the pruning bench.
 */
import type { BackendDescription } from '../../measure/backend.js';
import type { ExecutionProvider } from '../../measure/execution-providers.js';
import type { GraphRecipe } from '../../measure/graph-set.js';
import type { StoppingRule } from '../../measure/stopping-rule.js';
import { WorkerBackend } from '../../measure/worker-backend.js';
import type { VitArchitecture } from '../../models/architectures.js';
import { median } from '../../util/stats.js';
import { formatRawTimingsCsv } from '../raw-timings.js';
import type { VariantPredictor } from './prediction.js';
import { graphTimes, measureInRounds, roundRatio, type RoundRatio, type RoundsResult } from './rounds.js';
import type { ValidationVariant } from './variants.js';

export interface CompareVariantsInput {
  arch: VitArchitecture;
  /** the first is the baseline every speedup is relative to */
  variants: ValidationVariant[];
  ep: ExecutionProvider;
  batch: number;
  seed: number;
  rounds: number;
  rule: StoppingRule;
  intraOpThreads?: number;
  predictor?: VariantPredictor;
  /** graphs timed in the same rounds that are not variants of the ViT (a user's own export), after the variants */
  references?: ReferenceGraph[];
  signal?: AbortSignal;
  onProgress?: (progress: { stage: string; done: number; total: number; detail: string }) => void;
}

export interface MeasuredVariant {
  key: string;
  label: string;
  method: ValidationVariant['method'];
  perLayer?: number;
  layers?: { layer: number; remove: number }[];
  tokensAfterLayer: number[];
  removedTokenLayers: number;
  macs: number;
  /** null when no round reached this variant (cancelled early) */
  medianMs: number | null;
  p10Ms: number | null;
  p90Ms: number | null;
  iqrMs: number | null;
  /** timed iterations over all rounds */
  samples: number;
  roundMediansMs: number[];
  /** baseline ÷ this variant, per round: above 1 is faster than the baseline */
  speedup: RoundRatio | null;
  predictedMs?: number;
  predictedSpeedup?: number;
  /** predicted vs measured ms, as they are: includes any drift of the machine since the profile */
  predictionErrorPct?: number;
  /** the prediction scaled so the baseline's equals its measurement in this run: the model's own error */
  anchoredErrorPct?: number;
}

export interface ReferenceGraph {
  key: string;
  label: string;
  recipe: GraphRecipe;
}

/** A reference graph's times beside the baseline's; it has no token budget or prediction. */
export interface MeasuredReference {
  key: string;
  label: string;
  /** null when no round reached it */
  medianMs: number | null;
  p10Ms: number | null;
  p90Ms: number | null;
  iqrMs: number | null;
  samples: number;
  roundMediansMs: number[];
  /** baseline ÷ this graph, per round, as for the variants: below 1 is slower than the baseline */
  speedup: RoundRatio | null;
}

export interface PredictionSummary {
  source: string;
  unit: 'block' | 'model';
  caveats: string[];
  /** median |error| over the pruned variants (the baseline left out), raw and anchored */
  medianAbsErrorPct: number | null;
  medianAbsAnchoredErrorPct: number | null;
}

export interface VariantComparison {
  variants: MeasuredVariant[];
  references: MeasuredReference[];
  prediction: PredictionSummary | null;
  /** graph indices in `rounds` are the variants', then the references' */
  rounds: RoundsResult;
  backend: BackendDescription;
  rawTimingsCsv: string;
}

export function graphRecipe(arch: VitArchitecture, variant: ValidationVariant, seed: number): GraphRecipe {
  const sized = variant.inputTokens === arch.tokens ? arch : { ...arch, tokens: variant.inputTokens };
  return variant.reduction ? { kind: 'vit-encoder', arch: sized, seed, reduction: variant.reduction } : { kind: 'vit-encoder', arch: sized, seed };
}

export async function compareVariants(input: CompareVariantsInput): Promise<VariantComparison> {
  const { variants, onProgress } = input;
  const references = input.references ?? [];
  const keys = [...variants.map((variant) => variant.key), ...references.map((reference) => reference.key)];
  const backend = await WorkerBackend.start({
    kind: 'graphs',
    options: {
      graphs: [...variants.map((variant) => graphRecipe(input.arch, variant, input.seed)), ...references.map((reference) => reference.recipe)],
      ep: input.ep,
      batch: input.batch,
      seed: input.seed,
      intraOpThreads: input.intraOpThreads,
    },
  });
  let rounds: RoundsResult;
  try {
    rounds = await measureInRounds({
      backend,
      count: keys.length,
      rounds: input.rounds,
      rule: input.rule,
      seed: input.seed,
      signal: input.signal,
      onVisit: ({ done, total, round, graph, firstVisit }) =>
        onProgress?.({ stage: `round ${round + 1}/${input.rounds}`, done, total, detail: `${firstVisit ? 'building ' : ''}${keys[graph]}` }),
    });
  } finally {
    await backend.close();
  }
  const measured = variants.map((variant, index) => measuredVariant(variant, index, rounds, input.predictor, variants[0]));
  const pruned = measured.slice(1);
  const errors = (pick: (variant: MeasuredVariant) => number | undefined) =>
    pruned.map(pick).filter((value): value is number => value !== undefined && Number.isFinite(value)).map(Math.abs);
  const raw = errors((variant) => variant.predictionErrorPct);
  const anchored = errors((variant) => variant.anchoredErrorPct);
  return {
    variants: measured,
    references: references.map((reference, index) => measuredReference(reference, variants.length + index, rounds)),
    prediction: input.predictor
      ? {
          source: input.predictor.source,
          unit: input.predictor.unit,
          caveats: input.predictor.caveats,
          medianAbsErrorPct: raw.length > 0 ? median(raw) : null,
          medianAbsAnchoredErrorPct: anchored.length > 0 ? median(anchored) : null,
        }
      : null,
    rounds,
    backend: backend.describe(),
    rawTimingsCsv: formatRawTimingsCsv(
      keys.map((key, index) => ({ workload: key, visits: rounds.visits.filter((entry) => entry.graph === index).map((entry) => entry.visit) })),
    ),
  };
}

function measuredReference(reference: ReferenceGraph, index: number, rounds: RoundsResult): MeasuredReference {
  const times = graphTimes(rounds.visits, index);
  return {
    key: reference.key,
    label: reference.label,
    medianMs: times?.medianMs ?? null,
    p10Ms: times?.p10Ms ?? null,
    p90Ms: times?.p90Ms ?? null,
    iqrMs: times?.iqrMs ?? null,
    samples: times?.samples ?? 0,
    roundMediansMs: times?.roundMediansMs ?? [],
    speedup: roundRatio(rounds.visits, 0, index),
  };
}

function measuredVariant(variant: ValidationVariant, index: number, rounds: RoundsResult, predictor: VariantPredictor | undefined, baseline: ValidationVariant): MeasuredVariant {
  const times = graphTimes(rounds.visits, index);
  const speedup = index === 0 ? (times ? { median: 1, q25: 1, q75: 1, rounds: times.roundMediansMs.length } : null) : roundRatio(rounds.visits, 0, index);
  const result: MeasuredVariant = {
    key: variant.key,
    label: variant.label,
    method: variant.method,
    ...(variant.perLayer !== undefined ? { perLayer: variant.perLayer } : {}),
    ...(variant.reduction?.layers ? { layers: variant.reduction.layers.map((layer) => ({ ...layer })) } : {}),
    tokensAfterLayer: variant.tokensAfterLayer,
    removedTokenLayers: variant.removedTokenLayers,
    macs: variant.macs,
    medianMs: times?.medianMs ?? null,
    p10Ms: times?.p10Ms ?? null,
    p90Ms: times?.p90Ms ?? null,
    iqrMs: times?.iqrMs ?? null,
    samples: times?.samples ?? 0,
    roundMediansMs: times?.roundMediansMs ?? [],
    speedup,
  };
  if (!predictor) return result;
  const predictedMs = predictor.predictMs(variant.counts);
  const predictedSpeedup = predictor.predictMs(baseline.counts) / predictedMs;
  return {
    ...result,
    predictedMs,
    predictedSpeedup,
    ...(times ? { predictionErrorPct: 100 * (predictedMs / times.medianMs - 1) } : {}),
    ...(speedup ? { anchoredErrorPct: 100 * (speedup.median / predictedSpeedup - 1) } : {}),
  };
}
