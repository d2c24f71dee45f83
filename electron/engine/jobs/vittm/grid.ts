/**
 * One ViTTM at every (memory, process) token count of a grid, end to end from the image. Each cell
 * is its own fixed-shape graph, so the grid is swept the way a token sweep is (runSweep): cells in
 * shuffled passes, the reference model (the patch setting's own layout) re-measured beside every
 * other visit, each cell divided by the reference interpolated to its time, passes combined by
 * their median, unsettled cells measured again. The sweep's "token counts" are cell indices here.
 *
 * Each memory count's row is then read as a staircase along the process axis: the process tokens
 * are the ones that pass through the ViT blocks, so that is where tiles and waves can spill.
 */
import type { Plateau, ProfilePoint, Step } from '../../contracts/profile.js';
import { CancelledError, UserError } from '../../errors.js';
import { resolveVittm, type VittmArchitecture, type VittmPatchSetting } from '../../models/vittm/architectures.js';
import { vittmMacs } from '../../models/vittm/macs.js';
import type { BackendDescription } from '../../measure/backend.js';
import type { StoppingRule } from '../../measure/stopping-rule.js';
import { DEFAULT_SWEEP_OPTIONS, runSweep } from '../../measure/sweep.js';
import { DEFAULT_MAX_SESSIONS, type WorkloadRecipe } from '../../measure/workloads.js';
import { detectStaircase } from '../../staircase/detect.js';
import { formatWorkloadTimingsCsv, openVittmRun, startWorkloadBackend, type VittmJobOptions } from './shared.js';

export const VITTM_GRID_SCHEMA = 'edgetune/vittm-grid@1';

export interface VittmGridOptions extends VittmJobOptions {
  /** default vittm-s: a grid of ViTTM-Bs on a CPU takes the better part of an hour */
  vittm?: string;
  /** sets the reference cell's layout (default 16/32: 196 memory, 49 process tokens) */
  patchSetting?: VittmPatchSetting;
  /** default 16:64:8 */
  processTokens?: number[];
  /** default 49, 100, 196 */
  memoryTokens?: number[];
  /** shuffled passes over the cells (default 2) */
  passes?: number;
  /** the reference is re-measured after every this many cells (default 2, as the sweep) */
  referenceEvery?: number;
}

export const DEFAULT_GRID_PROCESS_TOKENS = [16, 24, 32, 40, 48, 56, 64];
export const DEFAULT_GRID_MEMORY_TOKENS = [49, 100, 196];
export const DEFAULT_GRID_PASSES = 2;
const MAX_GRID_CELLS = 256;

export interface GridPoint {
  memoryTokens: number;
  processTokens: number;
  /** the patch grid each stream is cut from; a count that is not a grid average-pools the next larger one */
  memoryPatchSize: number;
  processPatchSize: number;
  macs: number;
  medianMs: number;
  p10Ms: number;
  p90Ms: number;
  iqrMs: number;
  samples: number;
  relativeToReference?: number;
  relativeSpread?: number;
  passes?: number;
  throttled?: boolean;
}

/** One memory count: latency along the process axis, read as a staircase. */
export interface GridRow {
  memoryTokens: number;
  /** profile points: `tokens` is the process token count */
  points: ProfilePoint[];
  steps: Step[];
  plateaus: Plateau[];
  regime: string;
  summary: string;
}

export interface VittmGridDocument {
  schema: typeof VITTM_GRID_SCHEMA;
  createdAt: string;
  complete: boolean;
  device: Record<string, unknown>;
  ep: string;
  model: Record<string, unknown>;
  batch: number;
  memoryTokens: number[];
  processTokens: number[];
  /** rows follow memoryTokens, columns processTokens; null where a cell was not measured */
  grid: { medianMs: (number | null)[][]; macs: number[][] };
  points: GridPoint[];
  rows: GridRow[];
  /** every row's steps, each with its memory count; `tokens` is the first process count on the higher plateau */
  steps: (Step & { memoryTokens: number })[];
  reference: { memoryTokens: number; processTokens: number; medianMs: number; driftPct: number };
  backend: BackendDescription;
  sweep: { passes: number; referenceEvery: number; visits: number; wallMs: number; seed: number; stoppingRule: StoppingRule };
  notes: string[];
  failure?: string;
}

export interface VittmGridResult {
  document: VittmGridDocument;
  rawTimingsCsv: string;
  failure?: Error;
}

interface Cell {
  arch: VittmArchitecture;
  recipe: WorkloadRecipe;
}

interface GridPlan {
  id: string;
  memoryTokens: number[];
  processTokens: number[];
  /** memory-major: cell (m, p) is at m · processTokens.length + p */
  cells: Cell[];
  referenceIndex: number;
  reference: VittmArchitecture;
  /** cells plus the reference, when it is not one of them */
  workloads: Cell[];
}

const sameLayout = (a: VittmArchitecture, b: VittmArchitecture): boolean =>
  a.memoryTokens === b.memoryTokens &&
  a.memoryPatchSize === b.memoryPatchSize &&
  a.processTokens === b.processTokens &&
  a.processPatchSize === b.processPatchSize;

export function planGrid(options: Pick<VittmGridOptions, 'vittm' | 'patchSetting' | 'processTokens' | 'memoryTokens' | 'seed'>): GridPlan {
  const seed = options.seed ?? 1;
  const reference = resolveVittm(options.vittm ?? 'vittm-s', { patchSetting: options.patchSetting });
  const memoryTokens = [...new Set(options.memoryTokens ?? DEFAULT_GRID_MEMORY_TOKENS)].sort((a, b) => a - b);
  const processTokens = [...new Set(options.processTokens ?? DEFAULT_GRID_PROCESS_TOKENS)].sort((a, b) => a - b);
  if (memoryTokens.length === 0 || processTokens.length === 0) {
    throw new UserError('bad-token-list', 'the grid needs at least one memory and one process token count', 'pass e.g. --process 16:64:8 --memory 49,100,196');
  }
  if (memoryTokens.length * processTokens.length > MAX_GRID_CELLS) {
    throw new UserError(
      'bad-token-list',
      `${memoryTokens.length} memory × ${processTokens.length} process counts make ${memoryTokens.length * processTokens.length} models, more than ${MAX_GRID_CELLS}`,
      'use a stride in the ranges, e.g. --process 16:64:8',
    );
  }
  const cells = memoryTokens.flatMap((memory) =>
    processTokens.map((process): Cell => {
      const recipe: WorkloadRecipe = { kind: 'vittm', id: reference.id, seed, memoryTokens: memory, processTokens: process };
      return { arch: resolveVittm(reference.id, { memoryTokens: memory, processTokens: process }), recipe };
    }),
  );
  const shared = cells.findIndex((cell) => sameLayout(cell.arch, reference));
  const workloads = shared >= 0 ? cells : [...cells, { arch: reference, recipe: { kind: 'vittm', id: reference.id, seed, patchSetting: options.patchSetting } satisfies WorkloadRecipe }];
  return { id: reference.id, memoryTokens, processTokens, cells, referenceIndex: shared >= 0 ? shared : cells.length, reference, workloads };
}

export async function runVittmGrid(options: VittmGridOptions): Promise<VittmGridResult> {
  const plan = planGrid(options);
  const passes = options.passes ?? DEFAULT_GRID_PASSES;
  const referenceEvery = options.referenceEvery ?? DEFAULT_SWEEP_OPTIONS.referenceEvery;
  const context = await openVittmRun(options);
  const { progress, note, rule, seed } = context;
  const cellName = (index: number): string => {
    const { arch } = plan.workloads[index];
    return `${arch.memoryTokens} memory + ${arch.processTokens} process tokens`;
  };
  if (plan.workloads.length > (options.maxSessions ?? DEFAULT_MAX_SESSIONS)) {
    note(`the grid holds ${plan.workloads.length} models, more than the worker keeps alive: a model is rebuilt when a pass comes back to it (outside the timed runs)`);
  }
  progress({ stage: 'loading', done: 0, total: 1, detail: `starting onnxruntime on ${context.selection.ep}` });
  const backend = await startWorkloadBackend(options, context, plan.workloads.map((workload) => workload.recipe));
  let sweep: Awaited<ReturnType<typeof runSweep>>;
  try {
    sweep = await runSweep(backend, {
      ...DEFAULT_SWEEP_OPTIONS,
      from: 0,
      to: plan.workloads.length - 1,
      referenceTokens: plan.referenceIndex,
      passes,
      maxSurveyPoints: plan.workloads.length,
      referenceEvery,
      refineRounds: 0,
      seed,
      rule,
      signal: options.signal,
      onProgress: (p) => progress({ stage: p.stage.replace(/counts/g, 'models'), done: p.done, total: p.total, detail: `pass ${p.pass + 1}/${p.passes} · ${cellName(p.tokens)}` }),
    });
  } finally {
    await backend.close();
  }
  if (sweep.points.length === 0) {
    if (sweep.failure) throw sweep.failure;
    throw new CancelledError('cancelled before any grid cell was measured: nothing to save');
  }
  const complete = sweep.complete && !options.signal?.aborted;
  if (!complete) note(`the grid ${sweep.failure ? 'failed' : 'was cancelled'}: it holds the cells measured so far and is marked incomplete`);
  if (sweep.referenceDriftPct > 10) {
    note(`this machine drifted by ${sweep.referenceDriftPct.toFixed(0)} % during the grid (reference model re-measured throughout); latencies are normalised by it`);
  }
  const pooled = plan.cells.filter(({ arch }) => arch.processTokens !== (arch.imageSize / arch.processPatchSize) ** 2).map(({ arch }) => arch.processTokens);
  if (pooled.length > 0) {
    note(`process counts that are not a patch grid (${[...new Set(pooled)].join(', ')}) average-pool the next larger grid (processPatchSize says which); a step where the patch size changes may be the embedding, not the blocks`);
  }

  const pointByIndex = new Map(sweep.points.map((point) => [point.tokens, point]));
  const gridPoint = (index: number): GridPoint | undefined => {
    const point = pointByIndex.get(index);
    if (!point) return undefined;
    const { arch } = plan.workloads[index];
    const { tokens: _index, ...measured } = point;
    return {
      memoryTokens: arch.memoryTokens,
      processTokens: arch.processTokens,
      memoryPatchSize: arch.memoryPatchSize,
      processPatchSize: arch.processPatchSize,
      macs: vittmMacs(arch).total,
      ...measured,
    };
  };
  const columns = plan.processTokens.length;
  const points = plan.cells.map((_, index) => gridPoint(index)).filter((point): point is GridPoint => point !== undefined);
  const rows: GridRow[] = plan.memoryTokens.map((memoryTokens, row) => {
    const rowPoints: ProfilePoint[] = [];
    for (let column = 0; column < columns; column++) {
      const point = pointByIndex.get(row * columns + column);
      if (point) rowPoints.push({ ...point, tokens: plan.processTokens[column] });
    }
    const staircase = detectStaircase(rowPoints);
    return { memoryTokens, points: rowPoints, steps: staircase.steps, plateaus: staircase.plateaus, regime: staircase.regime, summary: staircase.summary };
  });
  const referencePoint = gridPoint(plan.referenceIndex);
  const document: VittmGridDocument = {
    schema: VITTM_GRID_SCHEMA,
    createdAt: new Date().toISOString(),
    complete,
    device: context.device,
    ep: context.selection.ep,
    model: {
      id: plan.reference.id,
      family: plan.reference.family,
      depth: plan.reference.depth,
      width: plan.reference.width,
      heads: plan.reference.heads,
      latentWidth: plan.reference.latentWidth,
      imageSize: plan.reference.imageSize,
      patchSetting: options.patchSetting ?? '16/32',
    },
    batch: context.batch,
    memoryTokens: plan.memoryTokens,
    processTokens: plan.processTokens,
    grid: {
      medianMs: plan.memoryTokens.map((_, row) => plan.processTokens.map((__, column) => pointByIndex.get(row * columns + column)?.medianMs ?? null)),
      macs: plan.memoryTokens.map((_, row) => plan.processTokens.map((__, column) => vittmMacs(plan.cells[row * columns + column].arch).total)),
    },
    points,
    rows,
    steps: rows.flatMap((row) => row.steps.map((step) => ({ memoryTokens: row.memoryTokens, ...step }))),
    reference: {
      memoryTokens: plan.reference.memoryTokens,
      processTokens: plan.reference.processTokens,
      medianMs: referencePoint?.medianMs ?? sweep.referenceMs,
      driftPct: sweep.referenceDriftPct,
    },
    backend: backend.describe(),
    sweep: { passes, referenceEvery, visits: sweep.visits.length, wallMs: sweep.wallMs, seed, stoppingRule: rule },
    notes: context.notes,
    ...(sweep.failure ? { failure: sweep.failure.message } : {}),
  };
  const key = (index: number) => `m${plan.workloads[index].arch.memoryTokens}-p${plan.workloads[index].arch.processTokens}`;
  const rawTimingsCsv = formatWorkloadTimingsCsv(sweep.visits.map((visit) => ({ workload: visit.isReference ? `reference-${key(visit.tokens)}` : key(visit.tokens), visit })));
  return { document, rawTimingsCsv, failure: sweep.failure };
}
