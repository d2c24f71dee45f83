/**
 * Deterministic pseudo-random numbers. Everything seeded in EdgeTune (weights, inputs, visit order,
 * synthetic noise) draws from here so that a seed reproduces a run exactly.
 */
export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** standard normal */
  normal(): number;
  /** integer in [0, n) */
  int(n: number): number;
}

/** splitmix32-style mixing of a 32-bit state; fast and good enough for weights and shuffles. */
export function createRng(seed: number): Rng {
  let state = (seed >>> 0) ^ 0x9e3779b9;
  let spareNormal: number | undefined;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 4294967296;
  };
  const normal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = next();
    const v = next();
    const radius = Math.sqrt(-2 * Math.log(u));
    spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
  return { next, normal, int: (n) => Math.floor(next() * n) };
}

/** Fisher–Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Derives an independent seed for a named purpose from a base seed. */
export function deriveSeed(seed: number, purpose: string): number {
  let hash = 2166136261 ^ seed;
  for (let i = 0; i < purpose.length; i++) {
    hash = Math.imul(hash ^ purpose.charCodeAt(i), 16777619);
  }
  return hash >>> 0;
}
