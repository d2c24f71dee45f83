import { runPomtProtocol } from '../measure/pomt-protocol.js';
import { DEFAULT_SWEEP_OPTIONS, runSweep } from '../measure/sweep.js';
import { defaultSyntheticSpec, trueSteps, type SyntheticStaircaseSpec } from '../measure/synthetic.js';
import { WorkerBackend } from '../measure/worker-backend.js';
import { detectStaircase } from '../staircase/detect.js';
import { matchSteps, type StepMatch } from './step-matching.js';

export interface SweepCostFigures {
  workload: { spec: SyntheticStaircaseSpec; clock: 'real' | 'virtual'; from: number; to: number };
  edgetune: { wallS: number; points: number } & StepMatch;
  pomtProtocol: { wallS: number; points: number; minRunTimeMs: number } & StepMatch;
  /** POMT protocol wall time / EdgeTune wall time (target ≥ 5) */
  wallRatio: number;
  meetsTarget: boolean;
}

/**
 * EdgeTune's sweep against POMT's protocol on the same synthetic staircase (with noise, outliers
 * and drift episodes), each on its own fresh device so both see the same drift schedule.
 */
export async function benchSweepCost(options: { clock: 'real' | 'virtual'; seed: number; onProgress?: (label: string, done: number, total: number) => void }): Promise<SweepCostFigures> {
  const spec = defaultSyntheticSpec();
  const from = 1;
  const to = 197;
  const truth = trueSteps(spec, from, to);
  const detect = (points: Parameters<typeof detectStaircase>[0]) => detectStaircase(points).steps.map((step) => step.tokens);

  const ours = await WorkerBackend.start({ kind: 'synthetic', options: { spec, seed: options.seed, clock: options.clock } });
  let edgetune: SweepCostFigures['edgetune'];
  try {
    const startMs = await ours.now();
    const result = await runSweep(ours, {
      ...DEFAULT_SWEEP_OPTIONS,
      from,
      to,
      seed: options.seed,
      findStepCandidates: detect,
      onProgress: (p) => options.onProgress?.(`edgetune ${p.phase}`, p.done, p.total),
    });
    const wallS = ((await ours.now()) - startMs) / 1000;
    edgetune = { wallS, points: result.points.length, ...matchSteps(truth, detect(result.points)) };
  } finally {
    await ours.close();
  }

  const theirs = await WorkerBackend.start({ kind: 'synthetic', options: { spec, seed: options.seed + 1, clock: options.clock } });
  let pomtProtocol: SweepCostFigures['pomtProtocol'];
  try {
    const startMs = await theirs.now();
    const minRunTimeMs = 2000;
    const result = await runPomtProtocol(theirs, { from, to, minRunTimeMs, onProgress: (done, total) => options.onProgress?.('POMT protocol', done, total) });
    const wallS = ((await theirs.now()) - startMs) / 1000;
    pomtProtocol = { wallS, points: result.points.length, minRunTimeMs, ...matchSteps(truth, detect(result.points)) };
  } finally {
    await theirs.close();
  }

  const wallRatio = pomtProtocol.wallS / edgetune.wallS;
  return {
    workload: { spec, clock: options.clock, from, to },
    edgetune,
    pomtProtocol,
    wallRatio,
    meetsTarget: wallRatio >= 5 && edgetune.missed.length === 0 && edgetune.falseSteps.length === 0,
  };
}
