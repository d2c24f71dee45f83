/**
 * Shapes a validation.json for its table: the numbers `edgetune validate` prints, as strings a cell
 * shows, and each variant's verdict against the baseline. Pure, so what the table says is tested.
 */
import type { MeasuredVariant, RoundRatio, ValidationDocument } from '../../../electron/api/documents';
import { formatMs } from '../chart/staircase-data';

export type VariantVerdict = 'reference' | 'faster' | 'slower' | 'unclear' | 'not measured';

export interface ValidationRow {
  key: string;
  label: string;
  /** tokens leaving the last layer */
  tokensOut: number | null;
  removedTokenLayers: number;
  gmacs: string;
  medianMs: string;
  /** "p10–p90" */
  spreadMs: string;
  samples: number;
  /** "×1.042" or "reference" */
  speedup: string;
  /** the rounds' middle half, "1.031–1.050" */
  speedupRounds: string;
  verdict: VariantVerdict;
  predictedMs: string;
  predictedSpeedup: string;
  /** predicted vs measured, relative to the baseline measured in the same run */
  errorPct: string;
}

/** Faster or slower only when the middle half of the rounds lies on one side of 1 (as the engine's verdict). */
export function speedupVerdict(speedup: RoundRatio | null, isBaseline: boolean): VariantVerdict {
  if (isBaseline) return 'reference';
  if (!speedup) return 'not measured';
  if (speedup.rounds >= 2 && speedup.q25 <= 1 && speedup.q75 >= 1) return 'unclear';
  return speedup.median >= 1 ? 'faster' : 'slower';
}

const msCell = (value: number | null | undefined) => (value === null || value === undefined ? '–' : formatMs(value));

function signedPct(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)} %`;
}

function row(variant: MeasuredVariant, index: number): ValidationRow {
  const isBaseline = index === 0;
  const { speedup } = variant;
  return {
    key: variant.key,
    label: variant.label,
    tokensOut: variant.tokensAfterLayer.at(-1) ?? null,
    removedTokenLayers: variant.removedTokenLayers,
    gmacs: (variant.macs / 1e9).toFixed(2),
    medianMs: msCell(variant.medianMs),
    spreadMs: variant.p10Ms === null || variant.p90Ms === null ? '–' : `${variant.p10Ms.toFixed(2)}–${variant.p90Ms.toFixed(2)}`,
    samples: variant.samples,
    speedup: isBaseline ? 'reference' : speedup ? `×${speedup.median.toFixed(3)}` : '–',
    speedupRounds: !isBaseline && speedup && speedup.rounds >= 2 ? `${speedup.q25.toFixed(3)}–${speedup.q75.toFixed(3)}` : '',
    verdict: speedupVerdict(speedup, isBaseline),
    predictedMs: msCell(variant.predictedMs),
    predictedSpeedup: isBaseline || variant.predictedSpeedup === undefined ? '' : `×${variant.predictedSpeedup.toFixed(3)}`,
    errorPct: isBaseline ? '' : signedPct(variant.anchoredErrorPct),
  };
}

/** The first variant is the baseline every speedup is relative to. */
export function validationRows(document: ValidationDocument): ValidationRow[] {
  return document.variants.map(row);
}

/** One sentence for the top of the result: the schedule's own variant, measured against predicted. */
export function validationHeadline(document: ValidationDocument): string {
  const schedule = document.variants.find((variant) => variant.method === 'pomt') ?? document.variants[1];
  const where = `${String(document.model.id ?? 'the model')} on ${document.ep}, ${document.rounds.done} of ${document.rounds.planned} rounds`;
  if (!schedule?.speedup) return `${where}: the schedule's model was not measured.`;
  const predicted = schedule.predictedSpeedup ?? document.schedule.predictedSpeedup;
  return `${where}: the schedule measured ×${schedule.speedup.median.toFixed(3)} against the baseline (${speedupVerdict(schedule.speedup, false)}); its profile predicted ×${predicted.toFixed(3)}.`;
}
