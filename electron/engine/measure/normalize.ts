import type { Visit } from './visit.js';
import type { ProfilePoint } from '../contracts/profile.js';
import { median, quantileSorted, sortedCopy } from '../util/stats.js';
import { visitThrottled } from './device-state.js';

/**
 * Drift cancellation. Each pass measures a reference token count every few visits; a visit's
 * median is divided by the reference latency interpolated to the visit's time within its own
 * pass, so a machine that slows down for a minute moves both alike and the ratio stays put.
 * Ratios are combined across passes by their median, so one pass hit by a drift episode the
 * reference did not see cannot move a point on its own.
 */
export interface NormalizedSweep {
  points: ProfilePoint[];
  referenceTokens: number;
  /** median of all reference visits: converts ratios back to milliseconds */
  referenceMs: number;
  /** (max − min) / median of the reference visits' medians, in percent */
  referenceDriftPct: number;
}

export function visitMidpointMs(visit: Visit): number {
  return (visit.startedAtMs + visit.endedAtMs) / 2;
}

/** Reference latency at `atMs`, linearly interpolated between the pass's reference visits. */
export function referenceAt(references: readonly Visit[], atMs: number): number {
  if (references.length === 0) return Number.NaN;
  const sorted = references.slice().sort((a, b) => visitMidpointMs(a) - visitMidpointMs(b));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (atMs <= visitMidpointMs(first)) return median(first.timesMs);
  if (atMs >= visitMidpointMs(last)) return median(last.timesMs);
  for (let i = 1; i < sorted.length; i++) {
    const right = sorted[i];
    if (visitMidpointMs(right) >= atMs) {
      const left = sorted[i - 1];
      const span = visitMidpointMs(right) - visitMidpointMs(left);
      const weight = span > 0 ? (atMs - visitMidpointMs(left)) / span : 0;
      return median(left.timesMs) * (1 - weight) + median(right.timesMs) * weight;
    }
  }
  return median(last.timesMs);
}

/**
 * A visit is unsettled when the reference visits around it (in its pass) disagree by more than
 * `tolerance`: the machine changed speed somewhere in between, and interpolation can only guess
 * when. Its ratio is used only when a count has no settled visit.
 */
export function isUnsettled(visit: Visit, passReferences: readonly Visit[], tolerance: number): boolean {
  if (visit.isReference) return false;
  const at = visitMidpointMs(visit);
  let before: Visit | undefined;
  let after: Visit | undefined;
  for (const reference of passReferences) {
    const t = visitMidpointMs(reference);
    if (t <= at && (!before || t > visitMidpointMs(before))) before = reference;
    if (t >= at && (!after || t < visitMidpointMs(after))) after = reference;
  }
  if (!before || !after) return true;
  const a = median(before.timesMs);
  const b = median(after.timesMs);
  return Math.max(a, b) / Math.min(a, b) - 1 > tolerance;
}

export const DEFAULT_SETTLED_TOLERANCE = 0.04;

/**
 * Counts worth measuring again: those without `wanted` settled visits that agree with each other
 * (within `tolerance` of their median). One settled visit can still have run during a short
 * excursion its references did not see; two that agree cannot both have.
 */
export function countsToRemeasure(visits: readonly Visit[], wanted: number, tolerance = DEFAULT_SETTLED_TOLERANCE): number[] {
  const referencesByPass = groupReferences(visits);
  const ratiosByTokens = new Map<number, number[]>();
  for (const visit of visits) {
    if (visit.isReference || visit.timesMs.length === 0) continue;
    const ratios = ratiosByTokens.get(visit.tokens) ?? [];
    ratiosByTokens.set(visit.tokens, ratios);
    const passReferences = referencesByPass.get(passKey(visit)) ?? [];
    if (isUnsettled(visit, passReferences, tolerance) || visitThrottled(visit)) continue;
    ratios.push(median(visit.timesMs) / referenceAt(passReferences, visitMidpointMs(visit)));
  }
  return [...ratiosByTokens.entries()]
    .filter(([, ratios]) => {
      if (ratios.length === 0) return true;
      const center = median(ratios);
      return ratios.filter((ratio) => Math.abs(ratio / center - 1) <= tolerance).length < wanted;
    })
    .map(([tokens]) => tokens)
    .sort((a, b) => a - b);
}

function groupReferences(visits: readonly Visit[]): Map<string, Visit[]> {
  const byPass = new Map<string, Visit[]>();
  for (const visit of visits) {
    if (!visit.isReference || visit.timesMs.length === 0) continue;
    const key = passKey(visit);
    byPass.set(key, [...(byPass.get(key) ?? []), visit]);
  }
  return byPass;
}

export function normalizeVisits(visits: readonly Visit[], referenceTokens: number, tolerance = DEFAULT_SETTLED_TOLERANCE): NormalizedSweep {
  const usable = visits.filter((visit) => visit.timesMs.length > 0);
  const references = usable.filter((visit) => visit.isReference);
  const referenceMedians = references.map((visit) => median(visit.timesMs));
  const referenceMs = median(referenceMedians);
  const referenceDriftPct = referenceMedians.length > 1
    ? (100 * (Math.max(...referenceMedians) - Math.min(...referenceMedians))) / referenceMs
    : 0;

  const referencesByPass = groupReferences(usable);

  const visitsByTokens = new Map<number, { visit: Visit; referenceThen: number; unsettled: boolean }[]>();
  for (const visit of usable) {
    const passReferences = referencesByPass.get(passKey(visit)) ?? references;
    const referenceThen = visit.isReference ? median(visit.timesMs) : referenceAt(passReferences, visitMidpointMs(visit));
    // A visit the GPU ran throttled is as untrustworthy as one its references saw the machine change speed around.
    const unsettled = isUnsettled(visit, passReferences, tolerance) || visitThrottled(visit);
    visitsByTokens.set(visit.tokens, [...(visitsByTokens.get(visit.tokens) ?? []), { visit, referenceThen, unsettled }]);
  }

  const byTokens = new Map<number, { ratios: number[]; corrected: number[]; passes: number; throttled: boolean }>();
  for (const [tokens, entries] of visitsByTokens) {
    const settled = entries.filter((entry) => !entry.unsettled);
    const chosen = settled.length > 0 ? settled : entries;
    const entry = { ratios: [] as number[], corrected: [] as number[], passes: chosen.length, throttled: chosen.some(({ visit }) => visitThrottled(visit)) };
    for (const { visit, referenceThen } of chosen) {
      entry.ratios.push(median(visit.timesMs) / referenceThen);
      const scale = referenceMs / referenceThen;
      for (const time of visit.timesMs) entry.corrected.push(time * scale);
    }
    byTokens.set(tokens, entry);
  }

  const points: ProfilePoint[] = [...byTokens.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tokens, entry]) => {
      const sorted = sortedCopy(entry.corrected);
      const ratio = median(entry.ratios);
      return {
        tokens,
        medianMs: ratio * referenceMs,
        p10Ms: quantileSorted(sorted, 0.1),
        p90Ms: quantileSorted(sorted, 0.9),
        iqrMs: quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25),
        samples: sorted.length,
        relativeToReference: ratio,
        relativeSpread: Math.max(...entry.ratios) - Math.min(...entry.ratios),
        passes: entry.passes,
        ...(entry.throttled ? { throttled: true } : {}),
      };
    });
  return { points, referenceTokens, referenceMs, referenceDriftPct };
}

function passKey(visit: Visit): string {
  return `${visit.phase}:${visit.pass}`;
}
