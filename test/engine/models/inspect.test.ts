import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModel } from '../../../electron/engine/models/architectures.js';
import { findTokenInput, inspectModel } from '../../../electron/engine/models/inspect.js';
import { attr, createGraphBuilder } from '../../../electron/engine/models/onnx/graph.js';
import { readOnnxFile, readOnnxSummary, type OnnxSummary } from '../../../electron/engine/models/onnx/reader.js';
import { buildVitOnnx } from '../../../electron/engine/models/vit-onnx.js';
import { userErrorOf } from '../../helpers/errors.js';
import { timmVitFixtures } from '../../helpers/fixtures.js';

const fixtures = timmVitFixtures;
const fixtureArchitecture = { family: 'vit', depth: 4, width: 96, heads: 3, mlpRatio: 4, patchSize: 16, tokens: 197 };


function tokenModel(dims: (number | string)[]): OnnxSummary {
  const graph = createGraphBuilder('tokens');
  graph.input('tokens', 'float32', dims);
  graph.node('Identity', ['tokens'], ['out']);
  graph.output('out', 'float32', dims);
  return readOnnxSummary(graph.toBytes());
}

describe('inspectModel on real timm exports', () => {
  it.each(['vit_e96_d4_h3_torchscript.onnx', 'vit_e96_d4_h3_dynamo.onnx'])('reads the architecture of %s', async (file) => {
    const inspection = inspectModel(await readOnnxFile(join(fixtures, file)));
    expect(inspection.vit).toEqual(fixtureArchitecture);
    expect(inspection.inputKind).toBe('image');
    expect(inspection.inputs[0].name).toBe('pixel_values');
    expect(inspection.outputs[0]).toMatchObject({ name: 'logits', elemType: 'float32' });
  });

  it('lists the external data file of the dynamo export', async () => {
    const inspection = inspectModel(await readOnnxFile(join(fixtures, 'vit_e96_d4_h3_dynamo.onnx')));
    expect(inspection.externalDataFiles).toEqual(['vit_e96_d4_h3_dynamo.onnx.data']);
    expect(inspection.opsetVersion).toBe(20);
  });
});

describe('inspectModel on token-input graphs', () => {
  it.each(['vit-ti16', 'dinov2-s14'])('recovers the shape of a built %s', (id) => {
    const arch = resolveModel(id);
    const inspection = inspectModel(readOnnxSummary(buildVitOnnx(arch, { part: 'encoder', seed: 1, blocks: 2 }).bytes));
    expect(inspection.inputKind).toBe('tokens');
    expect(inspection.vit).toEqual({
      family: arch.family,
      depth: 2,
      width: arch.width,
      heads: arch.heads,
      mlpRatio: 4,
      patchSize: null,
      tokens: null,
    });
  });

  function scaledAttention(scaleBoth: boolean, scale: number): OnnxSummary {
    const graph = createGraphBuilder('scaled');
    graph.input('tokens', 'float32', ['batch', 'tokens', 64]);
    graph.initializerFloat32('scale', [], Float32Array.of(scale));
    graph.node('Mul', ['tokens', 'scale'], ['q']);
    graph.node('Transpose', ['tokens'], ['k'], { perm: attr.ints([0, 2, 1]) });
    if (scaleBoth) graph.node('Mul', ['k', 'scale'], ['k_scaled']);
    graph.node('MatMul', ['q', scaleBoth ? 'k_scaled' : 'k'], ['scores']);
    graph.node('Softmax', ['scores'], ['attention'], { axis: attr.int(-1) });
    graph.output('attention', 'float32', ['batch', 'tokens', 'tokens']);
    return readOnnxSummary(graph.toBytes());
  }

  it('finds heads from the attention scale when no reshape shows them', () => {
    // head width 16 of 64: d^-¼ on q and k (dynamo), or d^-½ on q alone (older timm)
    expect(inspectModel(scaledAttention(true, 16 ** -0.25)).vit).toMatchObject({ depth: 1, width: 64, heads: 4 });
    expect(inspectModel(scaledAttention(false, 16 ** -0.5)).vit).toMatchObject({ depth: 1, width: 64, heads: 4 });
  });

  it('does not call a graph without attention a ViT', () => {
    expect(inspectModel(tokenModel(['batch', 'tokens', 16])).vit).toBeNull();
  });
});

describe('findTokenInput', () => {
  it('finds the dynamic token axis of a built model', () => {
    const built = buildVitOnnx(resolveModel('vit-ti16'), { part: 'block', seed: 1 });
    expect(findTokenInput(readOnnxSummary(built.bytes))).toEqual({ inputName: 'tokens', width: 192, tokenAxis: 1 });
    expect(findTokenInput(tokenModel([1, 'n', 32]))).toEqual({ inputName: 'tokens', width: 32, tokenAxis: 1 });
  });

  it('explains a fixed token axis', () => {
    const error = userErrorOf(() => findTokenInput(tokenModel(['batch', 197, 768]), 'model.onnx'));
    expect(error.code).toBe('no-dynamic-token-axis');
    expect(error.message).toBe(
      "model.onnx has no dynamic token axis: its input 'tokens' is fixed at 197; export with a dynamic axis or use `edgetune inspect`",
    );
    expect(error.fix).toContain('dynamic_axes');
  });

  it('explains that image-input models are not swept, and how to get a token-input one', async () => {
    const summary = await readOnnxFile(join(fixtures, 'vit_e96_d4_h3_torchscript.onnx'));
    const error = userErrorOf(() => findTokenInput(summary, 'vit.onnx'));
    expect(error.code).toBe('image-input-model');
    expect(error.message).toContain("vit.onnx takes images (input 'pixel_values' float32 [batch, 3, 224, 224])");
    expect(error.message).toContain('EdgeTune sweeps token-input models');
    expect(error.fix).toContain('[batch, tokens, width]');
  });

  it('explains a model with no float input at all', () => {
    const graph = createGraphBuilder('ids');
    graph.input('input_ids', 'int64', ['batch', 'sequence']);
    graph.node('Identity', ['input_ids'], ['out']);
    graph.output('out', 'int64', ['batch', 'sequence']);
    const error = userErrorOf(() => findTokenInput(readOnnxSummary(graph.toBytes()), 'bert.onnx'));
    expect(error.code).toBe('no-token-input');
    expect(error.message).toContain("'input_ids' int64 [batch, sequence]");
  });
});
