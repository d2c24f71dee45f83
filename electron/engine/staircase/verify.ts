import { lineCost, type RunFit, type RunSums } from './segment.js';

/**
 * Deciding which candidate boundaries are real level changes. Everything here works on the
 * analysed series (log latency, outliers set aside) through its running sums; indices are into it.
 */

/**
 * How the two plateaus around a boundary are modelled when measuring the jump between them: flat;
 * sloped (one slope fitted within both, its uncertainty in the error); or with the slope at its
 * plausible largest taken off the jump (conservative, but with a flat model's error); or curved
 * (a level each side sharing slope and curvature, fitted further into the longer plateau).
 */
export type PlateauModel = 'flat' | 'sloped' | 'bounded-slope' | 'curved';

export interface BoundaryTest {
  /** index (into the analysed series) of the first point after the boundary */
  index: number;
  /** level change across the boundary beyond what the plateaus' slope predicts, log units */
  jump: number;
  standardError: number;
  z: number;
  model: PlateauModel;
  leftCount: number;
  rightCount: number;
  /** the points [windowFrom, windowTo) the jump was measured on */
  windowFrom: number;
  windowTo: number;
}

export interface VerifyOptions {
  minJumpZ: number;
  /** smallest level change worth calling a step, log units */
  minJumpLog: number;
  minPlateauPoints: number;
}

/** |slope| / standard error above which a slope is taken as real rather than noise */
const SLOPE_Z = 2.5;
/** a plateau part shorter than this is not shortened further, however it bends */
const MIN_STRAIGHT_POINTS = 4;
/** |curvature| / standard error above which a plateau part counts as bent */
const CURVATURE_Z = 2;
/** how much further than the level runs the curved reading may reach into the longer plateau */
const SLOPE_REACH = 4;
/** how far (in points) a boundary may move to where its plateaus fit best */
const REFINE_REACH = 2;
/** settling rounds are few in practice; this only bounds a pathological cycle */
const MAX_ROUNDS = 50;

/** Within-run slope evidence: Σw(t − t̄)² and Σw(t − t̄)(y − ȳ), summed over runs with their own means. */
interface SlopeEvidence {
  stt: number;
  sty: number;
}

function pooled(...runs: (SlopeEvidence | undefined)[]): SlopeEvidence {
  let stt = 0;
  let sty = 0;
  for (const run of runs) {
    if (!run) continue;
    stt += run.stt;
    sty += run.sty;
  }
  return { stt, sty };
}

const slopeOf = (evidence: SlopeEvidence): number => (evidence.stt > 0 ? evidence.sty / evidence.stt : 0);
const slopeIsReal = (evidence: SlopeEvidence): boolean =>
  evidence.stt > 0 && Math.abs(evidence.sty) / Math.sqrt(evidence.stt) > SLOPE_Z;

/**
 * Whether the plateaus tilt: a slope shows in the straight parts next to the gap or `around` them
 * (the whole plateaus and the plateaus beyond, each with its own level). Looking around matters:
 * cut into short pieces, a tilted plateau's pieces each look flat, and a search over many positions
 * would pass its rise off as a jump.
 */
function plateausTilt(local: SlopeEvidence, around: SlopeEvidence): boolean {
  return slopeIsReal(local) || slopeIsReal(around);
}

/**
 * How much wider than the noise estimate a run scatters (≥ 1), from its residual χ² and degrees of
 * freedom: the noise estimate must never make a jump look surer than the data do.
 */
function scatterFactor(residual: number, freedom: number): number {
  if (freedom <= 0) return 1;
  return Math.max(1, residual / freedom);
}

/**
 * The jump between the runs [left) and [right) and its standard error: the difference of their
 * levels, less what the slope predicts across the distance between them. Sloped: one slope fitted
 * within both runs. With runs reaching equally far from the gap this is blind to curvature: for
 * any parabola (a curved ramp, or a knee between a flat and a rising stretch) the two extrapolated
 * levels meet exactly, so only a real level change shows. Bounded: less the most `slopeBound`
 * could explain.
 */
function measureJump(left: RunFit, right: RunFit, index: number, model: PlateauModel, slopeBound = 0): BoundaryTest {
  const both = pooled(left, right);
  const slope = model === 'flat' ? 0 : slopeOf(both);
  const distance = right.meanT - left.meanT;
  const levelDifference = right.meanY - left.meanY;
  let jump: number;
  let slopeVariance = 0;
  if (model === 'bounded-slope') {
    jump = Math.sign(levelDifference) * Math.max(0, Math.abs(levelDifference) - slopeBound * Math.abs(distance));
  } else {
    jump = levelDifference - slope * distance;
    if (model === 'sloped' && both.stt > 0) slopeVariance = distance ** 2 / both.stt;
  }
  // If a plateau scatters more than the noise estimate says (ripple, a noisier stretch, or two
  // points that disagree and so are no plateau at all), trust the scatter: the noise estimate must
  // never make a jump look surer than the data do. Each side on its own, so that a quiet side
  // cannot vouch for a noisy one; even one degree of freedom counts, as a two-point "plateau" whose
  // points differ by ten noise widths must not pass for a level.
  const scatterOf = (run: RunFit): number => {
    // each side has its own level; a shared slope costs the two sides one degree of freedom together
    const freedom = run.count - 1 - (model === 'flat' ? 0 : 0.5);
    return scatterFactor(run.syy - 2 * slope * run.sty + slope ** 2 * run.stt, freedom);
  };
  const leftScatter = scatterOf(left);
  const rightScatter = scatterOf(right);
  const variance = leftScatter / left.weight + rightScatter / right.weight + slopeVariance * Math.max(leftScatter, rightScatter);
  const standardError = Math.sqrt(variance);
  return {
    index,
    jump,
    standardError,
    z: jump / standardError,
    model,
    leftCount: left.count,
    rightCount: right.count,
    windowFrom: index - left.count,
    windowTo: index + right.count,
  };
}

function passes(test: BoundaryTest, options: VerifyOptions): boolean {
  return (
    Math.abs(test.z) >= options.minJumpZ &&
    Math.abs(test.jump) >= options.minJumpLog &&
    test.leftCount >= options.minPlateauPoints &&
    test.rightCount >= options.minPlateauPoints
  );
}

/** How far a boundary is from failing; below 1 it fails. */
function strength(test: BoundaryTest, options: VerifyOptions): number {
  return Math.min(Math.abs(test.z) / options.minJumpZ, Math.abs(test.jump) / options.minJumpLog);
}

/**
 * How many points of a plateau, counted from the gap, are straight: the whole plateau if it is,
 * else the half nearest the gap, and so on. Straight means no significant curvature: a bend too
 * gentle to raise the scatter still biases a level extrapolated across the gap by about as much as
 * the curvature's own z, so comparing levels through a bent line would turn a smooth ramp into a
 * jump. Scatter about the line (ripple, noise) does not shorten the part: it widens the jump's
 * error instead, and a short part would let ripple tilt the slope (a sine over one period has a
 * least-squares slope of 1.9× its amplitude per period).
 */
function straightPointsNextToGap(sums: RunSums, start: number, end: number, side: 'left' | 'right'): number {
  let size = end - start;
  for (;;) {
    const freedom = size - 2;
    if (size <= MIN_STRAIGHT_POINTS || freedom <= 0) return size;
    const from = side === 'left' ? end - size : start;
    if (Math.abs(sums.curvatureZ(from, from + size)) <= CURVATURE_Z) return size;
    size = Math.max(MIN_STRAIGHT_POINTS, Math.ceil(size / 2));
  }
}

/**
 * A plateau's slope as evidence of tilt, or nothing if the plateau is empty or looks more like two
 * levels than like a line: a step not found yet inside it would otherwise read as a tilt and, as
 * evidence, hide other steps (two such plateaus side by side would each hide the other's step).
 */
function tiltEvidence(sums: RunSums, start: number, end: number): RunFit | undefined {
  if (end - start < 3) return undefined;
  const whole = sums.fit(start, end);
  // Two levels have one parameter more than a line (where to split): make them earn it.
  const threshold = lineCost(whole) - 2 * Math.log(end - start) - 2;
  for (let split = start + 2; split <= end - 2; split++) {
    if (sums.fit(start, split).syy + sums.fit(split, end).syy < threshold) return undefined;
  }
  return whole;
}

/**
 * Tests the boundary at b between plateaus [start, b) and [b, end); [beforeStart, start) and
 * [end, afterEnd) are the plateaus beyond them (empty at the curve's ends). The jump is measured on
 * parts of the two plateaus that are straight and reach equally far (in tokens) from the gap, so
 * that the curvature of a smooth curve cancels between them instead of showing up as a jump; each
 * keeps at least two points.
 */
function testAt(
  sums: RunSums,
  tokens: readonly number[],
  beforeStart: number,
  start: number,
  b: number,
  end: number,
  afterEnd: number,
): BoundaryTest {
  const gapMiddle = (tokens[b - 1] + tokens[b]) / 2;
  const leftSize = straightPointsNextToGap(sums, start, b, 'left');
  const rightSize = straightPointsNextToGap(sums, b, end, 'right');
  const leftStraight = sums.fit(b - leftSize, b);
  const rightStraight = sums.fit(b, b + rightSize);
  const reach = Math.min(gapMiddle - tokens[b - leftSize], tokens[b + rightSize - 1] - gapMiddle);
  const within = (limit: number): [number, number] => {
    let from = b - 2;
    while (from > b - leftSize && gapMiddle - tokens[from - 1] <= limit) from--;
    let to = b + 2;
    while (to < b + rightSize && tokens[to] - gapMiddle <= limit) to++;
    return [from, to];
  };
  const [leftFrom, rightTo] = within(reach);
  const left = sums.fit(leftFrom, b);
  const right = sums.fit(b, rightTo);
  const around = pooled(
    tiltEvidence(sums, beforeStart, start),
    tiltEvidence(sums, start, b),
    tiltEvidence(sums, b, end),
    tiltEvidence(sums, end, afterEnd),
  );
  const local = pooled(leftStraight, rightStraight);
  let test: BoundaryTest;
  if (!plateausTilt(local, around)) {
    test = measureJump(left, right, b, 'flat');
  } else {
    // Honest readings of a jump between tilted plateaus; the strongest counts (they are closely
    // correlated, so taking the best costs little in false alarms at minJumpZ). The sloped one
    // pays for the slope's uncertainty; the bounded one takes off the most the slope can plausibly
    // be (SLOPE_Z standard errors out), which wins for large jumps between long, nearly flat
    // plateaus, e.g. when plateaus around hold steps not found yet (their rise looks like a tilt).
    test = measureJump(left, right, b, 'sloped');
    const both = pooled(left, right);
    if (both.stt > 0) {
      const slopeBound = Math.abs(slopeOf(both)) + SLOPE_Z / Math.sqrt(both.stt);
      const bounded = measureJump(left, right, b, 'bounded-slope', slopeBound);
      if (Math.abs(bounded.z) > Math.abs(test.z)) test = bounded;
    }
    // Next to a short plateau (the last few counts of a sweep) the symmetric runs leave the slope
    // all but unknown. The curved reading takes slope and curvature from further into the longer
    // plateau's straight part as well (up to SLOPE_REACH times as far): fitting the curvature too
    // keeps a bend there from passing for a jump, however lopsided the fit.
    const [slopeFrom, slopeTo] = within(SLOPE_REACH * reach);
    if (slopeTo - slopeFrom > rightTo - leftFrom + 2) {
      const curved = sums.curvedJump(slopeFrom, b, slopeTo, gapMiddle);
      const standardError = Math.sqrt(curved.variance * scatterFactor(curved.residual, slopeTo - slopeFrom - 4));
      if (Math.abs(curved.jump / standardError) > Math.abs(test.z)) {
        test = { ...test, jump: curved.jump, standardError, z: curved.jump / standardError, model: 'curved', windowFrom: slopeFrom, windowTo: slopeTo };
      }
    }
  }
  // Persistence is about the plateaus, not about how much of them was used to measure the jump.
  return { ...test, leftCount: b - start, rightCount: end - b };
}

function testAll(boundaries: readonly number[], sums: RunSums, tokens: readonly number[]): BoundaryTest[] {
  const edges = [0, ...boundaries, tokens.length];
  return boundaries.map((b, k) =>
    testAt(sums, tokens, edges[Math.max(0, k - 1)], edges[k], b, edges[k + 2], edges[Math.min(edges.length - 1, k + 3)]),
  );
}

/**
 * Backward elimination: drop the weakest failing boundary, merge its plateaus, re-test its
 * neighbours, until every boundary left is a real level change. Merging one at a time matters:
 * a true step next to spurious boundaries is tested against short fragments at first and only
 * gains its full plateaus once the fragments are merged back.
 */
function eliminateWeakBoundaries(
  candidates: readonly number[],
  sums: RunSums,
  tokens: readonly number[],
  options: VerifyOptions,
): number[] {
  let boundaries = candidates.slice();
  for (;;) {
    const tests = testAll(boundaries, sums, tokens);
    let weakest = -1;
    for (let k = 0; k < tests.length; k++) {
      if (passes(tests[k], options)) continue;
      if (weakest < 0 || strength(tests[k], options) < strength(tests[weakest], options)) weakest = k;
    }
    if (weakest < 0) return boundaries;
    boundaries = boundaries.filter((_, k) => k !== weakest);
  }
}

function twoPlateauResidual(left: RunFit, right: RunFit, model: PlateauModel): number {
  const stt = left.stt + right.stt;
  const sloped = model !== 'flat' && stt > 0 ? (left.sty + right.sty) ** 2 / stt : 0;
  return left.syy + right.syy - sloped;
}

/**
 * The straight-piece partition may place a boundary a point off where the plateaus separate best
 * (a free slope can absorb an edge point). Move each boundary by up to REFINE_REACH points to where
 * its plateau model fits best over the points its jump was measured on (least squares locates a
 * change; the test's own statistic would not, since its windows change with the position), unless
 * the jump there no longer passes the test.
 */
function refineBoundaries(boundaries: readonly number[], sums: RunSums, tokens: readonly number[], options: VerifyOptions): number[] {
  const refined = boundaries.slice();
  for (let k = 0; k < refined.length; k++) {
    const edges = [0, ...refined, tokens.length];
    const testAtIndex = (b: number): BoundaryTest =>
      testAt(sums, tokens, edges[Math.max(0, k - 1)], edges[k], b, edges[k + 2], edges[Math.min(edges.length - 1, k + 3)]);
    const current = testAtIndex(refined[k]);
    const { windowFrom, windowTo, model } = current;
    const residualAt = (b: number): number => twoPlateauResidual(sums.fit(windowFrom, b), sums.fit(b, windowTo), model);
    let bestIndex = refined[k];
    let bestResidual = residualAt(bestIndex);
    const low = Math.max(edges[k] + options.minPlateauPoints, windowFrom + 2, refined[k] - REFINE_REACH);
    const high = Math.min(edges[k + 2] - options.minPlateauPoints, windowTo - 2, refined[k] + REFINE_REACH);
    for (let b = low; b <= high; b++) {
      const residual = residualAt(b);
      if (residual < bestResidual - 1e-9) {
        bestResidual = residual;
        bestIndex = b;
      }
    }
    if (bestIndex !== refined[k] && (passes(testAtIndex(bestIndex), options) || !passes(current, options))) {
      refined[k] = bestIndex;
    }
  }
  return refined;
}

/**
 * Within each plateau, the one split that passes the test most strongly, if any. This gives a step
 * a second chance when the straight-piece partition cut around it badly (e.g. a two-point piece
 * bridging the jump, whose boundaries both fail and are merged away).
 */
function strongestSplits(boundaries: readonly number[], sums: RunSums, tokens: readonly number[], options: VerifyOptions): number[] {
  const edges = [0, ...boundaries, tokens.length];
  const added: number[] = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const start = edges[k];
    const end = edges[k + 1];
    let best: BoundaryTest | undefined;
    for (let b = start + options.minPlateauPoints; b <= end - options.minPlateauPoints; b++) {
      const test = testAt(sums, tokens, edges[Math.max(0, k - 1)], start, b, end, edges[Math.min(edges.length - 1, k + 2)]);
      if (passes(test, options) && (!best || strength(test, options) > strength(best, options))) best = test;
    }
    if (best) added.push(best.index);
  }
  return added;
}

/**
 * From candidate boundaries to the level changes that hold up: eliminate the weak, move the rest to
 * where they fit best, look inside each plateau for a change the candidates missed, and repeat until
 * nothing changes.
 */
export function settleBoundaries(
  candidates: readonly number[],
  sums: RunSums,
  tokens: readonly number[],
  options: VerifyOptions,
): BoundaryTest[] {
  let boundaries = eliminateWeakBoundaries(candidates, sums, tokens, options);
  const seen = new Set<string>([boundaries.join(',')]);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const refined = refineBoundaries(boundaries, sums, tokens, options);
    const added = strongestSplits(refined, sums, tokens, options);
    boundaries = eliminateWeakBoundaries(
      [...new Set([...refined, ...added])].sort((a, b) => a - b),
      sums,
      tokens,
      options,
    );
    const key = boundaries.join(',');
    // A state seen before means the moves have settled (or would only cycle): stop either way.
    if (seen.has(key)) break;
    seen.add(key);
  }
  return testAll(boundaries, sums, tokens);
}

/**
 * How far a lone end point, just before (side 'before') or after ('after') the plateau [start, stop),
 * stands off that plateau: its level minus the plateau's level extrapolated from the straight part
 * nearest to it, in log units, with the z of that difference (the point's own noise included).
 */
export function endPointOffset(
  sums: RunSums,
  start: number,
  stop: number,
  side: 'before' | 'after',
  endTokens: number,
  endLog: number,
  endSigma: number,
): { offset: number; z: number } {
  const straight = straightPointsNextToGap(sums, start, stop, side === 'after' ? 'left' : 'right');
  const part = side === 'after' ? sums.fit(stop - straight, stop) : sums.fit(start, start + straight);
  const slope = Math.abs(slopeOf(part)) * Math.sqrt(part.stt) > SLOPE_Z ? slopeOf(part) : 0;
  const distance = endTokens - part.meanT;
  const offset = endLog - (part.meanY + slope * distance);
  const variance = endSigma ** 2 + 1 / part.weight + (slope !== 0 ? distance ** 2 / part.stt : 0);
  return { offset, z: offset / Math.sqrt(variance) };
}
