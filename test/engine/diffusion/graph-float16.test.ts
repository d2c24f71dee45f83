import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { fromFloat16Array, toFloat16Array } from '../../../electron/engine/diffusion/float16.js';
import { attr, createGraphBuilder } from '../../../electron/engine/models/onnx/graph.js';
import { readOnnxSummary } from '../../../electron/engine/models/onnx/reader.js';

describe('ONNX graph builder: float16 tensors', () => {
  it('writes float16 initializers and constants that onnxruntime computes with', async () => {
    const graph = createGraphBuilder('half');
    graph.input('x', 'float16', ['batch', 3]);
    graph.initializerFloat16('scale', [3], toFloat16Array([0.5, -2, 64]));
    graph.node('Constant', [], ['offset'], { value: attr.tensor({ dims: [1], data: { type: 'float16', values: toFloat16Array([0.25]) } }) });
    graph.node('Mul', ['x', 'scale'], ['scaled']);
    graph.node('Add', ['scaled', 'offset'], ['y']);
    graph.output('y', 'float16', ['batch', 3]);
    const bytes = graph.toBytes();

    const summary = readOnnxSummary(bytes);
    expect(summary.initializers).toEqual([{ name: 'scale', dims: [3], dataType: 'float16', externalData: null }]);
    expect(summary.inputs).toEqual([{ name: 'x', elemType: 'float16', dims: ['batch', 3] }]);

    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const result = await session.run({ x: new ort.Tensor('float16', toFloat16Array([1, 1, 1, 2, 3, 4]), [2, 3]) });
    expect(result.y.type).toBe('float16');
    expect([...fromFloat16Array(result.y.data as Uint16Array)]).toEqual([0.75, -1.75, 64.25, 1.25, -5.75, 256.25]);
    await session.release();
  });
});
