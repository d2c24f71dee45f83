import path from 'node:path';
import { UserError } from '../../engine/errors.js';
import { loadProfile } from '../../engine/jobs/load-profile.js';
import { scheduleFromProfile } from '../../engine/jobs/schedule-job.js';
import { writeJsonAtomic } from '../../engine/store/files.js';
import { ensureWritableFolder } from '../../engine/store/files.js';
import { integerOption, parseCommandArgs, stringOption } from '../args.js';
import { createOutput } from '../output.js';
import { scheduleJobOptions, scheduleOptionSpec, scheduleOptionsHelp } from '../schedule-options.js';
import { formatScheduleSummary, formatSteps } from '../summaries.js';
import { help } from './probe.js';

export const scheduleHelp = `edgetune schedule --profile <DIR|profile.json|file.csv> [options]

A token-pruning schedule (schedule.json) from a latency profile: EdgeTune's, or another tool's CSV
with a token column (tokens or n) and a latency column (median_ms, latency_ms or ms).

  --profile PATH      a run folder, its profile.json, or a CSV
${scheduleOptionsHelp}
  --depth N           transformer blocks, for CSV profiles (default 12)
  --out FILE          where to write schedule.json (default: beside the profile)
  --json              print schedule.json to stdout`;

export async function scheduleCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('schedule', argv, { ...scheduleOptionSpec, profile: { type: 'string' }, depth: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } } as const);
  if (values.help) return help(scheduleHelp);
  const profilePath = stringOption(values.profile);
  if (!profilePath) throw new UserError('bad-arguments', 'schedule needs --profile', 'pass a run folder or profile.json from `edgetune sweep`, or a CSV profile');
  // Options are checked before the profile is read: a wrong flag is named even when the path is wrong too.
  const jobOptions = {
    ...scheduleJobOptions(values),
    depth: values.depth === undefined ? undefined : integerOption('depth', stringOption(values.depth), 12, 1, 1000),
  };
  const loaded = await loadProfile(profilePath);
  const schedule = await scheduleFromProfile(loaded, jobOptions);
  const out = stringOption(values.out) ?? path.join(path.dirname(loaded.source), 'schedule.json');
  await ensureWritableFolder(path.dirname(path.resolve(out)));
  await writeJsonAtomic(out, schedule);
  createOutput(Boolean(values.json)).result(schedule, () => {
    const lines = [formatScheduleSummary(schedule)];
    if (schedule.steps.length > 0) lines.push('', 'steps in the profile:', formatSteps(schedule.steps));
    lines.push('', `written: ${out}`);
    return lines.join('\n');
  });
  return 0;
}
