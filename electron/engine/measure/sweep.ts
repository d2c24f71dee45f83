import type { TimingBackend } from './backend.js';
import { countsToRemeasure, normalizeVisits, type NormalizedSweep } from './normalize.js';
import { passOrder, refinementCounts, surveyGrid } from './sweep-plan.js';
import { DEFAULT_STOPPING_RULE, type StoppingRule } from './stopping-rule.js';
import { measureVisit, type SweepPhase, type Visit } from './visit.js';
import type { ProfilePoint } from '../contracts/profile.js';
import type { DeviceStateSampler } from './device-state.js';

export interface SweepOptions {
  from: number;
  to: number;
  /** the count every pass re-measures to cancel drift; defaults to `to` (the model's full count) */
  referenceTokens?: number;
  passes: number;
  /** survey at most this many counts; steps found are then pinned with denser counts */
  maxSurveyPoints: number;
  referenceEvery: number;
  refineRounds: number;
  seed: number;
  rule: StoppingRule;
  /**
   * counts to survey densely, e.g. both sides of predicted steps; the even grid around them
   * then gets only the survey points left over
   */
  focusCounts?: number[];
  /** reads the GPU's clocks and temperature before and after every visit */
  deviceMonitor?: DeviceStateSampler;
  /** where steps may start in the curve so far (token counts of the first point on a higher level) */
  findStepCandidates?: (points: ProfilePoint[]) => number[];
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  onVisit?: (visit: Visit) => void;
}

export interface SweepProgress {
  phase: SweepPhase;
  /** what this stretch of work is, in words: 'survey', 'pinning steps', 're-measuring unsettled counts' */
  stage: string;
  pass: number;
  passes: number;
  done: number;
  total: number;
  tokens: number;
  elapsedMs: number;
}

export interface SweepResult extends NormalizedSweep {
  complete: boolean;
  /** what stopped the sweep early, when something failed (the points measured before it are kept) */
  failure?: Error;
  visits: Visit[];
  wallMs: number;
  settings: Omit<SweepOptions, 'signal' | 'onProgress' | 'onVisit' | 'findStepCandidates' | 'deviceMonitor'>;
}

export const DEFAULT_SWEEP_OPTIONS: Omit<SweepOptions, 'from' | 'to'> = {
  // Four independent looks at each count, combined by their median, beat a shared VM's drift
  // better than three looks at more counts; steps between survey counts are pinned afterwards.
  passes: 4,
  maxSurveyPoints: 40,
  // A reference beside every other visit keeps the interpolation shorter than the few seconds in
  // which a shared VM switches speed (measured here: 8 → 2 took the repeat difference from 2.4–4.8 % to 1.6–2.1 %).
  referenceEvery: 2,
  refineRounds: 2,
  seed: 1,
  rule: DEFAULT_STOPPING_RULE,
};

/** the coarse grid keeps at least this many counts however many focus counts there are */
const MIN_GRID_POINTS = 12;

/**
 * Survey a coarse grid in shuffled passes, then pin each step the survey suggests with the counts
 * between its neighbours, measured the same way. Cancelling returns what was measured so far,
 * marked incomplete.
 */
export async function runSweep(backend: TimingBackend, options: SweepOptions): Promise<SweepResult> {
  const startedAt = Date.now();
  const referenceTokens = options.referenceTokens ?? options.to;
  const visits: Visit[] = [];
  const visited = new Set<number>();
  let cancelled = false;
  let failure: Error | undefined;

  let passIndex = 0;
  const measureCounts = async (counts: number[], phase: SweepPhase, stage: string, passes = options.passes, referenceEvery = options.referenceEvery): Promise<void> => {
    const plans = Array.from({ length: passes }, () => passOrder(counts, referenceTokens, referenceEvery, options.seed, passIndex++));
    const total = plans.reduce((sum, plan) => sum + plan.length, 0);
    let done = 0;
    for (let pass = 0; pass < plans.length && !cancelled; pass++) {
      for (const step of plans[pass]) {
        if (options.signal?.aborted) {
          cancelled = true;
          break;
        }
        let visit: Visit;
        try {
          const before = options.deviceMonitor?.sample();
          visit = await measureVisit(
            backend,
            { ...step, pass: passIndex - plans.length + pass, phase, firstVisit: !visited.has(step.tokens) },
            options.rule,
            options.signal,
          );
          if (options.deviceMonitor) visit.device = { before, after: options.deviceMonitor.sample() };
        } catch (error) {
          failure = error instanceof Error ? error : new Error(String(error));
          cancelled = true;
          break;
        }
        visited.add(step.tokens);
        if (visit.stop === 'cancelled') cancelled = true;
        if (visit.timesMs.length > 0) {
          visits.push(visit);
          options.onVisit?.(visit);
        }
        done += 1;
        options.onProgress?.({ phase, stage, pass, passes: plans.length, done, total, tokens: step.tokens, elapsedMs: Date.now() - startedAt });
        if (cancelled) break;
      }
    }
  };

  /**
   * Counts without two agreeing visits taken while the machine held its speed get another,
   * tightly referenced visit.
   */
  const repairUnsettled = async (phase: SweepPhase): Promise<void> => {
    const wanted = Math.min(2, options.passes);
    for (let round = 0; round < 2 && !cancelled; round++) {
      const unsettled = countsToRemeasure(visits, wanted);
      if (unsettled.length === 0) return;
      await measureCounts(unsettled, phase, `re-measuring ${unsettled.length} counts the machine's speed changes blurred`, 1, 2);
    }
  };

  const focus = (options.focusCounts ?? []).filter((tokens) => tokens >= options.from && tokens <= options.to);
  const gridPoints = focus.length > 0 ? Math.max(MIN_GRID_POINTS, options.maxSurveyPoints - focus.length) : options.maxSurveyPoints;
  const survey = [...new Set([...surveyGrid(options.from, options.to, gridPoints), ...focus])].sort((a, b) => a - b);
  await measureCounts(survey, 'survey', `survey of ${survey.length} counts`);
  await repairUnsettled('survey');
  for (let round = 0; round < options.refineRounds && !cancelled && options.findStepCandidates; round++) {
    const current = normalizeVisits(visits, referenceTokens).points;
    const extra = refinementCounts(current.map((point) => point.tokens), options.findStepCandidates(current));
    if (extra.length === 0) break;
    await measureCounts(extra, 'refine', `pinning steps: ${extra.length} counts between survey points`);
    await repairUnsettled('refine');
  }

  const { signal: _signal, onProgress: _onProgress, onVisit: _onVisit, findStepCandidates: _find, deviceMonitor: _monitor, ...settings } = options;
  return {
    ...normalizeVisits(visits, referenceTokens),
    complete: !cancelled,
    failure,
    visits,
    wallMs: Date.now() - startedAt,
    settings: { ...settings, referenceTokens },
  };
}
