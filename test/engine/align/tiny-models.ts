/**
 * Tiny ONNX models whose outputs are known in closed form, written with our own graph builder, for
 * testing the model rewards against real onnxruntime.
 */
import { attr, createGraphBuilder, type Dim } from '../../../electron/engine/models/onnx/graph.js';

export interface MeanColourModel {
  readonly layout?: 'nchw' | 'nhwc';
  /** fixed batch, or a symbolic one (default) */
  readonly batch?: Dim;
  readonly height?: Dim;
  readonly width?: Dim;
  readonly channels?: number;
}

/** image [N, 3, H, W] (or NHWC) → [N, 3]: the mean of each channel, i.e. per-channel mean of the normalised input. */
export function meanColourModel(options: MeanColourModel = {}): Uint8Array {
  const layout = options.layout ?? 'nchw';
  const [batch, height, width, channels] = [options.batch ?? 'batch', options.height ?? 3, options.width ?? 4, options.channels ?? 3];
  const graph = createGraphBuilder('mean-colour');
  graph.input('pixels', 'float32', layout === 'nchw' ? [batch, channels, height, width] : [batch, height, width, channels]);
  // opset 17: ReduceMean takes its axes as an attribute
  graph.node('ReduceMean', ['pixels'], ['scores'], { axes: attr.ints(layout === 'nchw' ? [2, 3] : [1, 2]), keepdims: attr.int(0) });
  graph.output('scores', 'float32', [batch, channels]);
  return graph.toBytes();
}

/**
 * input_ids int64 [1, L] → [1, D]: the mean of the embedding-table rows of the tokens. With
 * `attentionMask`, an `attention_mask` input restricts the mean to tokens whose mask is 1.
 */
export function meanTokenModel(table: readonly (readonly number[])[], options: { length?: Dim; attentionMask?: boolean } = {}): Uint8Array {
  const width = table[0].length;
  const length = options.length ?? 'tokens';
  const graph = createGraphBuilder('mean-token');
  graph.input('input_ids', 'int64', [1, length]);
  graph.initializerFloat32('table', [table.length, width], Float32Array.from(table.flat()));
  graph.node('Gather', ['table', 'input_ids'], ['embedded'], { axis: attr.int(0) });
  if (options.attentionMask) {
    graph.input('attention_mask', 'int64', [1, length]);
    graph.initializerInt64('axis_1', [1], [1]);
    graph.initializerInt64('axis_2', [1], [2]);
    graph.node('Cast', ['attention_mask'], ['mask'], { to: attr.int(1) });
    graph.node('Unsqueeze', ['mask', 'axis_2'], ['mask_3d']);
    graph.node('Mul', ['embedded', 'mask_3d'], ['masked']);
    // opset 13+: ReduceSum takes its axes as an input
    graph.node('ReduceSum', ['masked', 'axis_1'], ['summed'], { keepdims: attr.int(0) });
    graph.node('ReduceSum', ['mask', 'axis_1'], ['count']);
    graph.node('Div', ['summed', 'count'], ['text_embeds']);
  } else {
    graph.node('ReduceMean', ['embedded'], ['text_embeds'], { axes: attr.ints([1]), keepdims: attr.int(0) });
  }
  graph.output('text_embeds', 'float32', [1, width]);
  return graph.toBytes();
}
