import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../electron/engine/errors.js';
import {
  attr,
  createGraphBuilder,
  onnxIrVersion,
  onnxOpsetVersion,
} from '../../../electron/engine/models/onnx/graph.js';
import { int64Constant, readOnnxFile, readOnnxSummary } from '../../../electron/engine/models/onnx/reader.js';
import { createRng } from '../../../electron/engine/util/rng.js';
import { timmVitFixtures } from '../../helpers/fixtures.js';

const fixtures = timmVitFixtures;

/** Exercises every attribute kind and both kinds of constants in a graph onnxruntime must accept. */
function smallGraph(): Uint8Array {
  const graph = createGraphBuilder('attribute-check');
  graph.input('x', 'float32', ['batch', 4]);
  graph.node('Constant', [], ['offsets'], { value_floats: attr.floats([1, 2, 3, 4]) });
  graph.node('Add', ['x', 'offsets'], ['shifted']);
  graph.node('LeakyRelu', ['shifted'], ['leaky'], { alpha: attr.float(0.5) });
  graph.node('Constant', [], ['pairs_shape'], {
    value: attr.tensor({ dims: [2], data: { type: 'int64', values: [-1, 2] } }),
  });
  graph.node('Reshape', ['leaky', 'pairs_shape'], ['pairs']);
  graph.node('Transpose', ['pairs'], ['columns'], { perm: attr.ints([1, 0]) });
  graph.initializerInt64('pads', [4], [0, 1, 0, 1]);
  graph.node('Pad', ['columns', 'pads'], ['padded'], { mode: attr.string('edge') });
  graph.output('padded', 'float32', [2, 'padded_width']);
  return graph.toBytes();
}

describe('ONNX graph builder', () => {
  it('writes a model onnxruntime runs with every attribute kind', async () => {
    const session = await ort.InferenceSession.create(smallGraph());
    const result = await session.run({ x: new ort.Tensor('float32', Float32Array.of(-4, -3, -2, -1), [1, 4]) });
    expect(result.padded.dims).toEqual([2, 4]);
    expect([...(result.padded.data as Float32Array)]).toEqual([-1.5, -1.5, 1, 1, -0.5, -0.5, 3, 3]);
  });

  it('is read back by readOnnxSummary', () => {
    const summary = readOnnxSummary(smallGraph());
    expect(summary.irVersion).toBe(onnxIrVersion);
    expect(summary.opsetVersion).toBe(onnxOpsetVersion);
    expect(summary.inputs).toEqual([{ name: 'x', elemType: 'float32', dims: ['batch', 4] }]);
    expect(summary.outputs).toEqual([{ name: 'padded', elemType: 'float32', dims: [2, 'padded_width'] }]);
    expect(summary.initializers).toEqual([{ name: 'pads', dims: [4], dataType: 'int64', externalData: null }]);
    expect(summary.opCounts).toEqual({ Constant: 2, Add: 1, LeakyRelu: 1, Reshape: 1, Transpose: 1, Pad: 1 });
    expect(int64Constant(summary, 'pairs_shape')).toEqual([-1, 2]);
    expect(int64Constant(summary, 'pads')).toEqual([0, 1, 0, 1]);
    expect(int64Constant(summary, 'offsets')).toBeNull();
    expect(summary.nodes.find((node) => node.opType === 'Reshape')).toMatchObject({
      inputs: ['leaky', 'pairs_shape'],
      outputs: ['pairs'],
    });
  });

  it('stores float32 initializers as raw data, from arrays or generated in chunks', async () => {
    const graph = createGraphBuilder('weights');
    graph.input('x', 'float32', ['rows', 3]);
    const length = 3 * 70_000;
    graph.initializerFloat32('w', [3, 70_000], {
      length,
      start: () => {
        let next = 0;
        return (chunk) => {
          for (let i = 0; i < chunk.length; i++) chunk[i] = (next++ % 7) - 3;
        };
      },
    });
    graph.initializerFloat32('scale', [], Float32Array.of(0.5));
    graph.node('MatMul', ['x', 'w'], ['product']);
    graph.node('Mul', ['product', 'scale'], ['y']);
    graph.output('y', 'float32', ['rows', 70_000]);
    const bytes = graph.toBytes();
    expect(bytes.length).toBeGreaterThan(length * 4);
    const summary = readOnnxSummary(bytes);
    expect(summary.floatScalars.get('scale')).toBe(0.5);
    const session = await ort.InferenceSession.create(bytes);
    const result = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 0, 0), [1, 3]) });
    const y = result.y.data as Float32Array;
    expect(y.length).toBe(70_000);
    for (const column of [0, 1, 6, 65_535, 65_536, 69_999]) expect(y[column]).toBe(((column % 7) - 3) * 0.5);
  });

  it('refuses to define a value twice and checks tensor sizes', () => {
    const graph = createGraphBuilder('twice');
    graph.input('x', 'float32', [1]);
    expect(() => graph.node('Identity', ['x'], ['x'])).toThrow(/defined twice/);
    expect(() => graph.initializerInt64('bad', [2, 2], [1, 2, 3])).toThrow(/3 values for dims \[2, 2\]/);
  });
});

describe('readOnnxSummary on real exports', () => {
  it('reads the TorchScript export', async () => {
    const summary = await readOnnxFile(join(fixtures, 'vit_e96_d4_h3_torchscript.onnx'));
    expect(summary.irVersion).toBe(8);
    expect(summary.opsetVersion).toBe(17);
    expect(summary.inputs).toEqual([{ name: 'pixel_values', elemType: 'float32', dims: ['batch', 3, 224, 224] }]);
    expect(summary.outputs).toEqual([{ name: 'logits', elemType: 'float32', dims: ['batch', 10] }]);
    expect(summary.initializers).toContainEqual({
      name: 'patch_embed.proj.weight',
      dims: [96, 3, 16, 16],
      dataType: 'float32',
      externalData: null,
    });
    expect(summary.opCounts).toMatchObject({ Softmax: 4, Erf: 4, LayerNormalization: 9, Conv: 1, Gemm: 1 });
    expect(int64Constant(summary, '/blocks/blocks.0/attn/Constant_4_output_0')).toEqual([32]);
  });

  it('reads the dynamo export and records where its external weights live', async () => {
    const summary = await readOnnxFile(join(fixtures, 'vit_e96_d4_h3_dynamo.onnx'));
    expect(summary.inputs).toEqual([{ name: 'pixel_values', elemType: 'float32', dims: [1, 3, 224, 224] }]);
    const positions = summary.initializers.find((initializer) => initializer.name === 'pos_embed');
    expect(positions).toEqual({
      name: 'pos_embed',
      dims: [1, 197, 96],
      dataType: 'float32',
      externalData: { location: 'vit_e96_d4_h3_dynamo.onnx.data', offsetBytes: 155_520, lengthBytes: 75_648 },
    });
    expect(summary.initializers.filter((initializer) => initializer.externalData !== null).length).toBeGreaterThan(20);
    expect(summary.opCounts).toMatchObject({ Softmax: 4, Gelu: 4 });
    const qkvReshape = summary.nodes.find((node) => node.opType === 'Reshape' && node.inputs[0] === 'linear');
    expect(int64Constant(summary, qkvReshape!.inputs[1])).toEqual([1, 197, 3, 3, 32]);
  });
});

describe('readOnnxFile errors', () => {
  let folder = '';
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'edgetune-onnx-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function failure(path: string): Promise<UserError> {
    try {
      await readOnnxFile(path);
    } catch (error) {
      if (error instanceof UserError) return error;
      throw error;
    }
    throw new Error(`${path} was accepted`);
  }

  it('names a missing file', async () => {
    const error = await failure(join(folder, 'missing.onnx'));
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain('missing.onnx does not exist');
  });

  it('says a text file is not an ONNX model', async () => {
    const path = join(folder, 'notes.onnx');
    await writeFile(path, 'This is a text file, not a model.\n');
    const error = await failure(path);
    expect(error.code).toBe('model-not-onnx');
    expect(error.message).toMatch(/^notes\.onnx is not an ONNX model \(could not parse protobuf/);
  });

  it('says random bytes are not an ONNX model', async () => {
    const rng = createRng(7);
    for (let attempt = 0; attempt < 5; attempt++) {
      const path = join(folder, `random-${attempt}.onnx`);
      await writeFile(path, Uint8Array.from({ length: 4096 }, () => rng.int(256)));
      expect((await failure(path)).message).toContain('is not an ONNX model (could not parse protobuf');
    }
  });

  it('rejects an empty file, a folder and an empty graph', async () => {
    const empty = join(folder, 'empty.onnx');
    await writeFile(empty, new Uint8Array(0));
    expect((await failure(empty)).code).toBe('model-not-onnx');

    const directory = join(folder, 'model.onnx');
    await mkdir(directory);
    expect((await failure(directory)).code).toBe('model-not-file');

    const graph = createGraphBuilder('nothing');
    graph.input('x', 'float32', [1]);
    const hollow = join(folder, 'hollow.onnx');
    await writeFile(hollow, graph.toBytes());
    const error = await failure(hollow);
    expect(error.code).toBe('model-empty-graph');
    expect(error.message).toContain('hollow.onnx has an empty graph');
  });
});
