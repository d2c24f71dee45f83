/**
 * Token-input ViT encoders with token reduction inside: POMT (a schedule), Top-K or ToMe (r per
 * layer). Blocks, weights and head are `buildVitOnnx`'s for the same seed, so a pruned model and
 * its baseline differ only by the reduction. The token axis stays symbolic: the graph reduces any
 * input count by the same rule; `tokensAfterLayer` gives the counts for `inputTokens`, the count the
 * request is checked against. POMT and Top-K remove fixed numbers, so fed fewer tokens than they
 * can remove they keep what is there (CLS, and POMT's fused token) rather than fail; ToMe clamps
 * r at run time, as released.
 */
import type { VitArchitecture } from '../models/architectures.js';
import { createGraphBuilder } from '../models/onnx/graph.js';
import {
  addVitBlock,
  addVitConstants,
  addVitHead,
  checkArchitecture,
  vitWeightResolver,
  type VitBlockHooks,
  type WeightResolver,
} from '../models/vit-onnx.js';
import { addPomtReduction } from './pomt-onnx.js';
import { pruneGraph, type PruneGraph } from './onnx-ops.js';
import { removalsPerLayer, type PruneMethod, type TokenReduction } from './reduction.js';
import { addProportionalAttentionBias, addTomeMerge } from './tome-onnx.js';
import { addTopkReduction } from './topk-onnx.js';

export interface PrunedVitBuildOptions extends TokenReduction {
  readonly seed: number;
  /** blocks to stack (default: the architecture's depth); a prefix of the pruned model */
  readonly blocks?: number;
  readonly weightStd?: number;
  /** token count, CLS included, that requests are checked against and counts given for (default: the architecture's) */
  readonly inputTokens?: number;
  /** also output every block's tokens (and ToMe's token sizes), to see what the reduction did */
  readonly layerOutputs?: boolean;
  /** replaces named weight tensors (e.g. 'blocks.0.attn.qkv.weight'), for graphs a test must predict */
  readonly weights?: ReadonlyMap<string, Float32Array>;
}

/** Graph outputs of one block, with `layerOutputs`. */
export interface LayerOutputNames {
  /** [batch, tokens, width] */
  readonly tokens: string;
  /** ToMe, from its first merge on: [batch, tokens, 1], the input tokens each token stands for */
  readonly sizes?: string;
}

export interface PrunedVitOnnx {
  readonly bytes: Uint8Array;
  readonly inputName: 'tokens';
  readonly outputName: 'logits';
  readonly tokenAxis: 1;
  readonly width: number;
  readonly method: PruneMethod;
  readonly inputTokens: number;
  /** tokens leaving each built block, for `inputTokens` in */
  readonly tokensAfterLayer: number[];
  /** empty unless `layerOutputs` */
  readonly layerOutputs: readonly LayerOutputNames[];
}

/** Hooks for one block; ToMe's state (token sizes) flows from block to block through the planner. */
interface ReductionPlanner {
  hooksFor(index: number): VitBlockHooks;
  sizesAfter(): string | null;
}

function pomtPlanner(ops: PruneGraph, removals: readonly number[], width: number): ReductionPlanner {
  return {
    hooksFor: (index) =>
      removals[index] > 0
        ? { reduceTokens: (block) => addPomtReduction(ops, block, removals[index], width, `blocks.${index}/`) }
        : {},
    sizesAfter: () => null,
  };
}

function topkPlanner(ops: PruneGraph, r: number, width: number): ReductionPlanner {
  return {
    hooksFor: (index) => (r > 0 ? { reduceTokens: (block) => addTopkReduction(ops, block, r, width, `blocks.${index}/`) } : {}),
    sizesAfter: () => null,
  };
}

function tomePlanner(ops: PruneGraph, r: number, width: number): ReductionPlanner {
  let sizes: string | null = null;
  return {
    hooksFor(index) {
      const prefix = `blocks.${index}/`;
      const attentionLogitBias = sizes === null ? undefined : addProportionalAttentionBias(ops, sizes, prefix);
      if (r === 0) return { attentionLogitBias };
      return {
        attentionLogitBias,
        reduceTokens: (block) => {
          const merged = addTomeMerge(ops, block, sizes, r, width, prefix);
          sizes = merged.sizes;
          return merged.tokens;
        },
      };
    },
    sizesAfter: () => sizes,
  };
}

function plannerFor(ops: PruneGraph, options: PrunedVitBuildOptions, removals: readonly number[], width: number): ReductionPlanner {
  switch (options.method) {
    case 'pomt':
      return pomtPlanner(ops, removals, width);
    case 'topk':
      return topkPlanner(ops, options.perLayer ?? 0, width);
    case 'tome':
      return tomePlanner(ops, options.perLayer ?? 0, width);
  }
}

function blockCount(arch: VitArchitecture, blocks: number | undefined): number {
  const count = blocks ?? arch.depth;
  if (!Number.isInteger(count) || count < 1 || count > arch.depth) {
    throw new RangeError(`blocks must be an integer from 1 to ${arch.depth} for ${arch.id}, got ${count}`);
  }
  return count;
}

/**
 * Builds the encoder (input `tokens` [batch, tokens, width], output `logits` [batch, classes]) with
 * the requested reduction. Throws a UserError for requests the model cannot carry out.
 */
export function buildPrunedVitOnnx(arch: VitArchitecture, options: PrunedVitBuildOptions): PrunedVitOnnx {
  checkArchitecture(arch);
  const blocks = blockCount(arch, options.blocks);
  const inputTokens = options.inputTokens ?? arch.tokens;
  const removals = removalsPerLayer(options, { depth: arch.depth, inputTokens });

  const graph = createGraphBuilder(`${arch.id}-encoder-${options.method}`);
  const declareWeight = vitWeightResolver(graph, { seed: options.seed, weightStd: options.weightStd, overrides: options.weights });
  const declared = new Set<string>();
  const weight: WeightResolver = (spec) => {
    const name = declareWeight(spec);
    declared.add(name);
    return name;
  };
  const inputName = 'tokens';
  graph.input(inputName, 'float32', ['batch', 'tokens', arch.width]);
  addVitConstants(graph, arch);
  const ops = pruneGraph(graph);
  const planner = plannerFor(ops, options, removals, arch.width);

  const layerOutputs: LayerOutputNames[] = [];
  let hidden: string = inputName;
  for (let index = 0; index < blocks; index++) {
    const output = `blocks.${index}/out`;
    addVitBlock(graph, arch, index, hidden, output, weight, planner.hooksFor(index));
    hidden = output;
    if (options.layerOutputs) {
      const tokensDim = `tokens_after_${index}`;
      graph.output(output, 'float32', ['batch', tokensDim, arch.width]);
      const sizes = planner.sizesAfter();
      if (sizes !== null) graph.output(sizes, 'float32', ['batch', tokensDim, 1]);
      layerOutputs.push(sizes === null ? { tokens: output } : { tokens: output, sizes });
    }
  }
  addVitHead(graph, arch, hidden, weight);
  checkOverridesUsed(options.weights, declared, arch);

  let tokens = inputTokens;
  const tokensAfterLayer = removals.slice(0, blocks).map((removed) => (tokens -= removed));
  return {
    bytes: graph.toBytes(),
    inputName,
    outputName: 'logits',
    tokenAxis: 1,
    width: arch.width,
    method: options.method,
    inputTokens,
    tokensAfterLayer,
    layerOutputs,
  };
}

/** A misspelt override would silently leave a random tensor where the caller meant a chosen one. */
function checkOverridesUsed(overrides: ReadonlyMap<string, Float32Array> | undefined, declared: ReadonlySet<string>, arch: VitArchitecture): void {
  for (const name of overrides?.keys() ?? []) {
    if (!declared.has(name)) throw new RangeError(`weight override '${name}' names no tensor of this ${arch.id} graph`);
  }
}
