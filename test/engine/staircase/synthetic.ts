/**
 * Synthetic latency curves with known ground truth, drawn from a seeded RNG. Shapes follow the
 * regimes real devices show: GPU tile/wave staircases, launch-bound flat curves, CPU ramps.
 */
import type { CurvePoint } from '../../../electron/engine/staircase/curve.js';
import type { Rng } from '../../../electron/engine/util/rng.js';

export interface TrueStep {
  /** first token count on the higher plateau */
  tokens: number;
  jumpPct: number;
}

export interface SyntheticCurve {
  points: CurvePoint[];
  steps: TrueStep[];
  /** token counts that were given an outlier */
  outliers: number[];
}

export function uniform(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng.next();
}

export function range(from: number, to: number, stride = 1): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n += stride) out.push(n);
  return out;
}

export interface CurveSpec {
  tokens: number[];
  steps?: TrueStep[];
  baseMs?: number;
  /** multiplicative noise, relative standard deviation */
  noise?: number;
  /** latency growth per token within plateaus, relative to baseMs */
  tiltPerToken?: number;
  /** quadratic growth per token², relative to baseMs */
  curvePerToken2?: number;
  /** sinusoidal ripple: relative amplitude and period in tokens */
  ripple?: { amplitude: number; periodTokens: number };
  /** how many isolated outliers (+50–200 %) to add at interior points */
  outliers?: number;
  /** token range [from, to] whose noise is `factor` times larger */
  noisierStretch?: { from: number; to: number; factor: number };
}

/** The noiseless latency at n tokens. */
export function trueLatencyMs(spec: CurveSpec, n: number): number {
  const base = spec.baseMs ?? 10;
  const first = spec.tokens[0];
  let level = base * (1 + (spec.tiltPerToken ?? 0) * (n - first) + (spec.curvePerToken2 ?? 0) * (n - first) ** 2);
  for (const step of spec.steps ?? []) if (n >= step.tokens) level *= 1 + step.jumpPct / 100;
  if (spec.ripple) level *= 1 + spec.ripple.amplitude * Math.sin((2 * Math.PI * n) / spec.ripple.periodTokens);
  return level;
}

/**
 * Interior indices for outliers, at least 3 apart, never on the first or last two points: a lone
 * point at the end of a sweep cannot be told from a step the sweep ran out of room to confirm.
 */
function outlierIndices(rng: Rng, count: number, length: number): number[] {
  const chosen: number[] = [];
  for (let attempt = 0; chosen.length < count && attempt < 1000; attempt++) {
    const index = 2 + rng.int(length - 4);
    if (chosen.every((c) => Math.abs(c - index) >= 3)) chosen.push(index);
  }
  return chosen.sort((a, b) => a - b);
}

export function synthesize(rng: Rng, spec: CurveSpec): SyntheticCurve {
  const noiseAt = (n: number): number => {
    const stretch = spec.noisierStretch;
    return (spec.noise ?? 0) * (stretch && n >= stretch.from && n <= stretch.to ? stretch.factor : 1);
  };
  const values = spec.tokens.map((n) => trueLatencyMs(spec, n) * (1 + noiseAt(n) * rng.normal()));
  const outliers = outlierIndices(rng, spec.outliers ?? 0, spec.tokens.length);
  for (const index of outliers) values[index] *= 1 + uniform(rng, 0.5, 2);
  return {
    points: spec.tokens.map((tokens, i) => ({ tokens, medianMs: values[i] })),
    steps: spec.steps ?? [],
    outliers: outliers.map((i) => spec.tokens[i]),
  };
}

/**
 * Step positions on a tile/wave period: one more row than a multiple of `period` spills a tile
 * (17, 33, … for 16), as long as at least 4 counts follow the step within [from, to].
 */
export function periodicSteps(rng: Rng, from: number, to: number, period: number, jumpPct: [number, number]): TrueStep[] {
  const steps: TrueStep[] = [];
  for (let n = (Math.floor((from - 1) / period) + 1) * period + 1; n <= to - 3; n += period) {
    steps.push({ tokens: n, jumpPct: uniform(rng, jumpPct[0], jumpPct[1]) });
  }
  return steps;
}

/** Irregular step positions (wave boundaries of several kernels), at least `minGap` tokens apart. */
export function irregularSteps(
  rng: Rng,
  from: number,
  to: number,
  count: number,
  minGap: number,
  jumpPct: [number, number],
): TrueStep[] {
  const positions: number[] = [];
  for (let attempt = 0; positions.length < count && attempt < 10_000; attempt++) {
    const n = from + minGap + rng.int(to - from - 2 * minGap);
    if (positions.every((p) => Math.abs(p - n) >= minGap)) positions.push(n);
  }
  return positions.sort((a, b) => a - b).map((tokens) => ({ tokens, jumpPct: uniform(rng, jumpPct[0], jumpPct[1]) }));
}

/** A coarse grid plus dense refinement around each step, as a sweep that refines candidates would measure. */
export function refinedGrid(from: number, to: number, coarseStride: number, around: readonly number[], radius: number): number[] {
  const grid = new Set(range(from, to, coarseStride));
  grid.add(to);
  for (const n of around) for (let k = n - radius; k <= n + radius; k++) if (k >= from && k <= to) grid.add(k);
  return [...grid].sort((a, b) => a - b);
}

/**
 * Multiplicative noise between 0.5 % and 3 %, but at most 1/`jumpsPerNoise` of the smallest jump:
 * 5 where plateaus are flat or long; next to a tilted plateau of a few counts the slope must be
 * measured from those few counts too, and the same certainty takes a cleaner signal (10).
 */
export function noiseFor(rng: Rng, steps: readonly TrueStep[], jumpsPerNoise = 5): number {
  const smallestJump = Math.min(...steps.map((s) => s.jumpPct)) / 100;
  return uniform(rng, 0.005, Math.max(0.005, Math.min(0.03, smallestJump / jumpsPerNoise)));
}

/** A named family of curves with known truth, one curve per seed. */
export interface Scenario {
  name: string;
  make(rng: Rng): SyntheticCurve;
  /** regimes acceptable for this family */
  regimes: string[];
}

export const STEP_SCENARIOS: Scenario[] = [
  {
    name: 'GPU tile staircase: steps every 16/32/64 tokens, 3–40 %, with outliers',
    regimes: ['staircase'],
    make(rng) {
      const period = [16, 32, 64][rng.int(3)];
      const steps = periodicSteps(rng, 1, 197, period, [3, 40]);
      return synthesize(rng, { tokens: range(1, 197), steps, noise: noiseFor(rng, steps), outliers: rng.int(4) });
    },
  },
  {
    name: 'irregular wave boundaries: 2–5 steps anywhere, 5–50 %, with outliers',
    regimes: ['staircase'],
    make(rng) {
      const steps = irregularSteps(rng, 8, 256, 2 + rng.int(4), 8, [5, 50]);
      return synthesize(rng, { tokens: range(8, 256), steps, noise: noiseFor(rng, steps), outliers: rng.int(4) });
    },
  },
  {
    name: 'tilted plateaus: steps every 32 tokens on a rising baseline, with outliers',
    regimes: ['staircase'],
    make(rng) {
      const steps = periodicSteps(rng, 1, 165, 32, [5, 40]);
      const tiltPerToken = uniform(rng, 0.001, 0.005);
      return synthesize(rng, { tokens: range(1, 197), steps, noise: noiseFor(rng, steps), tiltPerToken, outliers: rng.int(3) });
    },
  },
  {
    name: 'tilted plateaus with a step 5 counts before the end (noise ≤ jump/10)',
    regimes: ['staircase'],
    make(rng) {
      const steps = periodicSteps(rng, 1, 197, 32, [5, 40]);
      const tiltPerToken = uniform(rng, 0.001, 0.005);
      return synthesize(rng, { tokens: range(1, 197), steps, noise: noiseFor(rng, steps, 10), tiltPerToken, outliers: rng.int(3) });
    },
  },
  {
    name: 'uneven grid: every 8 tokens, refined ±3 around each step',
    regimes: ['staircase'],
    make(rng) {
      const steps = irregularSteps(rng, 8, 400, 3, 40, [5, 40]);
      const tokens = refinedGrid(8, 400, 8, steps.map((s) => s.tokens), 3);
      return synthesize(rng, { tokens, steps, noise: noiseFor(rng, steps) });
    },
  },
];

export const STEP_FREE_SCENARIOS: Scenario[] = [
  {
    name: 'launch-bound flat curve with outliers',
    regimes: ['flat'],
    make: (rng) => synthesize(rng, { tokens: range(1, 197), noise: uniform(rng, 0.005, 0.03), outliers: 1 + rng.int(5) }),
  },
  {
    name: 'CPU linear ramp',
    regimes: ['linear'],
    make: (rng) =>
      synthesize(rng, { tokens: range(1, 197), noise: uniform(rng, 0.005, 0.03), tiltPerToken: uniform(rng, 0.003, 0.02) }),
  },
  {
    name: 'CPU quadratic ramp with ripple',
    regimes: ['ramp', 'linear'],
    make: (rng) =>
      synthesize(rng, {
        tokens: range(1, 197),
        noise: uniform(rng, 0.005, 0.02),
        tiltPerToken: uniform(rng, 0.001, 0.01),
        curvePerToken2: uniform(rng, 2e-5, 1e-4),
        ripple: { amplitude: uniform(rng, 0.002, 0.005), periodTokens: [8, 12, 16][rng.int(3)] },
      }),
  },
  {
    name: 'very noisy flat curve',
    regimes: ['noisy'],
    make: (rng) => synthesize(rng, { tokens: range(1, 197), noise: uniform(rng, 0.07, 0.12) }),
  },
  {
    name: 'flat curve with a stretch four times noisier',
    regimes: ['flat'],
    make: (rng) =>
      synthesize(rng, {
        tokens: range(1, 197),
        noise: uniform(rng, 0.005, 0.01),
        noisierStretch: { from: 67, to: 131, factor: 4 },
      }),
  },
];
