/**
 * What an alignment run is: the model, prompt, reward, algorithm and budget. Saved in every
 * checkpoint so that `--resume` reopens exactly the same run, and in align.json for the renderer.
 */
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { algorithmNames, checkBudget, type AlgorithmName, type Budget, type BudgetProgress } from '../../align/index.js';
import { SAMPLERS, type SamplerName } from '../../diffusion/index.js';

export interface PipelineSettings {
  /** denoising steps per image; absent: the model's default */
  readonly denoiseSteps?: number;
  readonly sampler?: SamplerName;
  /** images per model call; fixed within a run because providers' kernels may differ by batch size */
  readonly batchSize?: number;
  /** Stable Diffusion folders only */
  readonly guidanceScale?: number;
  readonly negativePrompt?: string;
}

export interface AlignSettings {
  /** 'default' or the model folder's absolute path */
  readonly model: string;
  /** null for the default (unconditional) model */
  readonly prompt: string | null;
  /** the reward spec as given, e.g. `jpeg-size` (reward-spec.ts has the grammar) */
  readonly reward: string;
  readonly algorithm: AlgorithmName;
  /** candidates per generation; absent: the algorithm's default */
  readonly populationSize?: number;
  readonly seed: number;
  /** re-normalise candidates to the Gaussian shell, norm √d */
  readonly shell: boolean;
  readonly budget: Budget;
  readonly pipeline: PipelineSettings;
  /** the execution provider the run was started on (a resume may pick another) */
  readonly ep: string;
}

/**
 * `edgetune align` with no budget: the paper's 15 steps after the initial population (16
 * generations, 376 images for CoSyNE), cut short at 150 s so that the default run stays under
 * 3 minutes on a 2-core machine whatever the model costs.
 */
export const defaultAlignBudget: Budget = { generations: 16, seconds: 150 };

export const alignSettingsSchema = z.object({
  model: z.string().min(1),
  prompt: z.string().nullable(),
  reward: z.string().min(1),
  algorithm: z.enum(algorithmNames as [AlgorithmName, ...AlgorithmName[]]),
  populationSize: z.number().int().positive().optional(),
  seed: z.number().int(),
  shell: z.boolean(),
  budget: z.object({ generations: z.number().optional(), evaluations: z.number().optional(), seconds: z.number().optional() }),
  pipeline: z.object({
    denoiseSteps: z.number().int().positive().optional(),
    sampler: z.enum(SAMPLERS).optional(),
    batchSize: z.number().int().positive().optional(),
    guidanceScale: z.number().nonnegative().optional(),
    negativePrompt: z.string().optional(),
  }),
  ep: z.string(),
});

/**
 * The budget a resumed run continues under. Without new limits, the run's own budget (a killed run
 * finishes what it was asked to do); with them, "continue from here": each limit given is added to
 * what the run has already spent, e.g. `--resume DIR --steps 5` runs five more generations.
 */
export function resumedBudget(saved: Budget, progress: BudgetProgress, more: Budget | undefined): Budget {
  if (more === undefined || Object.values(more).every((value) => value === undefined)) return saved;
  checkBudget(more);
  return {
    ...(more.generations !== undefined ? { generations: progress.generations + more.generations } : {}),
    ...(more.evaluations !== undefined ? { evaluations: progress.evaluations + more.evaluations } : {}),
    ...(more.seconds !== undefined ? { seconds: progress.elapsedMs / 1000 + more.seconds } : {}),
  };
}

/** `--algo` as typed → an algorithm, or an error that suggests the nearest name. */
export function parseAlgorithm(name: string): AlgorithmName {
  const wanted = name.trim().toLowerCase();
  const aliases: Record<string, AlgorithmName> = { 'sep-cmaes': 'cmaes', 'cma-es': 'cmaes', zeroorder: 'zero-order', 'best-of-n': 'random' };
  const found = algorithmNames.find((algorithm) => algorithm === wanted) ?? aliases[wanted];
  if (found !== undefined) return found;
  const near = algorithmNames.find((algorithm) => editDistance(algorithm, wanted) <= 2);
  throw new UserError(
    'align-unknown-algorithm',
    `unknown search algorithm '${name}'${near === undefined ? '' : ` (did you mean '${near}'?)`}`,
    `use --algo ${algorithmNames.join(', ')}`,
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
