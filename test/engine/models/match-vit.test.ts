import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resolveModel, type VitArchitecture } from '../../../electron/engine/models/architectures.js';
import { buildImageVitOnnx } from '../../../electron/engine/models/image-vit-onnx.js';
import { matchVitArchitecture, sameShapeBuiltin } from '../../../electron/engine/models/match-vit.js';
import { attr, createGraphBuilder } from '../../../electron/engine/models/onnx/graph.js';
import { readOnnxFile, readOnnxSummary } from '../../../electron/engine/models/onnx/reader.js';
import { buildVitOnnx } from '../../../electron/engine/models/vit-onnx.js';
import { userErrorOf } from '../../helpers/errors.js';
import { timmVitFixtures } from '../../helpers/fixtures.js';

/** What the fixtures' README says timm built: image 224, patch 16, width 96, depth 4, 3 heads, MLP ratio 4, 10 classes. */
const fixtureArchitecture = {
  family: 'vit',
  depth: 4,
  width: 96,
  heads: 3,
  mlpRatio: 4,
  patchSize: 16,
  imageSize: 224,
  tokens: 197,
  classes: 10,
  layerScale: false,
};

describe('matchVitArchitecture on real timm exports', () => {
  it.each([
    ['vit_e96_d4_h3_torchscript.onnx', null],
    ['vit_e96_d4_h3_dynamo.onnx', 1],
  ])('recovers the architecture of %s and its input', async (file, batch) => {
    const match = matchVitArchitecture(await readOnnxFile(join(timmVitFixtures, file)), file);
    expect(match.architecture).toEqual({ id: 'vit-d4-w96-h3-p16', ...fixtureArchitecture });
    expect(match.input).toEqual({ name: 'pixel_values', batch });
    expect(match.builtin).toBeNull();
    expect(match.differences).toEqual([]);
  });

  it('builds a stand-in that takes the same image and gives the same logits shape', async () => {
    const match = matchVitArchitecture(await readOnnxFile(join(timmVitFixtures, 'vit_e96_d4_h3_torchscript.onnx')));
    const built = buildImageVitOnnx(match.architecture, { seed: 1 });
    const session = await ort.InferenceSession.create(built.bytes, { intraOpNumThreads: 1 });
    const image = new ort.Tensor('float32', new Float32Array(3 * 224 * 224).fill(0.5), [1, 3, 224, 224]);
    const outputs = await session.run({ [built.inputName]: image });
    expect(outputs.logits.dims).toEqual([1, 10]);
    await session.release();
  });
});

describe('matchVitArchitecture on generated image-input ViTs of several sizes', () => {
  const custom: VitArchitecture = {
    id: 'custom',
    family: 'vit',
    depth: 3,
    width: 128,
    heads: 4,
    mlpRatio: 2,
    patchSize: 32,
    imageSize: 224,
    tokens: 50,
    classes: 7,
    layerScale: false,
  };

  it.each(['vit-ti16', 'vit-s16', 'dinov2-s14'])('recovers %s exactly and names it', (id) => {
    const arch = resolveModel(id);
    const match = matchVitArchitecture(readOnnxSummary(buildImageVitOnnx(arch, { seed: 3 }).bytes), id);
    expect({ ...match.architecture, id: arch.id }).toEqual(arch);
    expect(match.builtin).toBe(id);
    expect(match.differences).toEqual([]);
  });

  it('recovers a shape no built-in has: 32-pixel patches, MLP ratio 2, 7 classes', () => {
    const match = matchVitArchitecture(readOnnxSummary(buildImageVitOnnx(custom, { seed: 1 }).bytes));
    expect({ ...match.architecture, id: 'custom' }).toEqual(custom);
    expect(match.builtin).toBeNull();
  });

  it('finds the built-in of the same shape, preferring the same family', () => {
    expect(sameShapeBuiltin({ ...resolveModel('deit-s16') })).toBe('deit-s16');
    expect(sameShapeBuiltin({ ...custom })).toBeNull();
  });
});

describe('models matchVitArchitecture does not understand', () => {
  it('sends a token-input model to the sweep instead', () => {
    const summary = readOnnxSummary(buildVitOnnx(resolveModel('vit-ti16'), { part: 'encoder', seed: 1, blocks: 1 }).bytes);
    const error = userErrorOf(() => matchVitArchitecture(summary, 'blocks.onnx'));
    expect(error.code).toBe('token-input-model');
    expect(error.fix).toContain('edgetune sweep --model blocks.onnx');
  });

  it('says what it expected from an image model without attention', () => {
    const graph = createGraphBuilder('cnn');
    graph.input('image', 'float32', ['batch', 3, 224, 224]);
    graph.initializerFloat32('conv.weight', [8, 3, 16, 16], new Float32Array(8 * 3 * 16 * 16));
    graph.node('Conv', ['image', 'conv.weight'], ['features'], { kernel_shape: attr.ints([16, 16]), strides: attr.ints([16, 16]) });
    graph.output('features', 'float32', ['batch', 8, 14, 14]);
    const error = userErrorOf(() => matchVitArchitecture(readOnnxSummary(graph.toBytes()), 'resnet.onnx'));
    expect(error.code).toBe('not-an-image-vit');
    expect(error.message).toMatch(/^resnet\.onnx: no attention found .*; EdgeTune expected an image-input ViT as timm or DeiT export it: one float32 input \[batch, 3, H, W\], a patch-embedding Conv/);
    expect(error.fix).toContain('edgetune inspect');
  });

  it('refuses a model with more than one input', () => {
    const graph = createGraphBuilder('two');
    graph.input('image', 'float32', ['batch', 3, 224, 224]);
    graph.input('mask', 'float32', ['batch', 196]);
    graph.node('Identity', ['image'], ['out']);
    graph.output('out', 'float32', ['batch', 3, 224, 224]);
    expect(userErrorOf(() => matchVitArchitecture(readOnnxSummary(graph.toBytes()))).message).toMatch(/it has 2 inputs/);
  });
});
