import { isExecutionProviderChoice } from '../../engine/measure/execution-providers.js';
import { CancelledError, UserError } from '../../engine/errors.js';
import { RunFolder } from '../../engine/store/runs.js';
import { DEFAULT_SWEEP_OPTIONS } from '../../engine/measure/sweep.js';
import type { SweepStrategy } from '../../engine/jobs/strategy.js';
import { integerOption, parseCommandArgs, stringOption } from '../args.js';
import { createOutput } from '../output.js';
import { sweepWithProgress } from '../sweep-session.js';
import { formatProfileSummary } from '../summaries.js';
import { help } from './probe.js';

export const sweepHelp = `edgetune sweep --model <builtin-id|file.onnx> [options]

Measures latency against token count and finds the staircase's steps and plateaus.
Built-in models: when the whole model is cheap to run (GPUs, small models) it is swept directly;
otherwise one transformer block is swept (all blocks are identical) and the whole encoder predicted
from it, checked against the real encoder at five counts.

  --model ID|FILE     built-in id (see \`edgetune models\`) or an ONNX file with a dynamic token axis
  --ep NAME           auto (default) | cpu | webgpu | cuda | dml | coreml
  --fallback          if the named provider does not work here, use the best one that does
  --tokens A:B        token counts to sweep (default: 1 to the model's full count)
  --batch N           batch size (default 1)
  --passes N          shuffled passes over the counts (default 4)
  --strategy S        auto (default) | block (sweep one block, predict the model) | whole
  --skip-validation   do not check the block-based prediction against the whole encoder
  --threads N         onnxruntime intra-op threads (default: onnxruntime's choice)
  --sm-count N        the GPU's SM (or compute-unit) count for step prediction, when the native
                      probe cannot read it (on the CPU EP this predicts for that GPU anyway)
  --seed S            seed for weights, inputs and visiting order (default 1)
  --out DIR           write the run here (default: a new folder under ~/.edgetune/runs)
  --json              print profile.json to stdout
  --quiet             no progress on stderr`;

export const sweepOptions = {
  model: { type: 'string' },
  ep: { type: 'string' },
  fallback: { type: 'boolean' },
  tokens: { type: 'string' },
  batch: { type: 'string' },
  passes: { type: 'string' },
  strategy: { type: 'string' },
  'skip-validation': { type: 'boolean' },
  threads: { type: 'string' },
  'sm-count': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

export async function sweepCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('sweep', argv, sweepOptions);
  if (values.help) return help(sweepHelp);
  const model = stringOption(values.model);
  if (!model) throw new UserError('bad-arguments', 'sweep needs --model', 'pass a built-in id such as --model vit-b16 (`edgetune models` lists them) or an ONNX file');
  const output = createOutput(Boolean(values.json), Boolean(values.quiet));
  const run = await RunFolder.create({ kind: 'sweep', label: model, out: stringOption(values.out) });
  const result = await sweepWithProgress(sweepJobOptions(values, model), output, run).catch(async (error: unknown) => {
    await run.finish(error instanceof CancelledError ? 'incomplete' : 'failed', (error as Error).message);
    throw error;
  });
  await run.finish(result.profile.complete ? 'complete' : 'incomplete');
  output.result(result.profile, () => `${formatProfileSummary(result.profile)}\n\nrun folder: ${run.folder}`);
  return result.profile.complete ? 0 : 130;
}

function sweepStrategy(value: string | undefined): SweepStrategy {
  const strategy = value ?? 'auto';
  if (strategy !== 'auto' && strategy !== 'block' && strategy !== 'whole') {
    throw new UserError('bad-arguments', `--strategy ${strategy} is not a sweep strategy`, 'use auto, block or whole');
  }
  return strategy;
}

export function sweepJobOptions(values: Record<string, string | boolean | undefined>, model: string) {
  const ep = stringOption(values.ep) ?? 'auto';
  if (!isExecutionProviderChoice(ep)) {
    throw new UserError('bad-arguments', `--ep ${ep} is not a provider EdgeTune knows`, 'use auto, cpu, webgpu, cuda, dml or coreml');
  }
  return {
    model,
    ep,
    fallback: Boolean(values.fallback),
    tokens: stringOption(values.tokens),
    batch: integerOption('batch', stringOption(values.batch), 1, 1, 4096),
    passes: integerOption('passes', stringOption(values.passes), DEFAULT_SWEEP_OPTIONS.passes, 1, 50),
    strategy: sweepStrategy(stringOption(values.strategy)),
    validate: !values['skip-validation'],
    intraOpThreads: values.threads === undefined ? undefined : integerOption('threads', stringOption(values.threads), 1, 1, 1024),
    seed: integerOption('seed', stringOption(values.seed), 1, 0),
    smCount: values['sm-count'] === undefined ? undefined : integerOption('sm-count', stringOption(values['sm-count']), 1, 1, 100_000),
  };
}
