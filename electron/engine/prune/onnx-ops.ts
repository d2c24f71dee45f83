/**
 * Small ONNX building blocks the token-reduction transforms share (opset 17: ReduceSum takes its axes
 * as an input, ReduceMean/ReduceMax/ReduceL2 still as an attribute). Token tensors are
 * [batch, tokens, channels]; token indices are kept as [batch, count, 1] so that one Expand turns
 * them into GatherElements/ScatterElements indices for any channel count.
 */
import { attr, type GraphBuilder } from '../models/onnx/graph.js';

/** Slice bounds past the end are clamped by ONNX: this one means "to the end" on any axis. */
export const toEnd = 9223372036854775807n;

export interface PruneGraph {
  readonly graph: GraphBuilder;
  /** a 1-D int64 constant, declared once per graph */
  int64s(values: readonly (number | bigint)[]): string;
  /** a float32 scalar constant, declared once per graph */
  float32(value: number): string;
}

export function pruneGraph(graph: GraphBuilder): PruneGraph {
  const declared = new Map<string, string>();
  const declare = (key: string, add: (name: string) => void): string => {
    let name = declared.get(key);
    if (name === undefined) {
      name = `prune.const_${declared.size}`;
      add(name);
      declared.set(key, name);
    }
    return name;
  };
  return {
    graph,
    int64s: (values) => declare(`i64:${values.join(',')}`, (name) => graph.initializerInt64(name, [values.length], values)),
    float32: (value) => declare(`f32:${value}`, (name) => graph.initializerFloat32(name, [], Float32Array.of(value))),
  };
}

/** A bound known when the graph is built, or a 1-D int64 tensor computed in it. */
export type Bound = number | bigint | { readonly tensor: string };

function boundInput(ops: PruneGraph, bound: Bound): string {
  return typeof bound === 'object' ? bound.tensor : ops.int64s([bound]);
}

/** `input[start:end:step]` along one axis. */
export function sliceAxis(
  ops: PruneGraph,
  input: string,
  output: string,
  axis: number,
  start: Bound,
  end: Bound = toEnd,
  step = 1,
): string {
  const inputs = [input, boundInput(ops, start), boundInput(ops, end), ops.int64s([axis])];
  if (step !== 1) inputs.push(ops.int64s([step]));
  ops.graph.node('Slice', inputs, [output]);
  return output;
}

/** The size of one axis as a 1-D int64 tensor of one element (what TopK's K and Slice's bounds take). */
export function axisLength(ops: PruneGraph, input: string, output: string, axis: number): string {
  ops.graph.node('Shape', [input], [output], { start: attr.int(axis), end: attr.int(axis + 1) });
  return output;
}

/** [batch, count] → [batch, count, 1]. */
export function asIndexColumn(ops: PruneGraph, indices: string, output: string): string {
  ops.graph.node('Unsqueeze', [indices, ops.int64s([2])], [output]);
  return output;
}

function indicesForChannels(ops: PruneGraph, indices: string, channels: number): string {
  if (channels === 1) return indices;
  const output = `${indices}_x${channels}`;
  ops.graph.node('Expand', [indices, ops.int64s([1, 1, channels])], [output]);
  return output;
}

/** tokens [batch, n, channels] at indices [batch, count, 1] → [batch, count, channels], per image. */
export function gatherTokens(ops: PruneGraph, tokens: string, indices: string, channels: number, output: string): string {
  ops.graph.node('GatherElements', [tokens, indicesForChannels(ops, indices, channels)], [output], { axis: attr.int(1) });
  return output;
}

/** `target` with each row of `updates` [batch, count, channels] added to the token its index [batch, count, 1] names. */
export function scatterAddTokens(
  ops: PruneGraph,
  target: string,
  indices: string,
  updates: string,
  channels: number,
  output: string,
): string {
  ops.graph.node('ScatterElements', [target, indicesForChannels(ops, indices, channels), updates], [output], {
    axis: attr.int(1),
    reduction: attr.string('add'),
  });
  return output;
}

/** Indices of `scores` [batch, n] from highest to lowest, as [batch, n, 1]; equal scores keep index order (ONNX TopK). */
export function rankDescending(ops: PruneGraph, scores: string, prefix: string): string {
  const count = axisLength(ops, scores, `${prefix}count`, 1);
  ops.graph.node('TopK', [scores, count], [`${prefix}sorted`, `${prefix}order`], {
    axis: attr.int(1),
    largest: attr.int(1),
    sorted: attr.int(1),
  });
  return asIndexColumn(ops, `${prefix}order`, `${prefix}ranked`);
}

export function concatTokens(ops: PruneGraph, parts: readonly string[], output: string): string {
  ops.graph.node('Concat', parts, [output], { axis: attr.int(1) });
  return output;
}
