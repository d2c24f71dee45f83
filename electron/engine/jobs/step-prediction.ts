import type { Step } from '../contracts/profile.js';
import { errorText } from '../errors.js';
import { inspectModel } from '../models/inspect.js';
import { readOnnxFile } from '../models/onnx/reader.js';
import { probeNative, type NativeFacts, type ParallelUnits } from '../probe/native/native-probe.js';
import { compareSteps, focusCounts, predictSteps, type BlockShape, type StepComparison, type StepPrediction } from '../staircase/wave-quantization.js';
import type { ModelChoice, TokenRange } from './model-choice.js';

/** survey counts spent around predicted steps: both sides of the six strongest */
const MAX_FOCUS_COUNTS = 24;

export interface StepPredictionPlan {
  prediction?: StepPrediction;
  units?: ParallelUnits | { count: number; kind: 'sm' | 'cu'; device: string; source: 'user' };
  focusCounts: number[];
  /** why no prediction was made */
  reason?: string;
}

async function blockShapeOf(choice: ModelChoice): Promise<{ block?: BlockShape; reason?: string }> {
  if (choice.kind === 'builtin') return { block: choice.arch };
  try {
    const vit = inspectModel(await readOnnxFile(choice.path)).vit;
    if (vit && vit.heads !== null && vit.mlpRatio !== null) return { block: { width: vit.width, heads: vit.heads, mlpRatio: vit.mlpRatio } };
    return { reason: `${choice.path}: width, heads and MLP ratio could not all be read from the graph (see \`edgetune inspect\`)` };
  } catch (error) {
    return { reason: `${choice.path} could not be inspected: ${errorText(error)}` };
  }
}

/**
 * Predicts where steps should fall on this GPU, so the sweep can measure densely there. It needs
 * the GPU's SM or compute-unit count (native probe, or `--sm-count`) and the block's shape.
 */
export async function planStepPrediction(request: {
  choice: ModelChoice;
  ep: string;
  batch: number;
  range: TokenRange;
  smCount?: number;
  native?: NativeFacts;
}): Promise<{ plan: StepPredictionPlan; native?: NativeFacts }> {
  const { ep, batch, range } = request;
  let units: StepPredictionPlan['units'];
  let native = request.native;
  if (request.smCount !== undefined) {
    units = { count: request.smCount, kind: 'sm', device: 'given with --sm-count', source: 'user' };
  } else if (ep === 'cpu') {
    return { plan: { focusCounts: [], reason: 'the CPU execution provider has no thread-block waves (pass --sm-count N to predict for a GPU anyway)' }, native };
  } else {
    native ??= await probeNative();
    if (!native.parallelUnits) {
      return { plan: { focusCounts: [], reason: native.available ? native.parallelUnitsReason : `native probe unavailable: ${native.reason}` }, native };
    }
    units = native.parallelUnits;
  }
  const { block, reason } = await blockShapeOf(request.choice);
  if (!block) return { plan: { units, focusCounts: [], reason }, native };
  const prediction = predictSteps({ block, batch, units: units.count, unitKind: units.kind, from: range.from, to: range.to });
  return { plan: { prediction, units, focusCounts: focusCounts(prediction, MAX_FOCUS_COUNTS, MAX_FOCUS_COUNTS / 4) }, native };
}

/** What profile.json records: the inputs, the predicted steps and the measured ones side by side. */
export interface PredictionReport {
  available: boolean;
  reason?: string;
  units?: StepPredictionPlan['units'];
  batch?: number;
  hypotheses?: StepPrediction['hypotheses'];
  focusCounts: number[];
  comparison?: StepComparison;
}

export function predictionReport(plan: StepPredictionPlan, measured: readonly Step[]): PredictionReport {
  if (!plan.prediction) return { available: false, reason: plan.reason, ...(plan.units ? { units: plan.units } : {}), focusCounts: [] };
  return {
    available: true,
    units: plan.units,
    batch: plan.prediction.batch,
    hypotheses: plan.prediction.hypotheses,
    focusCounts: plan.focusCounts,
    comparison: compareSteps(plan.prediction.steps, measured),
  };
}
