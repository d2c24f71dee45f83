import { DEFAULT_STOPPING_RULE } from '../measure/stopping-rule.js';
import { measureVisit } from '../measure/visit.js';
import { WorkerBackend } from '../measure/worker-backend.js';
import { median } from '../util/stats.js';

export interface HarnessOverheadFigures {
  model: string;
  tokens: number;
  rounds: number;
  harnessMedianMs: number;
  bareMedianMs: number;
  /** (harness / bare − 1) in %, median over alternating rounds (target ≤ 2) */
  overheadPct: number;
  meetsTarget: boolean;
}

/**
 * Our measured median at a fixed count against a bare `session.run` loop in the same worker,
 * alternating the two so drift hits both alike.
 */
export async function benchHarnessOverhead(options: { model: string; tokens: number; rounds: number; seed: number }): Promise<HarnessOverheadFigures> {
  const backend = await WorkerBackend.start({
    kind: 'ort',
    options: { model: { kind: 'builtin', id: options.model, part: 'block', seed: options.seed }, ep: 'cpu', batch: 1, seed: options.seed },
  });
  try {
    await backend.prepare(options.tokens);
    await backend.time(options.tokens, 5);
    const harness: number[] = [];
    const bare: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const visit = await measureVisit(
        backend,
        { tokens: options.tokens, pass: round, phase: 'survey', isReference: false, firstVisit: false },
        DEFAULT_STOPPING_RULE,
      );
      const harnessMs = median(visit.timesMs);
      const bareMs = median(await backend.bareLoop(options.tokens, visit.timesMs.length));
      harness.push(harnessMs);
      bare.push(bareMs);
      ratios.push(harnessMs / bareMs);
    }
    const overheadPct = 100 * (median(ratios) - 1);
    return {
      model: options.model,
      tokens: options.tokens,
      rounds: options.rounds,
      harnessMedianMs: median(harness),
      bareMedianMs: median(bare),
      overheadPct,
      meetsTarget: overheadPct <= 2,
    };
  } finally {
    await backend.close();
  }
}
