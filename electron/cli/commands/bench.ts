import { fileURLToPath } from 'node:url';
import { UserError } from '../../engine/errors.js';
import { benchHarnessOverhead } from '../../engine/bench/harness-overhead.js';
import { benchRepeatability } from '../../engine/bench/repeatability.js';
import { benchSweepCost } from '../../engine/bench/sweep-cost.js';
import { benchTuneWall } from '../../engine/bench/tune-wall.js';
import { probeSystem } from '../../engine/probe/system.js';
import { deviceSummary } from '../../engine/jobs/sweep-job.js';
import { RunFolder } from '../../engine/store/runs.js';
import { parseCommandArgs, stringOption } from '../args.js';
import { createProgress } from '../progress.js';
import { help } from './probe.js';

const parts = ['sweep-cost', 'repeatability', 'overhead', 'tune'] as const;
type Part = (typeof parts)[number];

export const benchHelp = `edgetune bench [--only ${parts.join(',')}] [--virtual] [--out DIR]

Benchmark figures as JSON on stdout (and bench.json in the run folder). Ratios are measured side
by side in one run; absolute times on shared machines drift, so read the ratios.
  sweep-cost     EdgeTune's sweep vs POMT's protocol (≥ 2 s per count, ascending) on a synthetic
                 staircase with noise, outliers and drift: wall time ratio, steps found (±1), false steps
                 (about 7 minutes: POMT's protocol really takes 2 s per count)
  repeatability  two back-to-back default sweeps of vit-b16 on the CPU provider: shape agreement
  overhead       our median at a fixed count vs a bare session.run loop
  tune           the default \`edgetune tune\` end to end in a fresh process
  --virtual      run sweep-cost on a simulated clock (seconds instead of minutes; same protocol)`;

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('bench', argv, { only: { type: 'string' }, virtual: { type: 'boolean' }, out: { type: 'string' }, json: { type: 'boolean' } } as const);
  if (values.help) return help(benchHelp);
  const selected = selectParts(stringOption(values.only));
  const run = await RunFolder.create({ kind: 'bench', label: selected.join('+'), out: stringOption(values.out) });
  const bar = createProgress('bench');
  const figures: Record<string, unknown> = {
    schema: 'edgetune/bench@1',
    createdAt: new Date().toISOString(),
    device: deviceSummary(await probeSystem()),
  };
  const save = () => run.writeJson('bench.json', figures);
  for (const part of selected) {
    const onProgress = (label: string, done: number, total: number) => bar.update(done, total, label, part);
    if (part === 'sweep-cost') {
      figures.sweepCost = await benchSweepCost({ clock: values.virtual ? 'virtual' : 'real', seed: 1, onProgress });
    } else if (part === 'repeatability') {
      figures.repeatability = await benchRepeatability({ model: 'vit-b16', ep: 'cpu', onProgress: (p) => onProgress(p.phase, p.done, p.total) });
    } else if (part === 'overhead') {
      bar.update(0, 1, 'harness vs bare session.run', part);
      figures.harnessOverhead = await benchHarnessOverhead({ model: 'vit-b16', tokens: 99, rounds: 9, seed: 1 });
    } else {
      bar.update(0, 1, 'default `edgetune tune` in a fresh process', part);
      figures.tune = await benchTuneWall(fileURLToPath(new URL('../../../../bin/edgetune.js', import.meta.url)));
    }
    await save();
  }
  bar.done(`bench.json: ${run.path('bench.json')}`);
  await run.finish('complete');
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  return 0;
}

function selectParts(only: string | undefined): Part[] {
  if (!only) return [...parts];
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(parts as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UserError('bad-arguments', `unknown bench part: ${unknown.join(', ')}`, `choose from ${parts.join(', ')}`);
  return names as Part[];
}
