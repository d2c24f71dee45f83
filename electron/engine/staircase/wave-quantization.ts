/**
 * Where a GPU's latency steps should fall, from first principles (NVIDIA's tile and wave
 * quantization): every linear layer of a ViT block is a GEMM whose output is cut into tiles, one
 * thread block (CTA) per tile; the GPU runs `units × ctasPerUnit` CTAs at a time (a wave) and a
 * partly filled last wave costs nearly a whole one. Time therefore rises in steps where the CTA
 * count crosses a multiple of the wave size, and those crossings can only happen where the row
 * count (batch × tokens) crosses a multiple of the tile height.
 *
 * Tile shapes and occupancy are chosen by the runtime's kernel heuristics, which we cannot see, so
 * several plausible hypotheses are evaluated and a step is ranked by how many of them predict it.
 * The result picks token counts to measure densely; only the measured curve decides what is real.
 */

export interface BlockShape {
  width: number;
  heads: number;
  mlpRatio: number;
}

export interface GemmInstance {
  name: 'qkv' | 'proj' | 'fc1' | 'fc2' | 'attention-scores' | 'attention-values';
  /** independent GEMMs launched together (batch × heads for attention) */
  batchCount: number;
  m: number;
  n: number;
  k: number;
}

/** rows = batch × tokens; widths 3D, D, 4D, D for the linear layers; per-head attention products */
export function blockGemms(block: BlockShape, batch: number, tokens: number): GemmInstance[] {
  const rows = batch * tokens;
  const width = block.width;
  const hidden = Math.round(block.mlpRatio * width);
  const headWidth = width / block.heads;
  return [
    { name: 'qkv', batchCount: 1, m: rows, n: 3 * width, k: width },
    { name: 'proj', batchCount: 1, m: rows, n: width, k: width },
    { name: 'fc1', batchCount: 1, m: rows, n: hidden, k: width },
    { name: 'fc2', batchCount: 1, m: rows, n: width, k: hidden },
    { name: 'attention-scores', batchCount: batch * block.heads, m: tokens, n: tokens, k: headWidth },
    { name: 'attention-values', batchCount: batch * block.heads, m: tokens, n: headWidth, k: tokens },
  ];
}

export interface TileHypothesis {
  tileM: number;
  tileN: number;
  /** CTAs resident on one SM / CU at a time */
  ctasPerUnit: number;
}

/** cuBLAS-style CTA tiles from small to large, at one or two CTAs per SM. */
export const DEFAULT_TILE_HYPOTHESES: readonly TileHypothesis[] = [64, 128].flatMap((tileM) =>
  [64, 128].flatMap((tileN) => [1, 2].map((ctasPerUnit) => ({ tileM, tileN, ctasPerUnit }))),
).concat([{ tileM: 256, tileN: 128, ctasPerUnit: 1 }]);

export function ctaCount(gemm: GemmInstance, tile: TileHypothesis): number {
  return gemm.batchCount * Math.ceil(gemm.m / tile.tileM) * Math.ceil(gemm.n / tile.tileN);
}

export function waveCount(gemm: GemmInstance, tile: TileHypothesis, units: number): number {
  return Math.ceil(ctaCount(gemm, tile) / (units * tile.ctasPerUnit));
}

/** Relative block time under one hypothesis: each wave costs the work of one tile (k × tile area). */
export function waveCost(block: BlockShape, batch: number, tokens: number, tile: TileHypothesis, units: number): number {
  return blockGemms(block, batch, tokens).reduce((sum, gemm) => sum + waveCount(gemm, tile, units) * gemm.k * tile.tileM * tile.tileN, 0);
}

export interface PredictedStep {
  /** first token count on the higher plateau (as measured steps are reported) */
  tokens: number;
  /** 'wave': a wave is added under some hypothesis; 'tile': only a row-tile boundary */
  kind: 'wave' | 'tile';
  /** largest predicted rise of the block's time across hypotheses, in percent */
  jumpPct: number;
  /** share of hypotheses that predict a wave step here (0–1) */
  support: number;
  /** e.g. "fc1 64×64 at 2/SM: 2 → 3 waves of 28" */
  causes: string[];
}

export interface StepPrediction {
  units: number;
  unitKind: 'sm' | 'cu';
  batch: number;
  tokenRange: { from: number; to: number };
  hypotheses: TileHypothesis[];
  steps: PredictedStep[];
}

export interface PredictionRequest {
  block: BlockShape;
  batch: number;
  units: number;
  unitKind?: 'sm' | 'cu';
  from: number;
  to: number;
  hypotheses?: readonly TileHypothesis[];
  /** rises smaller than this (percent of the block's predicted time) are not steps */
  minJumpPct?: number;
  /** row-tile heights whose boundaries are listed as weak candidates */
  tileBoundaryHeights?: readonly number[];
}

function unitLabel(kind: 'sm' | 'cu'): string {
  return kind === 'sm' ? 'SM' : 'CU';
}

/** The first token count whose row count crosses each multiple of `height` rows. */
export function rowTileBoundaries(height: number, batch: number, from: number, to: number): number[] {
  const counts: number[] = [];
  for (let multiple = height; multiple < batch * to; multiple += height) {
    const tokens = Math.floor(multiple / batch) + 1;
    if (tokens > from && tokens <= to) counts.push(tokens);
  }
  return [...new Set(counts)];
}

export function predictSteps(request: PredictionRequest): StepPrediction {
  const { block, batch, units, from, to } = request;
  const unitKind = request.unitKind ?? 'sm';
  const hypotheses = [...(request.hypotheses ?? DEFAULT_TILE_HYPOTHESES)];
  const minJumpPct = request.minJumpPct ?? 1.5;
  const byTokens = new Map<number, PredictedStep>();

  for (const tile of hypotheses) {
    const wave = units * tile.ctasPerUnit;
    let previousCost = waveCost(block, batch, from, tile, units);
    for (let tokens = from + 1; tokens <= to; tokens++) {
      const cost = waveCost(block, batch, tokens, tile, units);
      const jumpPct = ((cost - previousCost) / previousCost) * 100;
      if (jumpPct >= minJumpPct) {
        const causes = blockGemms(block, batch, tokens)
          .map((gemm, index) => ({ gemm, before: waveCount(blockGemms(block, batch, tokens - 1)[index], tile, units), after: waveCount(gemm, tile, units) }))
          .filter(({ before, after }) => after > before)
          .map(({ gemm, before, after }) => `${gemm.name} ${tile.tileM}×${tile.tileN} at ${tile.ctasPerUnit}/${unitLabel(unitKind)}: ${before} → ${after} waves of ${wave}`);
        if (causes.length > 0) {
          const step = byTokens.get(tokens) ?? { tokens, kind: 'wave' as const, jumpPct: 0, support: 0, causes: [] };
          step.jumpPct = Math.max(step.jumpPct, jumpPct);
          step.support += 1 / hypotheses.length;
          step.causes.push(...causes);
          byTokens.set(tokens, step);
        }
      }
      previousCost = cost;
    }
  }

  // Boundaries closer than a few tokens apart (large batches) would ask to measure everything.
  const sparseHeights = (request.tileBoundaryHeights ?? [32, 64, 128]).filter((height) => height / batch >= 16);
  for (const height of sparseHeights) {
    for (const tokens of rowTileBoundaries(height, batch, from, to)) {
      if (byTokens.has(tokens)) continue;
      byTokens.set(tokens, { tokens, kind: 'tile', jumpPct: 0, support: 0, causes: [`rows cross a multiple of ${height}`] });
    }
  }

  const steps = [...byTokens.values()]
    .map((step) => ({ ...step, jumpPct: round(step.jumpPct, 2), support: round(step.support, 3) }))
    .sort((a, b) => a.tokens - b.tokens);
  return { units, unitKind, batch, tokenRange: { from, to }, hypotheses, steps };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Token counts to measure densely: both sides of the strongest predicted wave steps (the right
 * edge below and the first count above), then the two sides of row-tile boundaries while room is left.
 */
export function focusCounts(prediction: StepPrediction, maxCounts: number, maxWaveSteps = 8): number[] {
  const { from, to } = prediction.tokenRange;
  const wanted = new Set<number>();
  const add = (counts: number[]) => {
    for (const tokens of counts) if (tokens >= from && tokens <= to && wanted.size < maxCounts) wanted.add(tokens);
  };
  const waves = prediction.steps
    .filter((step) => step.kind === 'wave')
    .sort((a, b) => b.support * b.jumpPct - a.support * a.jumpPct)
    .slice(0, maxWaveSteps);
  for (const step of waves) add([step.tokens - 1, step.tokens, step.tokens - 2, step.tokens + 1]);
  for (const step of prediction.steps.filter((candidate) => candidate.kind === 'tile')) add([step.tokens - 1, step.tokens]);
  return [...wanted].sort((a, b) => a - b);
}

export interface StepComparison {
  predicted: { tokens: number; kind: PredictedStep['kind']; jumpPct: number; support: number; measured: { tokens: number; jumpPct: number; confidence: number } | null }[];
  /** measured steps no prediction was near */
  unpredicted: { tokens: number; jumpPct: number; confidence: number }[];
}

/** Predicted and measured steps side by side; a measured step within `tolerance` tokens counts as found. */
export function compareSteps(
  predicted: readonly PredictedStep[],
  measured: readonly { tokens: number; jumpPct: number; confidence: number }[],
  tolerance = 2,
): StepComparison {
  const near = (a: number, b: number) => Math.abs(a - b) <= tolerance;
  return {
    predicted: predicted.map((step) => {
      const match = measured
        .filter((candidate) => near(candidate.tokens, step.tokens))
        .sort((a, b) => Math.abs(a.tokens - step.tokens) - Math.abs(b.tokens - step.tokens))[0];
      return {
        tokens: step.tokens,
        kind: step.kind,
        jumpPct: step.jumpPct,
        support: step.support,
        measured: match ? { tokens: match.tokens, jumpPct: match.jumpPct, confidence: match.confidence } : null,
      };
    }),
    unpredicted: measured
      .filter((step) => !predicted.some((candidate) => near(candidate.tokens, step.tokens)))
      .map(({ tokens, jumpPct, confidence }) => ({ tokens, jumpPct, confidence })),
  };
}
