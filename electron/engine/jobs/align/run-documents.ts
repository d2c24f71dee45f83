/**
 * The two JSON files of an align run. state.json is the checkpoint, the one commit point: written
 * atomically after each generation's images and records, it holds everything a resume needs (the
 * search's bit-exact state, budget progress, baseline, best and the generation log; no rng state,
 * since every generation seeds its own). align.json (`edgetune/align@1`) is the summary the CLI
 * prints and the renderer reads; it is derived from the checkpoint and can always be rewritten.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { BudgetProgress, Direction, SearchState } from '../../align/index.js';
import { UserError } from '../../errors.js';
import type { BestRecord, GenerationSummary } from './records.js';
import { alignSettingsSchema, type AlignSettings } from './settings.js';

export const ALIGN_SCHEMA = 'edgetune/align@1';
export const ALIGN_CHECKPOINT_SCHEMA = 'edgetune/align-checkpoint@1';
export const ALIGN_GENERATION_SCHEMA = 'edgetune/align-generation@1';
export const checkpointFile = 'state.json';
export const summaryFile = 'align.json';

/** z0, the noise the search starts from, and its reward: what alignment is measured against. */
export interface BaselineRecord {
  readonly genomeHash: string;
  readonly reward: number | null;
  readonly violation: number | null;
  readonly image: string;
  readonly genome: string;
  /** true when the algorithm does not evaluate z0 itself (SNES, sep-CMA-ES): one image outside the budget */
  readonly extraImage: boolean;
}

export interface ModelRecord {
  readonly label: string;
  readonly kind: 'edgetune' | 'stable-diffusion';
  readonly latentShape: readonly number[];
  /** bytes of one genome: float32 × latent size */
  readonly latentBytes: number;
  readonly denoiseSteps: number;
  readonly batchSize: number;
}

export interface AlignCheckpoint {
  readonly schema: typeof ALIGN_CHECKPOINT_SCHEMA;
  readonly settings: AlignSettings;
  readonly model: ModelRecord;
  readonly search: SearchState;
  readonly progress: BudgetProgress;
  readonly baseline: BaselineRecord | null;
  readonly best: BestRecord | null;
  readonly generations: readonly GenerationSummary[];
}

export type AlignStatus = 'running' | 'complete' | 'incomplete' | 'failed';

export interface AlignDocument {
  readonly schema: typeof ALIGN_SCHEMA;
  readonly status: AlignStatus;
  /** why the run stopped: the budget limit reached, cancellation, or the error */
  readonly stopReason: string | null;
  readonly updatedAt: string;
  readonly model: ModelRecord & { readonly choice: string };
  readonly prompt: string | null;
  readonly reward: { readonly spec: string; readonly name: string; readonly direction: Direction; readonly description: string };
  readonly algorithm: AlignSettings['algorithm'];
  readonly populationSize: number;
  readonly settings: AlignSettings;
  readonly lineageNote: string;
  readonly images: number;
  readonly elapsedMs: number;
  readonly generations: readonly GenerationSummary[];
  readonly best: BestRecord | null;
  readonly baseline: BaselineRecord | null;
  readonly files: { readonly checkpoint: string; readonly generations: string; readonly genomes: string };
}

const checkpointSchema = z.object({
  schema: z.literal(ALIGN_CHECKPOINT_SCHEMA),
  settings: alignSettingsSchema,
  model: z.looseObject({ label: z.string(), kind: z.enum(['edgetune', 'stable-diffusion']), latentShape: z.array(z.number().int().positive()) }),
  search: z.looseObject({ algorithm: z.string(), dimension: z.number() }),
  progress: z.object({ generations: z.number().int().nonnegative(), evaluations: z.number().int().nonnegative(), elapsedMs: z.number().nonnegative() }),
  baseline: z.looseObject({ genomeHash: z.string() }).nullable(),
  best: z.looseObject({ genomeHash: z.string(), generation: z.number() }).nullable(),
  generations: z.array(z.looseObject({ generation: z.number() })),
});

/** Reads a run's checkpoint for `--resume`, with errors that say what to do. */
export async function readCheckpoint(folder: string): Promise<AlignCheckpoint> {
  const file = path.join(folder, checkpointFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        'align-nothing-to-resume',
        `${folder} has no ${checkpointFile}: the run stopped before its first checkpoint`,
        'start it again without --resume (same --out to reuse the folder)',
      );
    }
    throw new UserError('align-state-invalid', `cannot read ${file}: ${(error as Error).message}`, 'check the folder is readable');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError('align-state-invalid', `${file} is not valid JSON: ${(error as Error).message}`, 'the checkpoint is damaged; start a fresh run');
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      'align-state-invalid',
      `${file} is not an EdgeTune align checkpoint: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      'resume from a folder `edgetune align` wrote, or start a fresh run',
    );
  }
  return parsed.data as unknown as AlignCheckpoint;
}
