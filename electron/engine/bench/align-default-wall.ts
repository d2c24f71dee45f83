import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface AlignDefaultWallFigures {
  readonly command: string;
  readonly wallS: number;
  readonly exitCode: number | null;
  /** target: ≤ 180 s on a 2-core build machine with the default model */
  readonly meetsTarget: boolean;
  readonly model?: string;
  readonly ep?: string;
  readonly generations?: number;
  readonly images?: number;
  readonly stopReason?: string;
  readonly baselineReward?: number | null;
  readonly bestReward?: number;
  readonly perImageMs?: number;
  readonly bookkeepingShareMedian?: number;
}

/** The default `edgetune align` as a user runs it (no options): a fresh process, timed from start to exit. */
export async function benchAlignDefaultWall(cliPath: string): Promise<AlignDefaultWallFigures> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'edgetune-bench-align-default-'));
  const args = [cliPath, 'align', '--out', out, '--quiet'];
  const startedAt = Date.now();
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallS = (Date.now() - startedAt) / 1000;
  const figures: AlignDefaultWallFigures = { command: `edgetune ${args.slice(1).join(' ')}`, wallS, exitCode, meetsTarget: exitCode === 0 && wallS <= 180 };
  try {
    const document = JSON.parse(await readFile(path.join(out, 'align.json'), 'utf8'));
    const generations = document.generations as { images: number; timing: { wallMs: number; pipelineMs: number; searchMs: number; filesMs: number } }[];
    const sorted = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    return {
      ...figures,
      model: document.model.label,
      ep: document.settings.ep,
      generations: generations.length,
      images: document.images,
      stopReason: document.stopReason,
      baselineReward: document.baseline?.reward ?? null,
      bestReward: document.best?.reward,
      perImageMs: sorted(generations.map((g) => g.timing.pipelineMs / g.images)),
      bookkeepingShareMedian: sorted(generations.map((g) => (g.timing.searchMs + g.timing.filesMs) / g.timing.wallMs)),
    };
  } catch {
    // figures without the run's details still say how long it took and how it ended
    return figures;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
