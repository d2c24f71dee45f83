import type { RunDetail } from '../../../electron/api/contract';
import type { ProfileExtras } from '../../../electron/engine/jobs/sweep-job';
import type { ChartPredictedStep } from '../chart/staircase-data';

export type Profile = NonNullable<RunDetail['documents']['profile']>;

/** What the profile pages show, read from a profile.json whose EdgeTune extras may be absent (other tools, older runs). */
export interface ProfileView {
  model: string;
  part: string | undefined;
  ep: string;
  batch: number;
  complete: boolean;
  regime: string | undefined;
  summary: string | undefined;
  predicted: ChartPredictedStep[];
  /** one sentence on the wave-quantization prediction: what it assumed, or why there is none */
  prediction: string | undefined;
  unpredictedSteps: number[];
  strategy: ProfileExtras['strategy'] | undefined;
  fullModel: ProfileExtras['fullModel'] | undefined;
  deviceState: ProfileExtras['deviceState'] | undefined;
  deviceStateReason: string | undefined;
  reference: ProfileExtras['reference'] | undefined;
  sweep: ProfileExtras['sweep'] | undefined;
  notes: string[];
  failure: string | undefined;
}

export function modelName(model: Profile['model']): string {
  if (typeof model === 'string') return model;
  const id = model.id ?? model.file ?? model.name;
  return typeof id === 'string' ? id : 'unknown model';
}

export function viewProfile(profile: Profile): ProfileView {
  const extras = profile as Profile & Partial<ProfileExtras>;
  const prediction = extras.prediction;
  const part = typeof profile.model === 'object' && typeof profile.model.part === 'string' ? profile.model.part : extras.unit;
  return {
    model: modelName(profile.model),
    part,
    ep: profile.ep,
    batch: profile.batch,
    complete: profile.complete,
    regime: profile.regime,
    summary: profile.summary,
    predicted: (prediction?.comparison?.predicted ?? []).map((step) => ({ tokens: step.tokens, jumpPct: step.jumpPct, measured: step.measured })),
    prediction: predictionSentence(prediction),
    unpredictedSteps: (prediction?.comparison?.unpredicted ?? []).map((step) => step.tokens),
    strategy: extras.strategy,
    fullModel: extras.fullModel,
    deviceState: extras.deviceState,
    deviceStateReason: extras.deviceStateReason,
    reference: extras.reference,
    sweep: extras.sweep,
    notes: Array.isArray(extras.notes) ? extras.notes : [],
    failure: typeof extras.failure === 'string' ? extras.failure : undefined,
  };
}

function predictionSentence(prediction: ProfileExtras['prediction'] | undefined): string | undefined {
  if (!prediction) return undefined;
  if (!prediction.available) return `no step prediction: ${prediction.reason ?? 'no reason given'}`;
  const units = prediction.units;
  const on = units ? ` on ${units.count} ${units.kind === 'cu' ? 'compute units' : 'SMs'} (${units.device})` : '';
  const predicted = prediction.comparison?.predicted ?? [];
  const found = predicted.filter((step) => step.measured !== null).length;
  return `${predicted.length} step${predicted.length === 1 ? '' : 's'} predicted${on}; ${found} of them measured within 2 tokens`;
}
