import path from 'node:path';
import { CancelledError, UserError } from '../../engine/errors.js';
import { runModelMatch, type MatchDocument, type TimedModel } from '../../engine/jobs/validate/match-model.js';
import { isExecutionProviderChoice } from '../../engine/measure/execution-providers.js';
import { matchVitArchitecture } from '../../engine/models/match-vit.js';
import { readOnnxFile } from '../../engine/models/onnx/reader.js';
import { RunFolder } from '../../engine/store/runs.js';
import { integerOption, parseCommandArgs, stringOption } from '../args.js';
import { cancelOnInterrupt } from '../cancel.js';
import { createOutput } from '../output.js';
import { createProgress } from '../progress.js';
import { help } from './probe.js';

export const matchHelp = `edgetune match <model.onnx> [options]

Your own ViT export (timm or DeiT, image input) against the synthetic ViT EdgeTune builds for it:
reads depth, width, heads, MLP ratio and patch size from the graph and its initializers, builds the
synthetic image-input ViT of that architecture, times both at full tokens in shuffled rounds, and
reports the stand-in's latency error against your model, and the built-in of the same shape (which
\`edgetune tune\` and \`edgetune validate\` take).

  --ep NAME           auto (default) | cpu | webgpu | cuda | dml | coreml
  --fallback          if the named provider does not work here, use the best one that does
  --batch N           batch size (default 1; the export must allow it)
  --rounds N          rounds over both models (default 5)
  --threads N         onnxruntime intra-op threads (default: onnxruntime's choice)
  --seed S            seed for the stand-in's weights, the input image and round orders (default 1)
  --out DIR           write the run here (default: a new folder under ~/.edgetune/runs)
  --json              print match.json to stdout
  --quiet             no progress on stderr

Writes match.json (edgetune/match@1) and raw-timings.csv. Ctrl-C keeps what was measured.`;

const options = {
  ep: { type: 'string' },
  fallback: { type: 'boolean' },
  batch: { type: 'string' },
  rounds: { type: 'string' },
  threads: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

export async function matchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('match', argv, options, true);
  if (values.help) return help(matchHelp);
  if (positionals.length !== 1) throw new UserError('bad-arguments', 'match needs exactly one ONNX file', 'run `edgetune match path/to/model.onnx`');
  const file = positionals[0];
  const ep = stringOption(values.ep) ?? 'auto';
  if (!isExecutionProviderChoice(ep)) throw new UserError('bad-arguments', `--ep ${ep} is not a provider EdgeTune knows`, 'use auto, cpu, webgpu, cuda, dml or coreml');
  const measureOptions = {
    model: file,
    ep,
    fallback: Boolean(values.fallback),
    batch: integerOption('batch', stringOption(values.batch), 1, 1, 4096),
    rounds: integerOption('rounds', stringOption(values.rounds), 5, 1, 1000),
    intraOpThreads: values.threads === undefined ? undefined : integerOption('threads', stringOption(values.threads), 1, 1, 1024),
    seed: integerOption('seed', stringOption(values.seed), 1, 0),
  };
  // A model EdgeTune cannot read as a ViT is refused before a run folder exists.
  matchVitArchitecture(await readOnnxFile(file), path.basename(file));
  const output = createOutput(Boolean(values.json), Boolean(values.quiet));
  const run = await RunFolder.create({ kind: 'match', label: path.basename(file, '.onnx'), out: stringOption(values.out) });
  const bar = createProgress('match', { quiet: output.quiet });
  const cancel = cancelOnInterrupt(() => bar.done());
  let result: Awaited<ReturnType<typeof runModelMatch>>;
  try {
    result = await runModelMatch({
      ...measureOptions,
      signal: cancel.signal,
      onProgress: (p) => bar.update(p.done, p.total, p.detail, p.stage),
      onNote: (text) => {
        bar.done();
        output.warn(text);
      },
    });
  } catch (error) {
    bar.done();
    await run.finish(error instanceof CancelledError ? 'incomplete' : 'failed', (error as Error).message);
    throw error;
  } finally {
    cancel.dispose();
  }
  bar.done();
  await run.writeJson('match.json', result.document);
  await run.writeText('raw-timings.csv', result.rawTimingsCsv);
  if (result.failure) {
    await run.finish('failed', result.failure.message);
    throw result.failure;
  }
  await run.finish(result.document.complete ? 'complete' : 'incomplete');
  output.result(result.document, () => `${formatMatch(result.document)}\n\nrun folder: ${run.folder}`);
  return result.document.complete ? 0 : 130;
}

function timingRow(name: string, timed: TimedModel | null): string {
  if (!timed) return `  ${name.padEnd(34)}  not measured`;
  return `  ${name.padEnd(34)}  ${timed.medianMs.toFixed(2).padStart(9)}  ${`${timed.p10Ms.toFixed(2)}–${timed.p90Ms.toFixed(2)}`.padStart(15)}  ${String(timed.samples).padStart(5)}`;
}

export function formatMatch(document: MatchDocument): string {
  const arch = document.architecture;
  return [
    `${path.basename(document.model.file)} on ${document.ep}, batch ${document.batch}: ${document.rounds.done} of ${document.rounds.planned} rounds${document.complete ? '' : '  [INCOMPLETE]'}`,
    `stand-in: synthetic ${arch.id} (${arch.imageSize} px, ${arch.tokens} tokens, ${arch.classes} classes, ${(arch.macs / 1e9).toFixed(2)} GMACs)`,
    '',
    `  ${'model'.padEnd(34)}  ${'median ms'.padStart(9)}  ${'p10–p90 ms'.padStart(15)}  ${'n'.padStart(5)}`,
    timingRow('your model', document.measured.model),
    timingRow(`synthetic ${arch.id}`, document.measured.standIn),
    '',
    ...document.differences.map((line) => `• stand-in: ${line}`),
    ...document.verdict.map((line) => `• ${line}`),
  ].join('\n');
}
