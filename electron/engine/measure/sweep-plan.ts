import { createRng, deriveSeed, shuffled } from '../util/rng.js';

/** Token counts for the survey: every count when the range is small, else an even grid with both ends. */
export function surveyGrid(from: number, to: number, maxPoints: number): number[] {
  const count = to - from + 1;
  if (count <= maxPoints) return range(from, to);
  const stride = (to - from) / (maxPoints - 1);
  const grid = new Set<number>();
  for (let i = 0; i < maxPoints; i++) grid.add(Math.round(from + i * stride));
  grid.add(to);
  return [...grid].sort((a, b) => a - b);
}

/**
 * Counts to add so that a step seen between two measured counts is pinned to one token:
 * every count in the gap when it is short, otherwise an even subdivision (the next round narrows it).
 */
export function refinementCounts(measured: readonly number[], stepTokens: readonly number[], maxPerGap = 16): number[] {
  const sorted = [...measured].sort((a, b) => a - b);
  const have = new Set(sorted);
  const wanted = new Set<number>();
  for (const step of stepTokens) {
    const index = sorted.indexOf(step);
    if (index <= 0) continue;
    const below = sorted[index - 1];
    const gap = step - below;
    if (gap <= 1) continue;
    if (gap - 1 <= maxPerGap) {
      for (let tokens = below + 1; tokens < step; tokens++) wanted.add(tokens);
    } else {
      const stride = gap / (maxPerGap + 1);
      for (let i = 1; i <= maxPerGap; i++) wanted.add(Math.round(below + i * stride));
    }
  }
  return [...wanted].filter((tokens) => !have.has(tokens)).sort((a, b) => a - b);
}

/**
 * The visiting order of one pass: the counts shuffled (drift must not line up with token order),
 * with the reference count first, last and after every `referenceEvery` visits.
 */
export function passOrder(
  counts: readonly number[],
  referenceTokens: number,
  referenceEvery: number,
  seed: number,
  pass: number,
): { tokens: number; isReference: boolean }[] {
  const rng = createRng(deriveSeed(seed, `pass-${pass}`));
  const order = shuffled(counts.filter((tokens) => tokens !== referenceTokens), rng);
  const visits: { tokens: number; isReference: boolean }[] = [{ tokens: referenceTokens, isReference: true }];
  order.forEach((tokens, index) => {
    visits.push({ tokens, isReference: false });
    if ((index + 1) % referenceEvery === 0 && index + 1 < order.length) {
      visits.push({ tokens: referenceTokens, isReference: true });
    }
  });
  visits.push({ tokens: referenceTokens, isReference: true });
  return visits;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
