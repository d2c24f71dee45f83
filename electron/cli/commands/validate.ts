import { existsSync } from 'node:fs';
import path from 'node:path';
import { CancelledError, UserError } from '../../engine/errors.js';
import { loadProfile, type LoadedProfile } from '../../engine/jobs/load-profile.js';
import type { MeasuredReference, MeasuredVariant } from '../../engine/jobs/validate/compare-variants.js';
import { formatRatio, readScheduleFile, runValidation, type ValidationDocument } from '../../engine/jobs/validate/validate-schedule.js';
import { scheduleArchitecture, type BudgetMatch } from '../../engine/jobs/validate/variants.js';
import { isExecutionProviderChoice } from '../../engine/measure/execution-providers.js';
import { RunFolder } from '../../engine/store/runs.js';
import { integerOption, parseCommandArgs, stringOption } from '../args.js';
import { cancelOnInterrupt } from '../cancel.js';
import { createOutput } from '../output.js';
import { createProgress } from '../progress.js';
import { help } from './probe.js';

export const validateHelp = `edgetune validate --schedule <schedule.json> [options]

Checks a schedule on this device: builds the schedule's pruned model (POMT graph, one or several
layers) for its model, Top-K and ToMe at the same token budget, and the unpruned encoder, times
them end to end in shuffled rounds (each round visits every variant once, so drift cannot favour
one), and compares each with what the schedule's profile predicted. A schedule made from a sweep of
your image-input export (\`edgetune tune --model my-vit.onnx\`) is built on the synthetic ViT of its
shape, and your export itself is timed in the same rounds beside the synthetic baseline.

  --schedule FILE     schedule.json from \`edgetune schedule\` or \`edgetune tune\`
  --profile PATH      the profile it was made from (default: profile.json beside the schedule)
  --model ID          the built-in model, for schedules that do not name one (made from a CSV)
  --match M           token-layers (default): Top-K's and ToMe's r chosen so that the tokens
                      they remove, summed over layers, come closest to the schedule's;
                      predicted: so that their predicted latency does (needs the profile)
  --ep NAME           auto (default) | cpu | webgpu | cuda | dml | coreml
  --fallback          if the named provider does not work here, use the best one that does
  --batch N           batch size (default 1)
  --rounds N          rounds over all variants (default 5)
  --threads N         onnxruntime intra-op threads (default: onnxruntime's choice)
  --seed S            seed for weights, inputs and round orders (default 1)
  --out DIR           write the run here (default: a new folder under ~/.edgetune/runs)
  --json              print validation.json to stdout
  --quiet             no progress on stderr

Writes validation.json (edgetune/validation@1), validation.txt (the table) and raw-timings.csv.
Ctrl-C keeps what was measured, marked incomplete.`;

const options = {
  schedule: { type: 'string' },
  profile: { type: 'string' },
  model: { type: 'string' },
  match: { type: 'string' },
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

export async function validateCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('validate', argv, options);
  if (values.help) return help(validateHelp);
  const schedulePath = stringOption(values.schedule);
  if (!schedulePath) throw new UserError('bad-arguments', 'validate needs --schedule', 'pass the schedule.json that `edgetune schedule` or `edgetune tune` wrote');
  const ep = stringOption(values.ep) ?? 'auto';
  if (!isExecutionProviderChoice(ep)) throw new UserError('bad-arguments', `--ep ${ep} is not a provider EdgeTune knows`, 'use auto, cpu, webgpu, cuda, dml or coreml');
  const matchBy = stringOption(values.match) ?? 'token-layers';
  if (matchBy !== 'token-layers' && matchBy !== 'predicted') throw new UserError('bad-arguments', `--match ${matchBy} is not a way to match budgets`, 'use token-layers or predicted');
  const measureOptions = {
    model: stringOption(values.model),
    ep,
    fallback: Boolean(values.fallback),
    batch: integerOption('batch', stringOption(values.batch), 1, 1, 4096),
    rounds: integerOption('rounds', stringOption(values.rounds), 5, 1, 1000),
    intraOpThreads: values.threads === undefined ? undefined : integerOption('threads', stringOption(values.threads), 1, 1, 1024),
    seed: integerOption('seed', stringOption(values.seed), 1, 0),
    matchBy: matchBy as BudgetMatch,
  };
  const schedule = await readScheduleFile(schedulePath);
  const profile = await scheduleProfile(schedulePath, stringOption(values.profile));
  const output = createOutput(Boolean(values.json), Boolean(values.quiet));
  // Refused before a run folder exists: schedules for model files and unknown ids.
  const arch = scheduleArchitecture(schedule, measureOptions.model);
  const run = await RunFolder.create({ kind: 'validate', label: arch.id, out: stringOption(values.out) });
  const bar = createProgress('validate', { quiet: output.quiet });
  const cancel = cancelOnInterrupt(() => bar.done());
  let result: Awaited<ReturnType<typeof runValidation>>;
  try {
    result = await runValidation({
      ...measureOptions,
      schedule,
      scheduleSource: path.resolve(schedulePath),
      profile,
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
  const text = formatValidation(result.document);
  await run.writeJson('validation.json', result.document);
  await run.writeText('validation.txt', `${text}\n`);
  await run.writeText('raw-timings.csv', result.rawTimingsCsv);
  if (result.failure) {
    // What was measured is on disk; now report what stopped it.
    await run.finish('failed', result.failure.message);
    throw result.failure;
  }
  await run.finish(result.document.complete ? 'complete' : 'incomplete');
  output.result(result.document, () => `${text}\n\nrun folder: ${run.folder}`);
  return result.document.complete ? 0 : 130;
}

/** --profile, or profile.json beside the schedule when there is one (where `edgetune tune` puts both). */
async function scheduleProfile(schedulePath: string, profilePath: string | undefined): Promise<LoadedProfile | undefined> {
  if (profilePath !== undefined) return loadProfile(profilePath);
  const beside = path.join(path.dirname(path.resolve(schedulePath)), 'profile.json');
  return existsSync(beside) ? loadProfile(beside) : undefined;
}

const pct = (value: number | undefined) => (value === undefined ? '' : `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)} %`);
const ms = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(2));

function row(variant: MeasuredVariant, index: number, withPrediction: boolean): string[] {
  const cells = [
    variant.label,
    String(variant.tokensAfterLayer.at(-1) ?? ''),
    String(variant.removedTokenLayers),
    (variant.macs / 1e9).toFixed(2),
    ms(variant.medianMs),
    variant.p10Ms === null || variant.p90Ms === null ? '—' : `${variant.p10Ms.toFixed(2)}–${variant.p90Ms.toFixed(2)}`,
    String(variant.samples),
    index === 0 ? 'reference' : variant.speedup ? formatRatio(variant.speedup) : '—',
  ];
  return withPrediction ? [...cells, ms(variant.predictedMs), index === 0 ? '' : pct(variant.anchoredErrorPct)] : cells;
}

/** The user's export: no token budget, MACs or prediction; its time against the baseline's. */
function referenceRow(reference: MeasuredReference, withPrediction: boolean): string[] {
  const cells = [
    reference.label,
    '',
    '',
    '',
    ms(reference.medianMs),
    reference.p10Ms === null || reference.p90Ms === null ? '—' : `${reference.p10Ms.toFixed(2)}–${reference.p90Ms.toFixed(2)}`,
    String(reference.samples),
    reference.speedup ? formatRatio(reference.speedup) : '—',
  ];
  return withPrediction ? [...cells, '', ''] : cells;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((cells) => cells[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatValidation(document: ValidationDocument): string {
  const { schedule } = document;
  const removed = schedule.layers.filter((layer) => layer.remove > 0).map((layer) => `${layer.remove} at layer ${layer.layer}`).join(', ');
  const lines = [
    `${String(document.model.id)}${document.model.standIn ? ` (the synthetic stand-in for ${path.basename(String(document.model.file))})` : ''} on ${document.ep}, batch ${document.batch}: ${document.rounds.done} of ${document.rounds.planned} rounds${document.complete ? '' : '  [INCOMPLETE]'}`,
    `schedule (${schedule.method}): keep ${schedule.keepTokens} of ${schedule.baselineTokens} tokens${removed ? ` (remove ${removed})` : ''}; its profile predicted ×${schedule.predictedSpeedup.toFixed(3)}`,
    `Top-K and ToMe matched by ${document.matching.by === 'token-layers' ? 'tokens removed summed over layers' : 'predicted latency'}`,
    '',
    table(
      ['variant', 'tokens out', 'removed tok·layers', 'GMACs', 'median ms', 'p10–p90 ms', 'n', 'speedup vs baseline', ...(document.prediction ? ['predicted ms', 'error'] : [])],
      [
        ...document.variants.map((variant, index) => row(variant, index, document.prediction !== null)),
        ...(document.yourModel ? [referenceRow(document.yourModel, document.prediction !== null)] : []),
      ],
    ),
  ];
  if (document.yourModel) {
    lines.push('', `your model: ${document.yourModel.file} as exported (image input), timed in the same rounds; the variants are built from the synthetic ViT of its shape`);
  }
  if (document.prediction) {
    lines.push(
      '',
      `predicted: the profile's latency model (${document.prediction.source}) at each layer's token counts; error: predicted vs measured, relative to the baseline measured in this run`,
    );
  }
  lines.push('', ...document.verdict.map((line) => `• ${line}`));
  return lines.join('\n');
}
