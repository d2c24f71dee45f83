/**
 * ViTTM against the ViT it is built from, end to end on one provider: both take the same image, and
 * they are timed in rounds that visit every model once in a shuffled order. A slow minute of the
 * machine lands on a round, not on a model, and each round's ratio compares models measured
 * seconds apart; the ratios' median and quartiles say how far the rounds agree.
 *
 * Optionally a third point per pair: the token-input ViT encoder at a reduced token count, i.e. a
 * ViT whose tokens were pruned before its first block. Real pruning methods drop tokens inside the
 * network and pay to score them, so this bounds what pruning can buy from below in latency.
 */
import { CancelledError, UserError } from '../../errors.js';
import { countMacs, resolveModel } from '../../models/architectures.js';
import { resolveVittm, type VittmPatchSetting } from '../../models/vittm/architectures.js';
import type { StoppingRule } from '../../measure/stopping-rule.js';
import { measureVisit, type Visit } from '../../measure/visit.js';
import { resolveWorkload, type ResolvedWorkload, type WorkloadRecipe } from '../../measure/workloads.js';
import type { BackendDescription } from '../../measure/backend.js';
import { createRng, deriveSeed, shuffled } from '../../util/rng.js';
import { median, summarize, type Summary } from '../../util/stats.js';
import {
  formatWorkloadTimingsCsv,
  openVittmRun,
  ratioSpread,
  startWorkloadBackend,
  type RatioSpread,
  type VittmJobOptions,
} from './shared.js';

export const VITTM_COMPARE_SCHEMA = 'edgetune/vittm-compare@1';

/** a keep count, or: 'macs' (the count whose encoder MACs come closest to the ViTTM's from below), 'process' (the ViTTM's process tokens), 'none' */
export type PrunedTokensChoice = number | 'macs' | 'process' | 'none';

export interface VittmPair {
  vittm: string;
  /** default: the ViT of the same size with 16-pixel patches (vittm-b → vit-b16) */
  vit?: string;
}

export interface VittmCompareOptions extends VittmJobOptions {
  /** default: vittm-b against vit-b16 */
  pairs?: VittmPair[];
  patchSetting?: VittmPatchSetting;
  /** default 'macs' */
  prunedTokens?: PrunedTokensChoice;
  /** each round visits every model once (default 5) */
  rounds?: number;
}

export const DEFAULT_COMPARE_ROUNDS = 5;

export type ModelRole = 'vit' | 'vittm' | 'pruned-vit';

export interface ComparedModel extends Summary {
  key: string;
  label: string;
  role: ModelRole;
  input: 'image' | 'tokens';
  /** multiply-accumulates of one forward pass as timed, batch 1 */
  macs: number;
  architecture: Record<string, unknown>;
  /** the median of each round's visit, in round order */
  roundMediansMs: number[];
}

export interface ModelRatio {
  /** model keys: latencyRatio = numerator's time / denominator's time */
  numerator: string;
  denominator: string;
  /** per-round ratios of the two models' medians; null when no round measured both */
  latencyRatio: RatioSpread | null;
  macRatio: number;
}

export interface PairComparison {
  vittm: string;
  vit: string;
  prunedVit?: string;
  vittmOverVit: ModelRatio;
  vittmOverPrunedVit?: ModelRatio;
  prunedVitOverVit?: ModelRatio;
}

export interface VittmCompareDocument {
  schema: typeof VITTM_COMPARE_SCHEMA;
  createdAt: string;
  complete: boolean;
  device: Record<string, unknown>;
  ep: string;
  batch: number;
  patchSetting: VittmPatchSetting;
  models: ComparedModel[];
  pairs: PairComparison[];
  rounds: { planned: number; done: number; seed: number; stoppingRule: StoppingRule; orders: string[][] };
  backend: BackendDescription;
  wallMs: number;
  notes: string[];
  /** why the run stopped early, when something failed */
  failure?: string;
}

export interface VittmCompareResult {
  document: VittmCompareDocument;
  rawTimingsCsv: string;
  failure?: Error;
}

interface PlannedPair {
  vittm: number;
  vit: number;
  prunedVit?: number;
}

interface Plan {
  workloads: ResolvedWorkload[];
  roles: ModelRole[];
  pairs: PlannedPair[];
}

export function matchingVitId(vittmId: string): string {
  const arch = resolveVittm(vittmId);
  return `vit-${arch.id.slice('vittm-'.length)}16`;
}

/**
 * The largest keep count whose encoder MACs do not exceed `budgetMacs`: a pruned ViT doing the same
 * work as the ViTTM, so their latency ratio compares the two structures at equal MACs.
 */
export function tokensAtMacs(vitId: string, budgetMacs: number): number {
  const arch = resolveModel(vitId);
  let tokens = 1;
  while (tokens < arch.tokens && countMacs(arch, { part: 'encoder', tokens: tokens + 1, batch: 1 }) <= budgetMacs) tokens += 1;
  return tokens;
}

/** Resolves every model up front so that a bad id stops the job before anything is probed or built. */
export function planComparison(options: Pick<VittmCompareOptions, 'pairs' | 'patchSetting' | 'prunedTokens' | 'seed'>): Plan {
  const seed = options.seed ?? 1;
  const pairs = options.pairs && options.pairs.length > 0 ? options.pairs : [{ vittm: 'vittm-b' }];
  const pruned = options.prunedTokens ?? 'macs';
  const workloads: ResolvedWorkload[] = [];
  const roles: ModelRole[] = [];
  const add = (recipe: WorkloadRecipe, role: ModelRole): number => {
    const resolved = resolveWorkload(recipe);
    const existing = workloads.findIndex((workload) => workload.key === resolved.key);
    if (existing >= 0) return existing;
    workloads.push(resolved);
    roles.push(role);
    return workloads.length - 1;
  };
  const planned = pairs.map((pair): PlannedPair => {
    const vittm = add({ kind: 'vittm', id: pair.vittm, seed, patchSetting: options.patchSetting }, 'vittm');
    const vitId = pair.vit ?? matchingVitId(pair.vittm);
    const vit = add({ kind: 'vit', id: vitId, seed }, 'vit');
    if (pruned === 'none') return { vittm, vit };
    const vittmArch = resolveVittm(pair.vittm, { patchSetting: options.patchSetting });
    const keepTokens = pruned === 'macs' ? tokensAtMacs(vitId, workloads[vittm].macs) : pruned === 'process' ? vittmArch.processTokens : pruned;
    return { vittm, vit, prunedVit: add({ kind: 'vit-tokens', id: vitId, seed, tokens: keepTokens }, 'pruned-vit') };
  });
  return { workloads, roles, pairs: planned };
}

export async function runVittmCompare(options: VittmCompareOptions): Promise<VittmCompareResult> {
  const plan = planComparison(options);
  const rounds = options.rounds ?? DEFAULT_COMPARE_ROUNDS;
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new UserError('bad-arguments', `${rounds} rounds is not a positive whole number`, 'pass e.g. --rounds 5');
  }
  const startedAt = Date.now();
  const context = await openVittmRun(options);
  const { progress, note, rule, seed } = context;
  progress({ stage: 'loading', done: 0, total: 1, detail: `starting onnxruntime on ${context.selection.ep}` });
  const backend = await startWorkloadBackend(options, context, plan.workloads.map((workload) => workload.recipe));

  const visits: { workload: number; round: number; visit: Visit }[] = [];
  const orders: string[][] = [];
  const visited = new Set<number>();
  const indices = plan.workloads.map((_, index) => index);
  const total = rounds * indices.length;
  let cancelled = false;
  let failure: Error | undefined;
  let roundsDone = 0;
  try {
    for (let round = 0; round < rounds && !cancelled; round++) {
      const order = shuffled(indices, createRng(deriveSeed(seed, `round-${round}`)));
      orders.push(order.map((index) => plan.workloads[index].key));
      for (const index of order) {
        if (options.signal?.aborted) {
          cancelled = true;
          break;
        }
        const workload = plan.workloads[index];
        progress({ stage: `round ${round + 1}/${rounds}`, done: visits.length, total, detail: visited.has(index) ? workload.key : `building ${workload.key}` });
        let visit: Visit;
        try {
          visit = await measureVisit(
            backend,
            { tokens: index, pass: round, phase: 'survey', isReference: false, firstVisit: !visited.has(index) },
            rule,
            options.signal,
          );
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          cancelled = true;
          break;
        }
        visited.add(index);
        if (visit.timesMs.length > 0) visits.push({ workload: index, round, visit });
        if (visit.stop === 'cancelled') {
          cancelled = true;
          break;
        }
      }
      if (!cancelled) roundsDone += 1;
      progress({ stage: `round ${round + 1}/${rounds}`, done: visits.length, total, detail: cancelled ? 'stopped' : 'round done' });
    }
  } finally {
    await backend.close();
  }

  if (visits.length === 0) {
    if (failure) throw failure;
    throw new CancelledError('cancelled before any model was measured: nothing to save');
  }
  const complete = !cancelled && !options.signal?.aborted;
  const models = plan.workloads.map((workload, index) => comparedModel(workload, plan.roles[index], visits.filter((entry) => entry.workload === index)));
  const roundMedian = (index: number, round: number): number | undefined => {
    const entry = visits.find((candidate) => candidate.workload === index && candidate.round === round);
    return entry ? median(entry.visit.timesMs) : undefined;
  };
  const ratio = (numerator: number, denominator: number): ModelRatio => {
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const top = roundMedian(numerator, round);
      const bottom = roundMedian(denominator, round);
      if (top !== undefined && bottom !== undefined) ratios.push(top / bottom);
    }
    return {
      numerator: plan.workloads[numerator].key,
      denominator: plan.workloads[denominator].key,
      latencyRatio: ratioSpread(ratios),
      macRatio: plan.workloads[numerator].macs / plan.workloads[denominator].macs,
    };
  };
  const pairs: PairComparison[] = plan.pairs.map((pair) => ({
    vittm: plan.workloads[pair.vittm].key,
    vit: plan.workloads[pair.vit].key,
    vittmOverVit: ratio(pair.vittm, pair.vit),
    ...(pair.prunedVit === undefined
      ? {}
      : {
          prunedVit: plan.workloads[pair.prunedVit].key,
          vittmOverPrunedVit: ratio(pair.vittm, pair.prunedVit),
          prunedVitOverVit: ratio(pair.prunedVit, pair.vit),
        }),
  }));

  if (!complete) note(`the comparison ${failure ? 'failed' : 'was cancelled'} after ${roundsDone} of ${rounds} rounds: what was measured is kept, marked incomplete`);
  pairs.forEach((pair) => describePair(pair, plan, context.selection.ep).forEach(note));

  const document: VittmCompareDocument = {
    schema: VITTM_COMPARE_SCHEMA,
    createdAt: new Date().toISOString(),
    complete,
    device: context.device,
    ep: context.selection.ep,
    batch: context.batch,
    patchSetting: options.patchSetting ?? '16/32',
    models,
    pairs,
    rounds: { planned: rounds, done: roundsDone, seed, stoppingRule: rule, orders },
    backend: backend.describe(),
    wallMs: Date.now() - startedAt,
    notes: context.notes,
    ...(failure ? { failure: failure.message } : {}),
  };
  const rawTimingsCsv = formatWorkloadTimingsCsv(visits.map((entry) => ({ workload: plan.workloads[entry.workload].key, visit: entry.visit })));
  return { document, rawTimingsCsv, failure };
}

function comparedModel(workload: ResolvedWorkload, role: ModelRole, visits: readonly { round: number; visit: Visit }[]): ComparedModel {
  const times = visits.flatMap((entry) => entry.visit.timesMs);
  return {
    key: workload.key,
    label: workload.label,
    role,
    input: workload.input,
    macs: workload.macs,
    architecture: workload.architecture,
    ...summarize(times),
    roundMediansMs: visits.map((entry) => median(entry.visit.timesMs)),
  };
}

function describePair(pair: PairComparison, plan: Plan, ep: string): string[] {
  const lines: string[] = [];
  const spread = pair.vittmOverVit.latencyRatio;
  if (spread) {
    const saving = spread.median < pair.vittmOverVit.macRatio ? 'larger' : 'smaller';
    lines.push(
      `${pair.vittm} takes ${spread.median.toFixed(2)}× the time of ${pair.vit} on ${ep} (rounds: ${spread.q25.toFixed(2)}–${spread.q75.toFixed(2)}) for ${pair.vittmOverVit.macRatio.toFixed(2)}× the MACs: its time saving is ${saving} than its MAC saving here`,
    );
    if (spread.rounds >= 3 && spread.iqr / spread.median > 0.1) {
      lines.push(`the rounds disagree by ${((100 * spread.iqr) / spread.median).toFixed(0)} % (IQR of ${pair.vittm}/${pair.vit}): the machine's speed changed during the run; more --rounds narrow it`);
    }
  }
  if (pair.prunedVit !== undefined) {
    const pruned = plan.workloads.find((workload) => workload.key === pair.prunedVit);
    if (pruned) {
      lines.push(
        `${pair.prunedVit} is ${pruned.label}: its graph starts at the tokens, so it skips the patch embedding the image models pay for, and it is not a pruning method's graph (those drop tokens inside the network and pay to score them)`,
      );
    }
  }
  return lines;
}
