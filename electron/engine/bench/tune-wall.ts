import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TuneWallFigures {
  command: string;
  wallS: number;
  exitCode: number | null;
  /** target: ≤ 120 s on a 2-core build machine with the CPU provider */
  meetsTarget: boolean;
  ep?: string;
  regime?: string;
  steps?: number;
  keepTokens?: number;
  predictedSpeedup?: number;
  fullModelMedianAbsErrorPct?: number;
}

/** The default `edgetune tune` as a user runs it: a fresh process, timed from start to exit. */
export async function benchTuneWall(cliPath: string): Promise<TuneWallFigures> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'edgetune-bench-tune-'));
  const args = [cliPath, 'tune', '--out', out, '--quiet'];
  const startedAt = Date.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallS = (Date.now() - startedAt) / 1000;
  const figures: TuneWallFigures = { command: `edgetune ${args.slice(1).join(' ')}`, wallS, exitCode, meetsTarget: exitCode === 0 && wallS <= 120 };
  try {
    const profile = JSON.parse(await readFile(path.join(out, 'profile.json'), 'utf8'));
    const schedule = JSON.parse(await readFile(path.join(out, 'schedule.json'), 'utf8'));
    Object.assign(figures, {
      ep: profile.ep,
      regime: profile.regime,
      steps: profile.steps.length,
      keepTokens: schedule.keepTokens,
      predictedSpeedup: schedule.predictedSpeedup,
      fullModelMedianAbsErrorPct: profile.fullModel?.medianAbsErrorPct,
    });
  } catch {
    // figures without the run's details still say how long it took and how it ended
  } finally {
    await rm(out, { recursive: true, force: true });
  }
  return figures;
}
