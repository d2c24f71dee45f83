import type { Schedule, ScheduleMethod } from '../contracts/schedule.js';
import { planSchedule } from '../schedule/plan.js';
import { readAccuracyCsvFile } from '../staircase/read-csv.js';
import { latencyCurveFromProfile } from './latency-curve.js';
import type { LoadedProfile } from './load-profile.js';

export interface ScheduleJobOptions {
  accuracyCsv?: string;
  alpha?: number;
  layer?: number;
  maxRemoveFraction?: number;
  maxTokens?: number;
  /** network depth for profiles that do not say (other tools' CSVs) */
  depth?: number;
  method?: ScheduleMethod;
  /** dp: most tokens removed, summed over layers */
  budget?: number;
}

/** A schedule for a loaded profile: the model's full count is the baseline unless capped. */
export async function scheduleFromProfile(loaded: LoadedProfile, options: ScheduleJobOptions): Promise<Schedule> {
  const { profile } = loaded;
  const accuracy = options.accuracyCsv ? await readAccuracyCsvFile(options.accuracyCsv) : undefined;
  const modelTokens = typeof profile.model === 'object' && typeof profile.model.tokens === 'number' ? profile.model.tokens : undefined;
  const measuredMax = Math.max(...profile.points.map((point) => point.tokens));
  return planSchedule({
    curve: latencyCurveFromProfile(loaded, options.depth),
    staircase: {
      regime: profile.regime ?? 'too-few-points',
      steps: profile.steps,
      plateaus: profile.plateaus,
      summary: profile.summary ?? '',
    },
    model: profile.model,
    device: profile.device,
    ep: profile.ep,
    baselineTokens: Math.min(modelTokens ?? measuredMax, measuredMax),
    accuracy,
    accuracySource: options.accuracyCsv ? `csv:${options.accuracyCsv}` : 'none',
    alpha: options.alpha,
    layer: options.layer,
    maxRemoveFraction: options.maxRemoveFraction,
    maxTokens: options.maxTokens,
    method: options.method,
    budget: options.budget,
  });
}
