import { fileURLToPath } from 'node:url';
import { UserError } from '../../engine/errors.js';
import { benchAlign } from '../../engine/bench/align.js';
import { benchAlignDefaultWall } from '../../engine/bench/align-default-wall.js';
import { benchHarnessOverhead } from '../../engine/bench/harness-overhead.js';
import { benchPruning } from '../../engine/bench/pruning.js';
import { benchRepeatability } from '../../engine/bench/repeatability.js';
import { benchSweepCost } from '../../engine/bench/sweep-cost.js';
import { benchTuneWall } from '../../engine/bench/tune-wall.js';
import { benchVittmRatios } from '../../engine/bench/vittm-ratios.js';
import { probeSystem } from '../../engine/probe/system.js';
import { deviceSummary } from '../../engine/jobs/sweep-job.js';
import { RunFolder } from '../../engine/store/runs.js';
import { parseCommandArgs, stringOption } from '../args.js';
import { createProgress } from '../progress.js';
import { help } from './probe.js';

const parts = ['sweep-cost', 'repeatability', 'overhead', 'tune', 'vittm', 'pruning', 'align', 'align-default'] as const;
type Part = (typeof parts)[number];
/** enough rounds for the quartiles of the per-round ratios to mean something, within about 2 minutes on 2 cores */
const VITTM_BENCH_ROUNDS = 6;
/** vit-s16 on 2 cores, one thread: a light sweep plus 5 graphs × 10 rounds take about 2 to 3 minutes */
const PRUNING_BENCH_ROUNDS = 10;
/** one thread: the build VM's two cores are shared, and a thread pool waiting on a busy core is not the model's latency */
const PRUNING_BENCH_THREADS = 1;

export const benchHelp = `edgetune bench [--only ${parts.join(',')}] [--virtual] [--out DIR]

Benchmark figures as JSON on stdout (and bench.json in the run folder). Ratios are measured side
by side in one run; absolute times on shared machines drift, so read the ratios.
  sweep-cost     EdgeTune's sweep vs POMT's protocol (≥ 2 s per count, ascending) on a synthetic
                 staircase with noise, outliers and drift: wall time ratio, steps found (±1), false steps
                 (about 7 minutes: POMT's protocol really takes 2 s per count)
  repeatability  two back-to-back default sweeps of vit-b16 on the CPU provider: shape agreement
  overhead       our median at a fixed count vs a bare session.run loop
  tune           the default \`edgetune tune\` end to end in a fresh process
  vittm          ViTTM-B / ViT-B and ViTTM-S / ViT-S latency ratios on the CPU provider, all four
                 models in the same shuffled rounds, beside their MAC ratios (about 2 minutes)
  pruning        vit-s16 on the CPU provider, batch 1, one thread: a sweep for the profile, then POMT (56 tokens
                 at layer 3), the DP schedule at the same removed-token budget, Top-K and ToMe matched
                 to it and the baseline in the same shuffled rounds: predicted vs measured latency,
                 each method's latency relative to the baseline, DP vs POMT (about 3 minutes)
  align          each search method vs random search at equal images (65), 10 seeds, population 16,
                 the default model with the JPEG-size reward; bookkeeping share of a generation;
                 genomes kept on disk (about 4 minutes; a tiny generated model, said so, when the
                 default model is absent)
  align-default  the default \`edgetune align\` end to end in a fresh process (target ≤ 3 minutes)
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
    } else if (part === 'align') {
      figures.align = await benchAlign({ onProgress });
    } else if (part === 'align-default') {
      bar.update(0, 1, 'default `edgetune align` in a fresh process', part);
      figures.alignDefault = await benchAlignDefaultWall(fileURLToPath(new URL('../../../../bin/edgetune.js', import.meta.url)));
    } else if (part === 'overhead') {
      bar.update(0, 1, 'harness vs bare session.run', part);
      figures.harnessOverhead = await benchHarnessOverhead({ model: 'vit-b16', tokens: 99, rounds: 9, seed: 1 });
    } else if (part === 'pruning') {
      figures.pruning = await benchPruning({ model: 'vit-s16', ep: 'cpu', rounds: PRUNING_BENCH_ROUNDS, seed: 1, intraOpThreads: PRUNING_BENCH_THREADS, onProgress });
    } else if (part === 'vittm') {
      figures.vittm = await benchVittmRatios({ ep: 'cpu', rounds: VITTM_BENCH_ROUNDS, seed: 1, onProgress: (p) => onProgress(p.detail, p.done, p.total) });
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
