import { z } from 'zod';
import { stepSchema } from './profile.js';

export const SCHEDULE_SCHEMA = 'edgetune/schedule@1';

export const scheduleMethodSchema = z.enum(['pomt', 'dp']);
export type ScheduleMethod = z.infer<typeof scheduleMethodSchema>;

/**
 * The architecture a schedule's `model` record carries (`model.architecture`) when its model is not a
 * built-in: the synthetic stand-in of a user's image-input ViT export, which `edgetune validate`
 * builds the pruned graphs from.
 */
export const scheduleArchitectureSchema = z
  .object({
    id: z.string().min(1),
    family: z.enum(['vit', 'deit', 'dinov2']),
    depth: z.number().int().positive(),
    width: z.number().int().positive(),
    heads: z.number().int().positive(),
    mlpRatio: z.number().int().positive(),
    patchSize: z.number().int().positive(),
    imageSize: z.number().int().positive(),
    tokens: z.number().int().positive(),
    classes: z.number().int().positive(),
    layerScale: z.boolean(),
  })
  .loose();
export type ScheduleArchitecture = z.infer<typeof scheduleArchitectureSchema>;

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
