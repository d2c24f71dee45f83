/**
 * diffusers' scheduler_config.json as EdgeTune's samplers read it. Missing keys take DDIMScheduler's
 * defaults, which is what diffusers does when a pipeline's scheduler is swapped for DDIM.
 */
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { parseModelFile, type ModelFile } from '../files.js';
import type { SamplerName, SchedulerConfig } from './sampler.js';

const diffusersSchedulerSchema = z.object({
  _class_name: z.string().optional(),
  num_train_timesteps: z.number().int().min(2).default(1000),
  beta_start: z.number().positive().default(0.0001),
  beta_end: z.number().positive().default(0.02),
  beta_schedule: z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']).default('linear'),
  trained_betas: z.array(z.number().gt(0).lt(1)).nullable().default(null),
  prediction_type: z.enum(['epsilon', 'v_prediction', 'sample']).default('epsilon'),
  timestep_spacing: z.enum(['leading', 'trailing', 'linspace']).optional(),
  steps_offset: z.number().int().min(0).default(0),
  set_alpha_to_one: z.boolean().default(true),
  clip_sample: z.boolean().default(true),
  clip_sample_range: z.number().positive().default(1),
  thresholding: z.boolean().default(false),
  rescale_betas_zero_snr: z.boolean().default(false),
  use_karras_sigmas: z.boolean().default(false),
  timestep_type: z.string().default('discrete'),
});

export interface DiffusersScheduler {
  readonly config: SchedulerConfig;
  /** the scheduler the folder was exported with, e.g. "PNDMScheduler"; null when not recorded */
  readonly className: string | null;
  /** Euler for the Euler-family schedulers the folder names, DDIM for every other one */
  readonly defaultSampler: SamplerName;
}

export function parseDiffusersScheduler(value: unknown, file: ModelFile): DiffusersScheduler {
  const raw = parseModelFile(diffusersSchedulerSchema, value, file);
  const unsupported = [
    raw.thresholding && 'thresholding',
    raw.rescale_betas_zero_snr && 'rescale_betas_zero_snr',
    raw.timestep_type !== 'discrete' && `timestep_type "${raw.timestep_type}"`,
  ].filter((name): name is string => typeof name === 'string');
  if (unsupported.length > 0) {
    throw new UserError(
      'scheduler-unsupported',
      `${file.label} asks for ${unsupported.join(', ')}, which EdgeTune's samplers do not implement`,
      `remove ${unsupported.length === 1 ? 'that setting' : 'those settings'} from ${file.label} (EdgeTune runs DDIM and Euler on the discrete training schedule)`,
    );
  }
  const className = raw._class_name ?? null;
  return {
    className,
    defaultSampler: className !== null && /^Euler/.test(className) ? 'euler' : 'ddim',
    config: {
      trainTimesteps: raw.num_train_timesteps,
      betaSchedule: raw.beta_schedule,
      betaStart: raw.beta_start,
      betaEnd: raw.beta_end,
      trainedBetas: raw.trained_betas,
      predictionType: raw.prediction_type,
      ...(raw.timestep_spacing !== undefined ? { timestepSpacing: raw.timestep_spacing } : {}),
      stepsOffset: raw.steps_offset,
      setAlphaToOne: raw.set_alpha_to_one,
      clipRange: raw.clip_sample ? [-raw.clip_sample_range, raw.clip_sample_range] : null,
      useClippedModelOutput: false,
      useKarrasSigmas: raw.use_karras_sigmas,
    },
  };
}
