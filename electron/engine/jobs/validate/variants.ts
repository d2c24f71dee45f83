/**
 * What `edgetune validate` times, decided before anything runs (pure): the unpruned encoder, the
 * schedule's POMT graph, and Top-K and ToMe with the r that matches the schedule's token budget.
 *
 * Matching: Top-K and ToMe reduce by the same r in every layer, the schedule where it says, so the
 * two can only be compared at equal budgets. The budget is the tokens removed summed over layers
 * (removedTokenLayers, as `--method dp` counts it) by default; with a profile it can instead be the
 * predicted latency. Either way r is the whole number that comes closest, smaller r on a tie; r = 0
 * would be the baseline again, so such a variant is left out and the reason noted.
 */
import { scheduleArchitectureSchema, type Schedule } from '../../contracts/schedule.js';
import { UserError } from '../../errors.js';
import { builtinModelIds, resolveModel, type VitArchitecture } from '../../models/architectures.js';
import { layerTokenCounts, tomeMergeLimit, type LayerTokenCount, type PruneMethod, type TokenReduction } from '../../prune/index.js';
import { removedTokenLayers } from '../../schedule/pruned-latency.js';

/** 'baseline', 'schedule', 'topk', 'tome'; the bench adds its own (e.g. 'dp') */
export type VariantKey = string;
export type BudgetMatch = 'token-layers' | 'predicted';

export interface ValidationVariant {
  key: VariantKey;
  /** what a person reads, e.g. "Top-K, r = 2 per layer" */
  label: string;
  method: PruneMethod | 'none';
  /** the graph's token reduction; none for the baseline */
  reduction?: TokenReduction;
  /** Top-K and ToMe: tokens reduced per layer */
  perLayer?: number;
  inputTokens: number;
  counts: LayerTokenCount[];
  tokensAfterLayer: number[];
  removedTokenLayers: number;
  /** multiply-accumulates of the blocks and head at these counts, batch 1 (scoring and merging not counted) */
  macs: number;
}

export interface VariantPlan {
  variants: ValidationVariant[];
  matchedBy: BudgetMatch;
  /** one sentence per matched method: the r chosen and how close it came */
  matching: string[];
}

/**
 * The architecture a schedule was made for: a built-in, or the one its model record carries (the
 * stand-in for an image-input export). Schedules for token-input model files are refused, saying what works.
 */
export function scheduleArchitecture(schedule: Pick<Schedule, 'model'>, override?: string): VitArchitecture {
  if (override !== undefined) return resolveModel(override);
  const model = schedule.model;
  if (typeof model === 'object' && model.architecture !== undefined) {
    const parsed = scheduleArchitectureSchema.safeParse(model.architecture);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserError(
        'schedule-invalid',
        `the schedule's model.architecture is not one EdgeTune can build: ${['architecture', ...issue.path].join('.')}: ${issue.message}`,
        'make the schedule again from the sweep of your model (`edgetune schedule --profile <run>`), or pass --model <built-in id>',
      );
    }
    const { id, family, depth, width, heads, mlpRatio, patchSize, imageSize, tokens, classes, layerScale } = parsed.data;
    if (width % heads !== 0) {
      throw new UserError('schedule-invalid', `the schedule's model.architecture has width ${width}, not divisible by its ${heads} heads`, 'make the schedule again from the sweep of your model, or pass --model <built-in id>');
    }
    return { id, family, depth, width, heads, mlpRatio, patchSize, imageSize, tokens, classes, layerScale };
  }
  const supported = `validation builds the pruned graphs itself from a built-in architecture (${builtinModelIds.join(', ')}) or the architecture a sweep of an image-input ViT export records`;
  if (typeof model === 'object' && typeof model.file === 'string') {
    throw new UserError(
      'schedule-model-file',
      `the schedule was made for the model file ${model.file}: ${supported}, and cannot insert token pruning into a file's graph`,
      'run `edgetune match <your-model.onnx>` to check EdgeTune reads your image-input ViT export, then `edgetune tune --model <your-model.onnx>` (its schedule records the architecture); or pass --model <built-in id> to validate this schedule on one',
    );
  }
  const id = typeof model === 'object' && typeof model.id === 'string' ? model.id : undefined;
  if (id === undefined) {
    const named = typeof model === 'string' ? `'${model}'` : 'no built-in id';
    throw new UserError(
      'schedule-model-unknown',
      `the schedule names ${named} as its model, not a built-in architecture: ${supported}`,
      'pass --model <built-in id> (e.g. --model vit-b16) to say which architecture the schedule is for',
    );
  }
  return resolveModel(id);
}

/** Multiply-accumulates of the encoder at per-layer counts: qkv and projection 4nD², scores and A·V 2n²D, MLP 2rnD², head D·classes. */
export function encoderMacs(arch: VitArchitecture, counts: readonly LayerTokenCount[]): number {
  const d = arch.width;
  const layers = counts.reduce(
    (sum, { attentionTokens: a, mlpTokens: m }) => sum + 4 * a * d * d + 2 * a * a * d + 2 * arch.mlpRatio * m * d * d,
    0,
  );
  return layers + d * arch.classes;
}

export function makeVariant(arch: VitArchitecture, key: VariantKey, label: string, reduction: TokenReduction | undefined, inputTokens: number): ValidationVariant {
  const query = { depth: arch.depth, inputTokens };
  const counts = layerTokenCounts(reduction ?? { method: 'pomt', layers: [] }, query);
  const tokensAfterLayer = counts.map((count) => count.mlpTokens);
  return {
    key,
    label,
    method: reduction?.method ?? 'none',
    ...(reduction ? { reduction } : {}),
    ...(reduction?.perLayer !== undefined ? { perLayer: reduction.perLayer } : {}),
    inputTokens,
    counts,
    tokensAfterLayer,
    removedTokenLayers: removedTokenLayers(tokensAfterLayer, inputTokens),
    macs: encoderMacs(arch, counts),
  };
}

const methodName: Record<'topk' | 'tome', string> = { topk: 'Top-K', tome: 'ToMe' };

/** The largest r a method accepts at this count and depth. */
export function largestPerLayer(method: 'topk' | 'tome', inputTokens: number, depth: number): number {
  return method === 'topk' ? Math.max(0, Math.floor((inputTokens - 2) / depth)) : tomeMergeLimit(inputTokens);
}

/**
 * The variants to time. `predictMs` (from the schedule's profile) is needed for matching by
 * predicted latency and unused otherwise.
 */
export function planVariants(
  arch: VitArchitecture,
  schedule: Pick<Schedule, 'baselineTokens' | 'layers' | 'method' | 'keepTokens'>,
  options: { matchBy?: BudgetMatch; predictMs?: (counts: readonly LayerTokenCount[]) => number } = {},
): VariantPlan {
  const inputTokens = schedule.baselineTokens;
  const matchedBy = options.matchBy ?? 'token-layers';
  if (matchedBy === 'predicted' && options.predictMs === undefined) {
    throw new UserError(
      'match-needs-profile',
      'matching Top-K and ToMe by predicted latency needs the profile the schedule was made from',
      'pass --profile <run folder or profile.json>, or match by removed tokens (--match token-layers, the default)',
    );
  }
  const layers = schedule.layers.filter((layer) => layer.remove > 0);
  const tooDeep = layers.find((layer) => layer.layer >= arch.depth);
  if (tooDeep) {
    throw new UserError(
      'schedule-layer-out-of-range',
      `the schedule removes tokens at layer ${tooDeep.layer}, but ${arch.id} has layers 0 to ${arch.depth - 1}`,
      'validate the schedule on the model it was made for (--model), or make a new schedule',
    );
  }
  const where = layers.map((layer) => `${layer.remove} at layer ${layer.layer}`).join(', ');
  const scheduleVariant = makeVariant(
    arch,
    'schedule',
    layers.length > 0 ? `schedule (${schedule.method}: ${where})` : `schedule (${schedule.method}: keeps all ${inputTokens} tokens)`,
    { method: 'pomt', layers },
    inputTokens,
  );
  const variants = [makeVariant(arch, 'baseline', `baseline (all ${inputTokens} tokens)`, undefined, inputTokens), scheduleVariant];
  const matching: string[] = [];
  const measure = (variant: ValidationVariant): number =>
    matchedBy === 'token-layers' ? variant.removedTokenLayers : (options.predictMs as (counts: readonly LayerTokenCount[]) => number)(variant.counts);
  const target = measure(scheduleVariant);
  const unit = matchedBy === 'token-layers' ? 'removed token-layers' : 'ms predicted';
  const show = (value: number) => (matchedBy === 'token-layers' ? String(value) : value.toFixed(2));
  for (const method of ['topk', 'tome'] as const) {
    let best: ValidationVariant | undefined;
    let bestGap = Infinity;
    for (let r = 0; r <= largestPerLayer(method, inputTokens, arch.depth); r++) {
      const candidate = makeVariant(arch, method, `${methodName[method]}, r = ${r} per layer`, { method, perLayer: r }, inputTokens);
      const gap = Math.abs(measure(candidate) - target);
      if (gap < bestGap - 1e-12) {
        best = candidate;
        bestGap = gap;
      }
    }
    if (best === undefined || best.perLayer === 0) {
      const one = makeVariant(arch, method, '', { method, perLayer: 1 }, inputTokens);
      matching.push(
        `${methodName[method]} left out: r = 1 per layer already comes to ${show(measure(one))} ${unit} against the schedule's ${show(target)}, so r = 0 (the baseline) is closer`,
      );
      continue;
    }
    variants.push(best);
    matching.push(`${methodName[method]}: r = ${best.perLayer} per layer, ${show(measure(best))} ${unit} against the schedule's ${show(target)}`);
  }
  return { variants, matchedBy, matching };
}
