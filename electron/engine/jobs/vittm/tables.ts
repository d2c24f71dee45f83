/** The ViTTM result documents as plain text: the terminal summary, the run folder's .txt and the grid's CSV. */
import type { ModelRatio, VittmCompareDocument } from './compare.js';
import type { VittmGridDocument } from './grid.js';

const ms = (value: number | null | undefined, digits = 2): string => (value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));
const gmacs = (macs: number): string => (macs / 1e9).toFixed(2);

export function formatCompareTable(document: VittmCompareDocument): string {
  const keyWidth = Math.max(10, ...document.models.map((model) => model.key.length)) + 2;
  const header = `${'model'.padEnd(keyWidth)}${'input'.padEnd(8)}${'GMACs'.padStart(7)}${'median ms'.padStart(11)}${'p10 ms'.padStart(9)}${'p90 ms'.padStart(9)}${'n'.padStart(6)}`;
  const rows = document.models.map(
    (model) =>
      `${model.key.padEnd(keyWidth)}${model.input.padEnd(8)}${gmacs(model.macs).padStart(7)}${ms(model.medianMs).padStart(11)}${ms(model.p10Ms).padStart(9)}${ms(model.p90Ms).padStart(9)}${String(model.samples).padStart(6)}`,
  );
  const ratios = document.pairs.flatMap((pair) => [pair.vittmOverVit, pair.vittmOverPrunedVit, pair.prunedVitOverVit].filter((ratio): ratio is ModelRatio => ratio !== undefined));
  const ratioWidth = Math.max(20, ...ratios.map((ratio) => `${ratio.numerator} / ${ratio.denominator}`.length)) + 2;
  const ratioRows = ratios.map((ratio) => {
    const spread = ratio.latencyRatio;
    const latency = spread ? `${spread.median.toFixed(3)}  [${spread.q25.toFixed(3)}–${spread.q75.toFixed(3)}, ${spread.rounds} rounds]` : '— (no round measured both)';
    return `${`${ratio.numerator} / ${ratio.denominator}`.padEnd(ratioWidth)}${ratio.macRatio.toFixed(3).padStart(7)}   ${latency}`;
  });
  return [
    `ViTTM vs ViT on ${document.ep} (batch ${document.batch}, patches ${document.patchSetting}), ${document.rounds.done} of ${document.rounds.planned} rounds${document.complete ? '' : '  [INCOMPLETE]'}`,
    ...document.models.map((model) => `  ${model.key}: ${model.label}`),
    '',
    header,
    ...rows,
    '',
    `${'ratio'.padEnd(ratioWidth)}${'MACs'.padStart(7)}   latency: median over rounds [IQR]`,
    ...ratioRows,
  ].join('\n');
}

export function formatGridTable(document: VittmGridDocument): string {
  const columnWidth = 9;
  const header = `${'memory \\ process'.padEnd(18)}${document.processTokens.map((tokens) => String(tokens).padStart(columnWidth)).join('')}`;
  const rows = document.memoryTokens.map(
    (memory, row) => `${String(memory).padEnd(18)}${document.grid.medianMs[row].map((value) => ms(value).padStart(columnWidth)).join('')}`,
  );
  const macRows = document.memoryTokens.map(
    (memory, row) => `${String(memory).padEnd(18)}${document.grid.macs[row].map((value) => gmacs(value).padStart(columnWidth)).join('')}`,
  );
  const stairs = document.rows.map((row) => {
    const steps = row.steps.map((step) => `${step.tokens} (+${step.jumpPct.toFixed(1)} %, confidence ${step.confidence.toFixed(2)})`);
    return `  ${row.memoryTokens} memory tokens: ${row.summary}${steps.length > 0 ? `; steps at ${steps.join(', ')} process tokens` : ''}`;
  });
  const model = String(document.model.id ?? 'vittm');
  return [
    `${model} on ${document.ep} (batch ${document.batch}): median ms per memory × process token count${document.complete ? '' : '  [INCOMPLETE]'}`,
    `reference ${document.reference.memoryTokens} memory + ${document.reference.processTokens} process tokens: ${ms(document.reference.medianMs)} ms, drifted ${document.reference.driftPct.toFixed(1)} %`,
    '',
    header,
    ...rows,
    '',
    'GMACs',
    header,
    ...macRows,
    '',
    'steps along the process axis:',
    ...stairs,
  ].join('\n');
}

/** One row per measured cell: `memory_tokens,process_tokens,median_ms,p10_ms,p90_ms,samples,macs`. */
export function formatGridCsv(document: VittmGridDocument): string {
  const lines = ['memory_tokens,process_tokens,median_ms,p10_ms,p90_ms,samples,macs'];
  for (const point of document.points) {
    lines.push([point.memoryTokens, point.processTokens, point.medianMs.toFixed(4), point.p10Ms.toFixed(4), point.p90Ms.toFixed(4), point.samples, point.macs].join(','));
  }
  return `${lines.join('\n')}\n`;
}
