import { z } from 'zod';
import { stepSchema } from './profile.js';

export const SCHEDULE_SCHEMA = 'edgetune/schedule@1';

export const scheduleMethodSchema = z.enum(['pomt', 'dp']);
export type ScheduleMethod = z.infer<typeof scheduleMethodSchema>;

export const scheduleSchema = z
  .object({
    schema: z.literal(SCHEDULE_SCHEMA),
    method: scheduleMethodSchema,
    model: z.record(z.string(), z.unknown()).or(z.string()),
    device: z.record(z.string(), z.unknown()).default({}),
    ep: z.string(),
    baselineTokens: z.number().int().positive(),
    keepTokens: z.number().int().positive(),
    /** tokens removed at each layer (0-based); layers not listed remove none */
    layers: z.array(z.object({ layer: z.number().int().nonnegative(), remove: z.number().int().nonnegative() })),
    baselineMs: z.number(),
    predictedMs: z.number(),
    predictedSpeedup: z.number(),
    steps: z.array(stepSchema),
    /** 'none' | 'csv:<path>' | 'latency-only' */
    accuracySource: z.string(),
    alpha: z.number().min(0).max(1),
    /** why this schedule, in one or two sentences (e.g. "no step within 10 % of 197 tokens: keeping all") */
    reason: z.string(),
  })
  .loose();
export type Schedule = z.infer<typeof scheduleSchema>;
