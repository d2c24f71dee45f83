import type { Step } from '../contracts/profile.js';
import type { TrendReading } from './regime.js';

/** Words for what detection found. One sentence per curve, built from a headline and notes. */

export function formatPct(value: number): string {
  const rounded = Math.abs(value) >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded > 0 ? '+' : ''}${rounded} %`;
}

export function formatList(values: readonly number[], limit = 6): string {
  if (values.length === 1) return String(values[0]);
  if (values.length > limit) return `${values.slice(0, limit - 1).join(', ')}, … ${values[values.length - 1]}`;
  return `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

const unsigned = (value: number): string => formatPct(value).replace('+', '');

export function trendHeadline(reading: TrendReading, fromTokens: number, toTokens: number, minJumpZ: number): string {
  const change = formatPct(100 * reading.changeRelative);
  const span = `${change} from ${fromTokens} to ${toTokens} tokens`;
  switch (reading.kind) {
    case 'flat':
      return `flat: latency changes by ${span}, within noise: pruning tokens will not make it faster (launch-bound)`;
    case 'linear':
      return `ramp: latency grows smoothly with tokens (linearly, ${span}); gains from pruning are proportional, no step to land below`;
    case 'ramp':
      return `ramp: latency grows smoothly with tokens (${span}); gains from pruning are proportional, no step to land below`;
    case 'too-noisy': {
      // Two plateaus of 4 points each resolve a jump of minJumpZ·σ·√(1/4 + 1/4).
      const resolvable = unsigned(100 * Math.expm1(minJumpZ * reading.noiseRelative * Math.SQRT1_2));
      return `noisy: points scatter by about ±${unsigned(100 * reading.noiseRelative)}, too much to resolve steps smaller than about ${resolvable}; measure with more passes or on a quieter machine`;
    }
    case 'irregular':
      return `noisy: latency varies irregularly with tokens (±${unsigned(100 * reading.scatterRelative)} around a smooth trend) with no consistent step`;
    case 'falling':
      return `noisy: latency falls as tokens grow (${span}), which no kernel does: check the measurement`;
  }
}

export function staircaseHeadline(confident: readonly Step[]): string {
  const jumps = confident.map((s) => s.jumpPct);
  const low = Math.min(...jumps);
  const high = Math.max(...jumps);
  const range = confident.length === 1 || Math.abs(high - low) < 0.5 ? formatPct(low) : `${formatPct(low)} to ${formatPct(high)}`;
  return `staircase: ${plural(confident.length, 'step')} at ${formatList(confident.map((s) => s.tokens))} tokens (${range})`;
}

export interface DetectionNotes {
  tentative: readonly Step[];
  downward: readonly { tokens: number; jumpPct: number }[];
  outlierTokens: readonly number[];
}

export function detectionNotes({ tentative, downward, outlierTokens }: DetectionNotes): string[] {
  const notes: string[] = [];
  if (tentative.length > 0) {
    const jumps = tentative.map((s) => formatPct(s.jumpPct)).join(', ');
    notes.push(
      `${plural(tentative.length, 'tentative step')} at ${formatList(tentative.map((s) => s.tokens))} tokens (${jumps}; one point on its far side cannot tell a step from an outlier: measure a few counts past it)`,
    );
  }
  if (downward.length > 0) {
    const jumps = downward.map((d) => formatPct(d.jumpPct)).join(', ');
    notes.push(`${plural(downward.length, 'downward level change')} at ${formatList(downward.map((d) => d.tokens))} tokens (${jumps}), not steps`);
  }
  if (outlierTokens.length > 0) {
    notes.push(`${plural(outlierTokens.length, 'isolated outlier')} ignored (at ${formatList(outlierTokens)} tokens)`);
  }
  return notes;
}
