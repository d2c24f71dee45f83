import { CancelledError } from '../../engine/errors.js';
import { loadedFromSweep } from '../../engine/jobs/load-profile.js';
import { scheduleFromProfile } from '../../engine/jobs/schedule-job.js';
import { probe } from '../../engine/probe/probe.js';
import { selectProvider } from '../../engine/probe/select-provider.js';
import { RunFolder } from '../../engine/store/runs.js';
import { parseCommandArgs, stringOption } from '../args.js';
import { createOutput } from '../output.js';
import { scheduleJobOptions, scheduleOptionSpec, scheduleOptionsHelp } from '../schedule-options.js';
import { sweepWithProgress } from '../sweep-session.js';
import { formatProfileSummary, formatScheduleSummary } from '../summaries.js';
import { formatProbe, help } from './probe.js';
import { sweepJobOptions, sweepOptions } from './sweep.js';

export const tuneHelp = `edgetune tune [--model vit-b16] [--ep auto] [--out DIR] [options]

The main job: probe this machine, sweep the model's latency against its token count on the best
execution provider that works, find the staircase and write a pruning schedule that lands just
below a step. Everything goes into one run folder: probe.json, profile.json, profile.csv,
raw-timings.csv, schedule.json, run.json. Your own image-input ViT export works too
(--model my-vit.onnx): the synthetic ViT of its shape is swept, and
\`edgetune validate --schedule <run>/schedule.json\` then checks the schedule beside your export.

Sweep options (see \`edgetune sweep --help\`): --model --backend --ep --fallback --device --dtype
  --cuda-graphs --python --trtexec --width --tokens --batch --passes --strategy --skip-validation
  --threads --seed --out --json --quiet
Schedule options:
${scheduleOptionsHelp}`;

export async function tuneCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('tune', argv, { ...sweepOptions, ...scheduleOptionSpec } as const);
  if (values.help) return help(tuneHelp);
  const model = stringOption(values.model) ?? 'vit-b16';
  const sweepOptionsParsed = sweepJobOptions(values, model);
  const scheduleOptions = scheduleJobOptions(values);
  const output = createOutput(Boolean(values.json), Boolean(values.quiet));
  const run = await RunFolder.create({ kind: 'tune', label: model, out: stringOption(values.out) });
  try {
    output.info('probing this machine and its execution providers…');
    const probed = await probe({ python: sweepOptionsParsed.python, trtexec: sweepOptionsParsed.trtexec });
    await run.writeJson('probe.json', probed);
    const selection = sweepOptionsParsed.backend === 'ort' ? await selectProvider(sweepOptionsParsed.ep, sweepOptionsParsed.fallback, probed.onnxruntime.providers) : undefined;
    const sweep = await sweepWithProgress({ ...sweepOptionsParsed, system: probed.system, selection, native: probed.native }, output, run);
    const complete = sweep.profile.complete;
    if (!complete) {
      await run.finish('incomplete', 'cancelled during the sweep: no schedule from a partial profile');
      output.warn(`cancelled: the partial profile is saved in ${run.folder}; run \`edgetune schedule --profile ${run.folder}\` if it covers the counts you need`);
      return 130;
    }
    const schedule = await scheduleFromProfile(loadedFromSweep(run.path('profile.json'), sweep.profile), scheduleOptions);
    await run.writeJson('schedule.json', schedule);
    await run.finish('complete');
    output.result({ runFolder: run.folder, probe: probed, profile: sweep.profile, schedule }, () =>
      [
        formatProbe(probed),
        '',
        formatProfileSummary(sweep.profile, schedule.keepTokens < schedule.baselineTokens ? { tokens: schedule.keepTokens, label: `keep ${schedule.keepTokens}` } : undefined),
        '',
        formatScheduleSummary(schedule),
        '',
        `run folder: ${run.folder}`,
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    await run.finish(error instanceof CancelledError ? 'incomplete' : 'failed', (error as Error).message);
    throw error;
  }
}
