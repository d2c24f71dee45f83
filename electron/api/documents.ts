/**
 * The run documents the UI renders beyond profiles and schedules: validation.json, match.json,
 * vittm-compare.json, vittm-grid.json, align.json and each generation's candidates.json. The
 * engine writes them from TypeScript interfaces (electron/engine/jobs/**); these schemas type the
 * fields the UI reads and let every other field pass through, so that a newer engine's documents
 * still open. Browser-safe like the contract: zod and the engine's zod-only contracts only.
 */
import { z } from 'zod';
import { plateauSchema, profilePointSchema, stepSchema } from '../engine/contracts/profile.js';

/** JSON has no NaN: a statistic of nothing measured is written as null. */
const msOrNull = z.number().nullable();

/** Per-round ratios of two medians and how far the rounds agree. */
export const roundRatioSchema = z.looseObject({ median: z.number(), q25: z.number(), q75: z.number(), rounds: z.number() });
export type RoundRatio = z.infer<typeof roundRatioSchema>;

const roundsSchema = z.looseObject({ planned: z.number(), done: z.number(), seed: z.number() });

// ---------------------------------------------------------------- edgetune validate

export const VALIDATION_SCHEMA = 'edgetune/validation@1';

export const measuredVariantSchema = z.looseObject({
  key: z.string(),
  label: z.string(),
  /** baseline | pomt | topk | tome */
  method: z.string(),
  tokensAfterLayer: z.array(z.number()),
  removedTokenLayers: z.number(),
  macs: z.number(),
  medianMs: msOrNull,
  p10Ms: msOrNull,
  p90Ms: msOrNull,
  samples: z.number(),
  /** baseline ÷ this variant per round: above 1 is faster than the baseline */
  speedup: roundRatioSchema.nullable(),
  predictedMs: z.number().optional(),
  predictedSpeedup: z.number().optional(),
  /** the prediction scaled so the baseline's equals its measurement in this run */
  anchoredErrorPct: z.number().optional(),
  predictionErrorPct: z.number().optional(),
});
export type MeasuredVariant = z.infer<typeof measuredVariantSchema>;

export const validationDocumentSchema = z.looseObject({
  schema: z.literal(VALIDATION_SCHEMA),
  createdAt: z.string(),
  complete: z.boolean(),
  ep: z.string(),
  batch: z.number(),
  model: z.record(z.string(), z.unknown()),
  schedule: z.looseObject({
    method: z.string(),
    baselineTokens: z.number(),
    keepTokens: z.number(),
    layers: z.array(z.object({ layer: z.number(), remove: z.number() })),
    predictedSpeedup: z.number(),
  }),
  matching: z.looseObject({ by: z.string(), notes: z.array(z.string()) }),
  variants: z.array(measuredVariantSchema),
  prediction: z
    .looseObject({ source: z.string(), medianAbsErrorPct: z.number().nullable(), medianAbsAnchoredErrorPct: z.number().nullable() })
    .nullable(),
  verdict: z.array(z.string()),
  rounds: roundsSchema,
  notes: z.array(z.string()),
  failure: z.string().optional(),
});
export type ValidationDocument = z.infer<typeof validationDocumentSchema>;

// ---------------------------------------------------------------- edgetune match

export const MATCH_SCHEMA = 'edgetune/match@1';

const timedModelSchema = z.looseObject({ label: z.string(), medianMs: msOrNull, p10Ms: msOrNull, p90Ms: msOrNull, samples: z.number() });

export const matchDocumentSchema = z.looseObject({
  schema: z.literal(MATCH_SCHEMA),
  createdAt: z.string(),
  complete: z.boolean(),
  ep: z.string(),
  batch: z.number(),
  model: z.looseObject({ file: z.string() }),
  architecture: z.looseObject({ id: z.string().optional(), depth: z.number(), width: z.number(), heads: z.number(), tokens: z.number() }),
  builtin: z.string().nullable(),
  differences: z.array(z.string()),
  measured: z.looseObject({ model: timedModelSchema.nullable(), standIn: timedModelSchema.nullable() }),
  latencyErrorPct: z.number().nullable(),
  verdict: z.array(z.string()),
  rounds: roundsSchema,
  notes: z.array(z.string()),
  failure: z.string().optional(),
});
export type MatchDocument = z.infer<typeof matchDocumentSchema>;

// ---------------------------------------------------------------- edgetune vittm compare / grid

export const VITTM_COMPARE_SCHEMA = 'edgetune/vittm-compare@1';
export const VITTM_GRID_SCHEMA = 'edgetune/vittm-grid@1';

export const ratioSpreadSchema = roundRatioSchema.extend({ iqr: z.number(), min: z.number(), max: z.number() });

export const comparedModelSchema = z.looseObject({
  key: z.string(),
  label: z.string(),
  /** vit | vittm | pruned-vit */
  role: z.string(),
  input: z.string(),
  macs: z.number(),
  medianMs: msOrNull,
  p10Ms: msOrNull,
  p90Ms: msOrNull,
  samples: z.number(),
});

export const modelRatioSchema = z.looseObject({
  numerator: z.string(),
  denominator: z.string(),
  latencyRatio: ratioSpreadSchema.nullable(),
  macRatio: z.number(),
});
export type ModelRatio = z.infer<typeof modelRatioSchema>;

export const vittmCompareDocumentSchema = z.looseObject({
  schema: z.literal(VITTM_COMPARE_SCHEMA),
  createdAt: z.string(),
  complete: z.boolean(),
  ep: z.string(),
  batch: z.number(),
  patchSetting: z.string(),
  models: z.array(comparedModelSchema),
  pairs: z.array(
    z.looseObject({
      vittm: z.string(),
      vit: z.string(),
      prunedVit: z.string().optional(),
      vittmOverVit: modelRatioSchema,
      vittmOverPrunedVit: modelRatioSchema.optional(),
      prunedVitOverVit: modelRatioSchema.optional(),
    }),
  ),
  rounds: roundsSchema,
  notes: z.array(z.string()),
  failure: z.string().optional(),
});
export type VittmCompareDocument = z.infer<typeof vittmCompareDocumentSchema>;

export const vittmGridDocumentSchema = z.looseObject({
  schema: z.literal(VITTM_GRID_SCHEMA),
  createdAt: z.string(),
  complete: z.boolean(),
  ep: z.string(),
  model: z.record(z.string(), z.unknown()),
  batch: z.number(),
  memoryTokens: z.array(z.number()),
  processTokens: z.array(z.number()),
  /** rows follow memoryTokens, columns processTokens; null where a cell was not measured */
  grid: z.looseObject({ medianMs: z.array(z.array(msOrNull)), macs: z.array(z.array(z.number())) }),
  /** each memory count read as a staircase along the process axis (`tokens` = process tokens) */
  rows: z.array(
    z.looseObject({
      memoryTokens: z.number(),
      points: z.array(profilePointSchema.loose()),
      steps: z.array(stepSchema),
      plateaus: z.array(plateauSchema),
      regime: z.string(),
      summary: z.string(),
    }),
  ),
  steps: z.array(stepSchema.extend({ memoryTokens: z.number() }).loose()),
  reference: z.looseObject({ memoryTokens: z.number(), processTokens: z.number(), medianMs: z.number(), driftPct: z.number() }),
  notes: z.array(z.string()),
  failure: z.string().optional(),
});
export type VittmGridDocument = z.infer<typeof vittmGridDocumentSchema>;

// ---------------------------------------------------------------- edgetune align

export const ALIGN_SCHEMA = 'edgetune/align@1';
export const ALIGN_GENERATION_SCHEMA = 'edgetune/align-generation@1';

/** What the search of an align run can be: `--algo`. */
export const ALIGN_ALGORITHMS = ['cosyne', 'snes', 'cmaes', 'random', 'zero-order'] as const;
export const alignAlgorithmSchema = z.enum(ALIGN_ALGORITHMS);
export type AlignAlgorithm = z.infer<typeof alignAlgorithmSchema>;

const rewardOrNull = z.number().nullable();

/** One generation as align.json and the `align-generation` event carry it. */
export const generationSummarySchema = z.looseObject({
  generation: z.number().int().nonnegative(),
  images: z.number(),
  /** images since the run began */
  imagesTotal: z.number(),
  /** this generation's best by the search's own order (constraints first); null if none was valid */
  bestReward: rewardOrNull,
  bestCandidate: z.number().nullable(),
  meanReward: rewardOrNull,
  medianReward: rewardOrNull,
  /** the best candidate of the whole run so far */
  bestSoFar: z.looseObject({ generation: z.number(), candidate: z.number(), genomeHash: z.string(), reward: z.number(), violation: z.number() }).nullable(),
  improved: z.boolean(),
  invalid: z.number(),
  infeasible: z.number(),
  timing: z.looseObject({ wallMs: z.number(), pipelineMs: z.number(), rewardMs: z.number(), searchMs: z.number(), filesMs: z.number() }),
  /** generations/<k>/candidates.json, relative to the run folder */
  candidates: z.string(),
});
export type GenerationSummary = z.infer<typeof generationSummarySchema>;

/** One candidate of a generation (candidates.json) with its lineage. */
export const candidateRecordSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  genomeHash: z.string(),
  /** the PNG, relative to the run folder */
  image: z.string(),
  reward: rewardOrNull,
  /** 0 when every constraint of the reward holds */
  violation: rewardOrNull,
  /** initial | random | distribution | crossover | permutation | neighbour */
  operator: z.string(),
  /** genome hashes of the candidates it was made from; empty when it has none */
  parents: z.array(z.string()),
  /** crossover: the first coordinate taken from the second parent */
  cut: z.number().optional(),
});
export type CandidateRecord = z.infer<typeof candidateRecordSchema>;

export const alignGenerationDocumentSchema = z.looseObject({
  schema: z.literal(ALIGN_GENERATION_SCHEMA),
  generation: z.number(),
  algorithm: z.string(),
  /** what parents mean for this algorithm, or why it has none */
  lineageNote: z.string(),
  candidates: z.array(candidateRecordSchema),
});
export type AlignGenerationDocument = z.infer<typeof alignGenerationDocumentSchema>;

const imageRecordSchema = z.looseObject({ genomeHash: z.string(), reward: rewardOrNull, violation: rewardOrNull, image: z.string(), genome: z.string() });

export const alignDocumentSchema = z.looseObject({
  schema: z.literal(ALIGN_SCHEMA),
  status: z.enum(['running', 'complete', 'incomplete', 'failed']),
  stopReason: z.string().nullable(),
  updatedAt: z.string(),
  model: z.looseObject({ choice: z.string(), label: z.string(), kind: z.string(), latentShape: z.array(z.number()), denoiseSteps: z.number(), batchSize: z.number() }),
  prompt: z.string().nullable(),
  reward: z.looseObject({ spec: z.string(), name: z.string(), direction: z.enum(['min', 'max']), description: z.string() }),
  algorithm: z.string(),
  populationSize: z.number(),
  settings: z.looseObject({ seed: z.number(), budget: z.looseObject({ generations: z.number().optional(), evaluations: z.number().optional(), seconds: z.number().optional() }) }),
  lineageNote: z.string(),
  images: z.number(),
  elapsedMs: z.number(),
  generations: z.array(generationSummarySchema),
  best: imageRecordSchema.extend({ generation: z.number(), candidate: z.number() }).nullable(),
  baseline: imageRecordSchema.extend({ extraImage: z.boolean() }).nullable(),
});
export type AlignDocument = z.infer<typeof alignDocumentSchema>;
