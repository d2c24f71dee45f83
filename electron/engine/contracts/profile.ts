import { z } from 'zod';

/** One measured token count. Times are milliseconds of one forward pass. */
export const profilePointSchema = z.object({
  tokens: z.number().int().positive(),
  medianMs: z.number().nonnegative(),
  p10Ms: z.number().nonnegative(),
  p90Ms: z.number().nonnegative(),
  iqrMs: z.number().nonnegative(),
  samples: z.number().int().nonnegative(),
  /** median / reference median of the same pass, averaged over passes; cancels slow machine drift */
  relativeToReference: z.number().positive().optional(),
  /** spread of relativeToReference across passes (max - min); large = unstable point */
  relativeSpread: z.number().nonnegative().optional(),
  passes: z.number().int().nonnegative().optional(),
  /** only visits taken while the GPU throttled its clocks (power, thermal) were available for this count */
  throttled: z.boolean().optional(),
});
export type ProfilePoint = z.infer<typeof profilePointSchema>;

/** A latency step: `tokens` is the first token count on the higher plateau. */
export const stepSchema = z.object({
  tokens: z.number().int().positive(),
  beforeMs: z.number(),
  afterMs: z.number(),
  jumpPct: z.number(),
  confidence: z.number().min(0).max(1),
  used: z.boolean().optional(),
});
export type Step = z.infer<typeof stepSchema>;

export const plateauSchema = z.object({
  from: z.number().int().positive(),
  to: z.number().int().positive(),
  medianMs: z.number(),
});
export type Plateau = z.infer<typeof plateauSchema>;

/** The shape of a latency-vs-tokens curve, in words a user can act on. */
export const curveRegimeSchema = z.enum(['staircase', 'flat', 'linear', 'ramp', 'noisy', 'too-few-points']);
export type CurveRegime = z.infer<typeof curveRegimeSchema>;

export const staircaseSchema = z.object({
  regime: curveRegimeSchema,
  steps: z.array(stepSchema),
  plateaus: z.array(plateauSchema),
  /** one sentence saying what was found, e.g. "no real steps: latency grows linearly (ramp)" */
  summary: z.string(),
});
export type Staircase = z.infer<typeof staircaseSchema>;

export const PROFILE_SCHEMA = 'edgetune/profile@1';

export const profileSchema = z
  .object({
    schema: z.literal(PROFILE_SCHEMA),
    createdAt: z.string().optional(),
    complete: z.boolean().default(true),
    device: z.record(z.string(), z.unknown()).default({}),
    ep: z.string(),
    model: z.record(z.string(), z.unknown()).or(z.string()),
    batch: z.number().int().positive().default(1),
    points: z.array(profilePointSchema),
    steps: z.array(stepSchema).default([]),
    plateaus: z.array(plateauSchema).default([]),
    regime: curveRegimeSchema.optional(),
    summary: z.string().optional(),
  })
  .loose();
export type Profile = z.infer<typeof profileSchema>;
