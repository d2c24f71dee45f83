/**
 * Shapes profile data for the staircase chart. Pure functions: the chart component only draws what
 * these return, so everything a user reads off the chart is tested here.
 */

export interface ChartPoint {
  tokens: number;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  samples?: number;
}

export interface ChartStep {
  tokens: number;
  beforeMs: number;
  afterMs: number;
  jumpPct: number;
  confidence: number;
}

export interface ChartPlateau {
  from: number;
  to: number;
  medianMs: number;
}

/** A step the wave-quantization model predicted (profile.prediction.comparison.predicted). */
export interface ChartPredictedStep {
  tokens: number;
  jumpPct: number;
  measured: { tokens: number } | null;
}

/** Columns in token order, as uPlot wants them: x, then one array per series. */
export interface StaircaseSeries {
  tokens: number[];
  medianMs: number[];
  p10Ms: number[];
  p90Ms: number[];
}

/** Points in token order; a count measured again (a later pass, a re-visit) replaces the earlier one. */
export function toSeries(points: readonly ChartPoint[]): StaircaseSeries {
  const byTokens = new Map<number, ChartPoint>();
  for (const point of points) byTokens.set(point.tokens, point);
  const sorted = [...byTokens.values()].sort((a, b) => a.tokens - b.tokens);
  return {
    tokens: sorted.map((point) => point.tokens),
    medianMs: sorted.map((point) => point.medianMs),
    p10Ms: sorted.map((point) => point.p10Ms),
    p90Ms: sorted.map((point) => point.p90Ms),
  };
}

export interface AlignedColumns {
  tokens: number[];
  /** per profile: median, p10, p90 at every count of `tokens`, null where that profile has no point */
  profiles: { medianMs: (number | null)[]; p10Ms: (number | null)[]; p90Ms: (number | null)[] }[];
}

/** Several profiles on one token axis (comparing two runs): the union of their counts. */
export function alignSeries(seriesList: readonly StaircaseSeries[]): AlignedColumns {
  const tokens = [...new Set(seriesList.flatMap((series) => series.tokens))].sort((a, b) => a - b);
  const profiles = seriesList.map((series) => {
    const indexOf = new Map(series.tokens.map((count, index) => [count, index]));
    const column = (values: number[]) =>
      tokens.map((count) => {
        const index = indexOf.get(count);
        return index === undefined ? null : values[index];
      });
    return { medianMs: column(series.medianMs), p10Ms: column(series.p10Ms), p90Ms: column(series.p90Ms) };
  });
  return { tokens, profiles };
}

/**
 * A latency step sits between the last count of the lower plateau and `tokens`, the first count of
 * the higher one; drawing it half a token early puts the line where the jump happens.
 */
export function stepX(tokens: number): number {
  return tokens - 0.5;
}

export interface PlateauShade {
  fromX: number;
  toX: number;
  medianMs: number;
  /** alternates 0, 1, 0 … so neighbouring plateaus stay distinguishable */
  shade: 0 | 1;
}

/** Shaded x-ranges, half a token wider than the plateau on each side so they meet at the step lines. */
export function plateauShading(plateaus: readonly ChartPlateau[], domain?: { from: number; to: number }): PlateauShade[] {
  return [...plateaus]
    .sort((a, b) => a.from - b.from)
    .map((plateau, index) => ({
      fromX: domain ? Math.max(plateau.from - 0.5, domain.from) : plateau.from - 0.5,
      toX: domain ? Math.min(plateau.to + 0.5, domain.to) : plateau.to + 0.5,
      medianMs: plateau.medianMs,
      shade: (index % 2) as 0 | 1,
    }))
    .filter((shade) => shade.toX > shade.fromX);
}

export interface StepMarker {
  x: number;
  tokens: number;
  kind: 'measured' | 'predicted';
  label: string;
}

/** Measured steps, then predicted ones no measured step confirmed (a confirmed one would draw twice). */
export function stepMarkers(steps: readonly ChartStep[], predicted: readonly ChartPredictedStep[] = []): StepMarker[] {
  const measured: StepMarker[] = steps.map((step) => ({
    x: stepX(step.tokens),
    tokens: step.tokens,
    kind: 'measured',
    label: `step at ${step.tokens} tokens: +${formatPct(step.jumpPct)} (${formatMs(step.beforeMs)} → ${formatMs(step.afterMs)}), confidence ${Math.round(step.confidence * 100)} %`,
  }));
  const unconfirmed: StepMarker[] = predicted
    .filter((step) => step.measured === null)
    .map((step) => ({
      x: stepX(step.tokens),
      tokens: step.tokens,
      kind: 'predicted',
      label: `predicted step at ${step.tokens} tokens (+${formatPct(step.jumpPct)}), not measured`,
    }));
  return [...measured, ...unconfirmed];
}

/** What the hover (or keyboard) cursor shows at `index` of the aligned columns, one part per profile. */
export function readout(columns: AlignedColumns, index: number | null | undefined, labels: readonly string[] = []): string {
  if (index === null || index === undefined || index < 0 || index >= columns.tokens.length) return '';
  const parts = columns.profiles.flatMap((profile, which) => {
    const median = profile.medianMs[index];
    if (median === null) return [];
    const band = `p10–p90 ${formatMs(profile.p10Ms[index] ?? NaN)}–${formatMs(profile.p90Ms[index] ?? NaN)}`;
    const label = labels[which] ? `${labels[which]}: ` : '';
    return [`${label}${formatMs(median)} median, ${band}`];
  });
  return `${columns.tokens[index]} tokens · ${parts.join(' · ')}`;
}

/** The index of the count nearest to `tokens` (the cursor lands between counts). */
export function nearestIndex(xs: readonly number[], tokens: number): number {
  if (xs.length === 0) return -1;
  let low = 0;
  let high = xs.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (xs[middle] <= tokens) low = middle;
    else high = middle;
  }
  return Math.abs(xs[high] - tokens) < Math.abs(xs[low] - tokens) ? high : low;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function formatPct(pct: number): string {
  return `${pct.toFixed(pct >= 10 ? 0 : 1)} %`;
}
