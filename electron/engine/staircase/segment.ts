/**
 * Weighted least-squares bookkeeping over runs of a series, and the optimal partition of a series
 * into straight pieces. Weights are 1/σ², so costs are in χ² units and a penalty reads as "how much
 * better, in noise units, a split must fit".
 */

/** Weighted moments of one run of points, centred on the run's weighted means. */
export interface RunFit {
  count: number;
  weight: number;
  meanT: number;
  meanY: number;
  /** Σw(t − t̄)² */
  stt: number;
  /** Σw(t − t̄)(y − ȳ) */
  sty: number;
  /** Σw(y − ȳ)² */
  syy: number;
}

export interface RunSums {
  /** moments of points [start, end) */
  fit(start: number, end: number): RunFit;
  /**
   * Curvature of points [start, end): the quadratic coefficient of a weighted least-squares
   * parabola divided by its standard error (0 below 4 points). O(end − start).
   */
  curvatureZ(start: number, end: number): number;
  /**
   * The level change at `split` in a weighted least-squares fit of points [start, end) by two
   * levels (one each side of `split`) sharing a slope and a curvature about `center`, with its
   * variance and the fit's residual. O(end − start).
   */
  curvedJump(start: number, split: number, end: number, center: number): { jump: number; variance: number; residual: number };
}

/**
 * Prefix sums that give any run's moments in O(1). t and y are shifted to their first values first:
 * the cancellation in Σwt² − (Σwt)²/Σw would otherwise eat the precision of short runs.
 */
export function runSums(t: readonly number[], y: readonly number[], w: readonly number[]): RunSums {
  const n = t.length;
  const t0 = n > 0 ? t[0] : 0;
  const y0 = n > 0 ? y[0] : 0;
  const sw = new Float64Array(n + 1);
  const swt = new Float64Array(n + 1);
  const swy = new Float64Array(n + 1);
  const swtt = new Float64Array(n + 1);
  const swty = new Float64Array(n + 1);
  const swyy = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const dt = t[i] - t0;
    const dy = y[i] - y0;
    sw[i + 1] = sw[i] + w[i];
    swt[i + 1] = swt[i] + w[i] * dt;
    swy[i + 1] = swy[i] + w[i] * dy;
    swtt[i + 1] = swtt[i] + w[i] * dt * dt;
    swty[i + 1] = swty[i] + w[i] * dt * dy;
    swyy[i + 1] = swyy[i] + w[i] * dy * dy;
  }
  return {
    fit(start, end) {
      const weight = sw[end] - sw[start];
      const st = swt[end] - swt[start];
      const sy = swy[end] - swy[start];
      const meanT = st / weight;
      const meanY = sy / weight;
      return {
        count: end - start,
        weight,
        meanT: meanT + t0,
        meanY: meanY + y0,
        stt: Math.max(0, swtt[end] - swtt[start] - st * meanT),
        sty: swty[end] - swty[start] - st * meanY,
        syy: Math.max(0, swyy[end] - swyy[start] - sy * meanY),
      };
    },
    curvatureZ(start, end) {
      if (end - start < 4) return 0;
      // Orthogonalise t² against 1 and t on the run (centred and scaled t keeps this well conditioned):
      // the coefficient of the residual q = t² − a − b·t is the parabola's, with variance 1/Σw·q².
      const center = (t[start] + t[end - 1]) / 2;
      const half = (t[end - 1] - t[start]) / 2 || 1;
      let weight = 0;
      let sx = 0;
      let sxx = 0;
      let sx3 = 0;
      for (let i = start; i < end; i++) {
        const x = (t[i] - center) / half;
        weight += w[i];
        sx += w[i] * x;
        sxx += w[i] * x * x;
        sx3 += w[i] * x * x * x;
      }
      const meanX = sx / weight;
      const meanXX = sxx / weight;
      const varX = meanXX - meanX * meanX;
      // slope of x² on x
      const b = varX > 0 ? (sx3 / weight - meanXX * meanX) / varX : 0;
      const a = meanXX - b * meanX;
      let sqq = 0;
      let sqy = 0;
      for (let i = start; i < end; i++) {
        const x = (t[i] - center) / half;
        const q = x * x - a - b * x;
        sqq += w[i] * q * q;
        sqy += w[i] * q * y[i];
      }
      return sqq > 0 ? sqy / Math.sqrt(sqq) : 0;
    },
    curvedJump(start, split, end, center) {
      // columns: left level, right level, (t − center)/scale, ((t − center)/scale)²
      const scale = Math.max(Math.abs(t[start] - center), Math.abs(t[end - 1] - center)) || 1;
      const a = Array.from({ length: 4 }, () => new Float64Array(4));
      const rhs = new Float64Array(4);
      let syy = 0;
      for (let i = start; i < end; i++) {
        const x = (t[i] - center) / scale;
        const row = [i < split ? 1 : 0, i < split ? 0 : 1, x, x * x];
        for (let r = 0; r < 4; r++) {
          for (let c = 0; c < 4; c++) a[r][c] += w[i] * row[r] * row[c];
          rhs[r] += w[i] * row[r] * y[i];
        }
        syy += w[i] * y[i] * y[i];
      }
      const inverse = invertSymmetric(a);
      if (!inverse) return { jump: 0, variance: Number.POSITIVE_INFINITY, residual: 0 };
      const beta = [0, 1, 2, 3].map((r) => inverse[r].reduce((sum, v, c) => sum + v * rhs[c], 0));
      const explained = beta.reduce((sum, v, r) => sum + v * rhs[r], 0);
      return {
        jump: beta[1] - beta[0],
        variance: inverse[0][0] + inverse[1][1] - 2 * inverse[0][1],
        residual: Math.max(0, syy - explained),
      };
    },
  };
}

/** Inverse of a small symmetric positive definite matrix by Gauss–Jordan; undefined if singular. */
function invertSymmetric(matrix: readonly Float64Array[]): number[][] | undefined {
  const n = matrix.length;
  const work = matrix.map((row, r) => [...row, ...Array.from({ length: n }, (_, c) => (c === r ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(work[r][col]) > Math.abs(work[pivot][col])) pivot = r;
    if (Math.abs(work[pivot][col]) < 1e-12 * Math.max(1, Math.abs(work[0][0]))) return undefined;
    [work[col], work[pivot]] = [work[pivot], work[col]];
    const diagonal = work[col][col];
    for (let c = 0; c < 2 * n; c++) work[col][c] /= diagonal;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = work[r][col];
      for (let c = 0; c < 2 * n; c++) work[r][c] -= factor * work[col][c];
    }
  }
  return work.map((row) => row.slice(n));
}

/** Weighted residual sum of squares of the best straight line through a run. */
export function lineCost(run: RunFit): number {
  if (run.stt <= 0) return run.syy;
  return Math.max(0, run.syy - (run.sty * run.sty) / run.stt);
}

/**
 * Optimal partition into straight pieces of at least `minLength` points minimising
 * Σ cost + penalty·pieces (exact dynamic programme, O(n²)). Straight rather than constant pieces so
 * that tilted plateaus and ramps do not need a boundary every few points. Returns the start index of
 * every piece after the first.
 */
export function partitionIntoLines(sums: RunSums, n: number, minLength: number, penalty: number): number[] {
  if (n < 2 * minLength) return [];
  const best = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  const previous = new Int32Array(n + 1).fill(-1);
  best[0] = 0;
  for (let end = minLength; end <= n; end++) {
    for (let start = 0; start <= end - minLength; start++) {
      if (!Number.isFinite(best[start])) continue;
      const total = best[start] + lineCost(sums.fit(start, end)) + penalty;
      if (total < best[end]) {
        best[end] = total;
        previous[end] = start;
      }
    }
  }
  const boundaries: number[] = [];
  for (let end = n; end > 0; end = previous[end]) {
    if (previous[end] > 0) boundaries.push(previous[end]);
  }
  return boundaries.reverse();
}
