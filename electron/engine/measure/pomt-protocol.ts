import type { TimingBackend } from './backend.js';
import type { ProfilePoint } from '../contracts/profile.js';
import { median, summarize } from '../util/stats.js';

/**
 * The latency protocol of the POMT paper's released code, for side-by-side comparison: token
 * counts in ascending order, each timed with torch.utils.benchmark's blocked_autorange — grow the
 * block (calls per timing) ×10 until one block lasts ≥ min_run_time/1000, then time blocks until
 * min_run_time has passed, and report the median over blocks of the per-call mean. With
 * min_run_time = 2 s that is at least 2 s per count, and nothing guards against drift.
 */
export interface PomtProtocolOptions {
  from: number;
  to: number;
  minRunTimeMs: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export async function runPomtProtocol(backend: TimingBackend, options: PomtProtocolOptions): Promise<{ points: ProfilePoint[]; wallMs: number; complete: boolean }> {
  const startedAt = Date.now();
  const points: ProfilePoint[] = [];
  const total = options.to - options.from + 1;
  for (let tokens = options.from; tokens <= options.to; tokens++) {
    if (options.signal?.aborted) return { points, wallMs: Date.now() - startedAt, complete: false };
    await backend.prepare(tokens);
    const blockSize = await estimateBlockSize(backend, tokens, options.minRunTimeMs / 1000);
    const perCallMeans: number[] = [];
    let timedMs = 0;
    while (timedMs < options.minRunTimeMs) {
      const times = await backend.time(tokens, blockSize);
      const blockMs = times.reduce((sum, value) => sum + value, 0);
      perCallMeans.push(blockMs / blockSize);
      timedMs += blockMs;
    }
    const stats = summarize(perCallMeans);
    points.push({ ...stats, medianMs: median(perCallMeans), tokens, samples: perCallMeans.length });
    options.onProgress?.(tokens - options.from + 1, total);
  }
  return { points, wallMs: Date.now() - startedAt, complete: true };
}

/** blocked_autorange's block-size estimate; it doubles as the warm-up. */
async function estimateBlockSize(backend: TimingBackend, tokens: number, minBlockMs: number): Promise<number> {
  let blockSize = 1;
  for (;;) {
    const times = await backend.time(tokens, blockSize);
    const blockMs = times.reduce((sum, value) => sum + value, 0);
    if (blockMs >= minBlockMs || blockSize >= 1e6) return blockSize;
    blockSize *= 10;
  }
}
