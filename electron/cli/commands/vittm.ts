import { CancelledError, UserError } from '../../engine/errors.js';
import { isExecutionProviderChoice } from '../../engine/measure/execution-providers.js';
import { vittmPatchSettings, type VittmPatchSetting } from '../../engine/models/vittm/architectures.js';
import { DEFAULT_COMPARE_ROUNDS, planComparison, runVittmCompare, type PrunedTokensChoice, type VittmCompareOptions } from '../../engine/jobs/vittm/compare.js';
import { DEFAULT_GRID_PASSES, planGrid, runVittmGrid, type VittmGridOptions } from '../../engine/jobs/vittm/grid.js';
import type { VittmJobOptions } from '../../engine/jobs/vittm/shared.js';
import { formatCompareTable, formatGridCsv, formatGridTable } from '../../engine/jobs/vittm/tables.js';
import { parseTokenList } from '../../engine/jobs/vittm/token-lists.js';
import { RunFolder } from '../../engine/store/runs.js';
import { integerOption, parseCommandArgs, stringOption } from '../args.js';
import { cancelOnInterrupt } from '../cancel.js';
import { createOutput, type Output } from '../output.js';
import { createProgress } from '../progress.js';
import { help } from './probe.js';

const commonHelp = `  --patches P         16/32 (default: 196 memory + 49 process tokens at 224 px) | 28/28 (64 + 64)
  --batch N           batch size (default 1)
  --ep NAME           auto (default) | cpu | webgpu | cuda | dml | coreml
  --fallback          if the named provider does not work here, use the best one that does
  --threads N         onnxruntime intra-op threads (default: onnxruntime's choice)
  --seed S            seed for weights, the input image and the visiting order (default 1)
  --out DIR           write the run here (default: a new folder under ~/.edgetune/runs)
  --json              print the result document to stdout
  --quiet             no progress on stderr`;

export const vittmHelp = `edgetune vittm <compare|grid> [options]

ViTTM (Vision Token Turing Machines, arXiv 2409.07613) timed on this machine, end to end from a
224-pixel image, against the ViT it is built from. Graphs are generated with seeded weights.

  compare   ViTTM vs ViT (and a ViT with pruned tokens): latency ratios beside MAC ratios
  grid      one ViTTM at every memory × process token count: where latency steps

\`edgetune vittm <compare|grid> --help\` shows the options.`;

export const compareHelp = `edgetune vittm compare [--vittm vittm-b] [--vit vit-b16] [options]

Times each ViTTM and its ViT in rounds; every round visits every model once in a shuffled order,
so the machine's drift lands on rounds, not on one model. Reports each model's median, p10, p90
and n, and per pair the latency ratio (median of the per-round ratios, with their quartiles)
beside the MAC ratio.

  --vittm IDS         ViTTMs, comma-separated (default vittm-b): vittm-ti, vittm-s, vittm-b, vittm-l
  --vit IDS           the ViT for each ViTTM, comma-separated (default: the same size with
                      16-pixel patches, e.g. vittm-b → vit-b16)
  --pruned-tokens N   also time the ViT's token-input encoder at N tokens: a ViT whose tokens are
                      pruned before its first block (it skips the patch embedding; not a pruning
                      method's graph). macs (default): the count with the ViTTM's MACs;
                      process: the ViTTM's process token count; none: leave it out
  --rounds N          rounds (default ${DEFAULT_COMPARE_ROUNDS})
${commonHelp}

Writes vittm-compare.json (edgetune/vittm-compare@1), vittm-compare.txt and raw-timings.csv.
Ctrl-C keeps the rounds measured so far, marked incomplete.`;

export const gridHelp = `edgetune vittm grid [--vittm vittm-s] [--process 16:64:8] [--memory 49,100,196] [options]

Builds one ViTTM at every memory × process token count and times each end to end, in shuffled
passes with the --patches layout re-measured as a reference beside every other cell (drift is
divided out as in \`edgetune sweep\`). Each memory count's row is read as a staircase along the
process axis. A count that is not a patch grid average-pools the next larger grid.

  --vittm ID          the ViTTM (default vittm-s)
  --process LIST      process token counts: counts and ranges A:B or A:B:STEP (default 16:64:8)
  --memory LIST       memory token counts (default 49,100,196)
  --passes N          shuffled passes over the cells (default ${DEFAULT_GRID_PASSES})
${commonHelp}

Writes vittm-grid.json (edgetune/vittm-grid@1), vittm-grid.csv, vittm-grid.txt and raw-timings.csv.
Ctrl-C keeps the cells measured so far, marked incomplete.`;

const commonOptions = {
  patches: { type: 'string' },
  batch: { type: 'string' },
  ep: { type: 'string' },
  fallback: { type: 'boolean' },
  threads: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

export async function vittmCommand(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === 'compare') return compareCommand(rest);
  if (subcommand === 'grid') return gridCommand(rest);
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h' || subcommand === 'help') return help(vittmHelp);
  throw new UserError('bad-arguments', `vittm: unknown subcommand '${subcommand}'`, 'use `edgetune vittm compare` or `edgetune vittm grid` (see `edgetune vittm --help`)');
}

async function compareCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('vittm compare', argv, {
    ...commonOptions,
    vittm: { type: 'string' },
    vit: { type: 'string' },
    'pruned-tokens': { type: 'string' },
    rounds: { type: 'string' },
  } as const);
  if (values.help) return help(compareHelp);
  const vittmIds = idList(stringOption(values.vittm)) ?? ['vittm-b'];
  const vitIds = idList(stringOption(values.vit));
  if (vitIds && vitIds.length !== vittmIds.length) {
    throw new UserError('bad-arguments', `--vit names ${vitIds.length} models for ${vittmIds.length} ViTTMs`, 'give one ViT per ViTTM, in the same order (e.g. --vittm vittm-b,vittm-s --vit vit-b16,vit-s16), or leave --vit out');
  }
  const options: Omit<VittmCompareOptions, keyof VittmJobOptions> = {
    pairs: vittmIds.map((vittm, index) => ({ vittm, vit: vitIds?.[index] })),
    patchSetting: patchSetting(stringOption(values.patches)),
    prunedTokens: prunedTokens(stringOption(values['pruned-tokens'])),
    rounds: integerOption('rounds', stringOption(values.rounds), DEFAULT_COMPARE_ROUNDS, 1, 1000),
  };
  const common = commonJobOptions(values);
  planComparison({ ...options, seed: common.seed });
  const output = createOutput(Boolean(values.json), Boolean(values.quiet));
  const run = await RunFolder.create({ kind: 'sweep', label: `vittm-compare-${vittmIds.join('+')}`, out: stringOption(values.out) });
  return withProgress('vittm compare', output, run, async (session) => {
    const result = await runVittmCompare({ ...options, ...common, ...session });
    await run.writeJson('vittm-compare.json', result.document);
    await run.writeText('vittm-compare.txt', `${formatCompareTable(result.document)}\n`);
    await run.writeText('raw-timings.csv', result.rawTimingsCsv);
    return { ...result, complete: result.document.complete, text: () => formatCompareTable(result.document) };
  });
}

async function gridCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('vittm grid', argv, {
    ...commonOptions,
    vittm: { type: 'string' },
    process: { type: 'string' },
    memory: { type: 'string' },
    passes: { type: 'string' },
  } as const);
  if (values.help) return help(gridHelp);
  const processText = stringOption(values.process);
  const memoryText = stringOption(values.memory);
  const options: Omit<VittmGridOptions, keyof VittmJobOptions> = {
    vittm: stringOption(values.vittm),
    patchSetting: patchSetting(stringOption(values.patches)),
    processTokens: processText === undefined ? undefined : parseTokenList(processText, 'process'),
    memoryTokens: memoryText === undefined ? undefined : parseTokenList(memoryText, 'memory'),
    passes: integerOption('passes', stringOption(values.passes), DEFAULT_GRID_PASSES, 1, 50),
  };
  const common = commonJobOptions(values);
  const plan = planGrid({ ...options, seed: common.seed });
  const output = createOutput(Boolean(values.json), Boolean(values.quiet));
  const run = await RunFolder.create({ kind: 'sweep', label: `vittm-grid-${plan.id}`, out: stringOption(values.out) });
  return withProgress('vittm grid', output, run, async (session) => {
    const result = await runVittmGrid({ ...options, ...common, ...session });
    await run.writeJson('vittm-grid.json', result.document);
    await run.writeText('vittm-grid.csv', formatGridCsv(result.document));
    await run.writeText('vittm-grid.txt', `${formatGridTable(result.document)}\n`);
    await run.writeText('raw-timings.csv', result.rawTimingsCsv);
    return { ...result, complete: result.document.complete, text: () => formatGridTable(result.document) };
  });
}

type Session = Pick<VittmJobOptions, 'signal' | 'onProgress' | 'onNote'>;

/**
 * Runs a job with a progress bar and Ctrl-C handling. The job saves its files, complete or not,
 * before this reports how it ended.
 */
async function withProgress(
  label: string,
  output: Output,
  run: RunFolder,
  job: (session: Session) => Promise<{ document: unknown; complete: boolean; failure?: Error; text: () => string }>,
): Promise<number> {
  const bar = createProgress(label, { quiet: output.quiet });
  const cancel = cancelOnInterrupt(() => bar.done());
  let finished = false;
  try {
    const result = await job({
      signal: cancel.signal,
      onProgress: (p) => bar.update(p.done, p.total, p.detail, p.stage),
      onNote: (note) => {
        bar.done();
        output.warn(note);
      },
    });
    bar.done();
    if (result.failure) {
      // The partial results are on disk; now report what stopped the run.
      await run.finish('failed', result.failure.message);
      finished = true;
      throw result.failure;
    }
    await run.finish(result.complete ? 'complete' : 'incomplete');
    finished = true;
    output.result(result.document, () => `${result.text()}\n\nrun folder: ${run.folder}`);
    return result.complete ? 0 : 130;
  } catch (error) {
    bar.done();
    if (!finished) await run.finish(error instanceof CancelledError ? 'incomplete' : 'failed', (error as Error).message);
    throw error;
  } finally {
    cancel.dispose();
  }
}

function commonJobOptions(values: Record<string, string | boolean | undefined>): Omit<VittmJobOptions, 'signal' | 'onProgress' | 'onNote'> {
  const ep = stringOption(values.ep) ?? 'auto';
  if (!isExecutionProviderChoice(ep)) {
    throw new UserError('bad-arguments', `--ep ${ep} is not a provider EdgeTune knows`, 'use auto, cpu, webgpu, cuda, dml or coreml');
  }
  return {
    ep,
    fallback: Boolean(values.fallback),
    batch: integerOption('batch', stringOption(values.batch), 1, 1, 4096),
    intraOpThreads: values.threads === undefined ? undefined : integerOption('threads', stringOption(values.threads), 1, 1, 1024),
    seed: integerOption('seed', stringOption(values.seed), 1, 0),
  };
}

function idList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((id) => id.trim()).filter((id) => id.length > 0);
  return ids.length > 0 ? ids : undefined;
}

function patchSetting(text: string | undefined): VittmPatchSetting | undefined {
  if (text === undefined) return undefined;
  if (!(text in vittmPatchSettings)) {
    throw new UserError('bad-arguments', `--patches ${text} is not a ViTTM patch setting`, `use ${Object.keys(vittmPatchSettings).join(' or ')} (memory/process patch sizes)`);
  }
  return text as VittmPatchSetting;
}

function prunedTokens(text: string | undefined): PrunedTokensChoice | undefined {
  if (text === undefined) return undefined;
  if (text === 'macs' || text === 'process' || text === 'none') return text;
  const tokens = Number(text);
  if (!Number.isInteger(tokens) || tokens < 1) {
    throw new UserError('bad-arguments', `--pruned-tokens ${text} is not a token count`, 'pass a whole number of tokens to keep (e.g. --pruned-tokens 99), or macs, process or none');
  }
  return tokens;
}
