import { UserError } from '../engine/errors.js';
import { scheduleMethodSchema, type ScheduleMethod } from '../engine/contracts/schedule.js';
import type { ScheduleJobOptions } from '../engine/jobs/schedule-job.js';
import { integerOption, numberOption, stringOption } from './args.js';

export const scheduleOptionSpec = {
  accuracy: { type: 'string' },
  alpha: { type: 'string' },
  layer: { type: 'string' },
  'max-remove': { type: 'string' },
  'max-tokens': { type: 'string' },
  method: { type: 'string' },
  budget: { type: 'string' },
} as const;

export const scheduleOptionsHelp = `  --accuracy FILE     accuracy curve CSV (tokens,accuracy): use POMT's utility instead of the minimal move
  --alpha A           latency weight in the utility, 0..1 (default 0.5)
  --layer K           0-based layer where tokens are removed (default 3, or the last layer
                      of a network with fewer than 4)
  --max-remove F      the minimal move removes at most this share of the tokens (default 0.1)
  --max-tokens N      the full token count, if not the model's (or the profile's largest count)
  --method pomt|dp    pomt (default): all tokens removed at one layer; dp: per-layer counts on
                      plateau right edges minimising predicted latency within --budget
  --budget N          dp: most tokens removed, summed over layers (default: --max-remove of
                      every layer's tokens, e.g. 0.1 × 197 × 12 = 236)`;

export function scheduleJobOptions(values: Record<string, string | boolean | undefined>): ScheduleJobOptions {
  const method = stringOption(values.method) ?? 'pomt';
  if (!scheduleMethodSchema.safeParse(method).success) {
    throw new UserError('bad-arguments', `--method ${method} is not a schedule method`, `use one of: ${scheduleMethodSchema.options.join(', ')}`);
  }
  if (values.budget !== undefined && method !== 'dp') {
    throw new UserError('bad-arguments', `--budget is the removed-token budget of --method dp; --method ${method} does not use it`, 'add --method dp, or leave out --budget');
  }
  return {
    accuracyCsv: stringOption(values.accuracy),
    alpha: numberOption('alpha', stringOption(values.alpha), 0.5, 0, 1),
    layer: values.layer === undefined ? undefined : integerOption('layer', stringOption(values.layer), 3, 0, 1000),
    maxRemoveFraction: numberOption('max-remove', stringOption(values['max-remove']), 0.1, 0.001, 1),
    maxTokens: values['max-tokens'] === undefined ? undefined : integerOption('max-tokens', stringOption(values['max-tokens']), 197),
    method: method as ScheduleMethod,
    budget: values.budget === undefined ? undefined : integerOption('budget', stringOption(values.budget), 236, 0),
  };
}
