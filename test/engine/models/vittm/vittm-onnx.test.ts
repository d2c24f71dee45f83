import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readOnnxSummary } from '../../../../electron/engine/models/onnx/reader.js';
import { layerNormEpsilon } from '../../../../electron/engine/models/vit-onnx.js';
import {
  resolveVittm,
  vittmParameterCount,
  type VittmArchitecture,
} from '../../../../electron/engine/models/vittm/architectures.js';
import {
  buildLinearAttentionOnnx,
  buildVittmOnnx,
  linearAttentionEpsilon,
  linearAttentionWeights,
  vittmWeights,
  type VittmWeights,
} from '../../../../electron/engine/models/vittm/vittm-onnx.js';
import { createSession, imageAt, maxAbsDifference, randomImages, randomValues } from './helpers.js';
import { referenceLinearAttention, referenceVittm, type Matrix } from './reference-vittm.js';

function rows(data: Float32Array, batchIndex: number, tokens: number, width: number): Matrix {
  return Array.from({ length: tokens }, (_, n) => {
    const start = (batchIndex * tokens + n) * width;
    return Array.from(data.subarray(start, start + width));
  });
}

// Large weights make the feature maps and attention sharp, so a wrong axis or a missing +1 would show.
const weightStd = 0.5;

describe('linear-attention read/write head', () => {
  const shape = { width: 16, heads: 2, latentWidth: 4 };

  it.each([
    ['read: 12 memory tokens into 5 process tokens', 12, 5],
    ['write: 5 process tokens into 12 memory tokens', 5, 12],
  ])('agrees with a TypeScript reference to 1e-4 (%s)', async (_, inputTokens, queryTokens) => {
    const seed = 21;
    const name = 'write_head.1';
    const head = buildLinearAttentionOnnx(shape, { seed, name, weightStd });
    const session = await createSession(head.bytes);
    const batch = 2;
    const input = randomValues(1, batch * inputTokens * shape.width);
    const query = randomValues(2, batch * queryTokens * shape.width);
    const result = await session.run({
      input: new ort.Tensor('float32', input, [batch, inputTokens, shape.width]),
      query: new ort.Tensor('float32', query, [batch, queryTokens, shape.width]),
    });
    const out = result[head.outputName];
    expect(out.dims).toEqual([batch, queryTokens, shape.width]);
    const weights = linearAttentionWeights(shape, { seed, name, weightStd });
    const expected = Array.from({ length: batch }, (__, b) =>
      referenceLinearAttention(
        rows(input, b, inputTokens, shape.width),
        rows(query, b, queryTokens, shape.width),
        shape,
        weights,
        linearAttentionEpsilon,
      ).flat(),
    ).flat();
    expect(maxAbsDifference(out.data as Float32Array, expected)).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('has q, k and v but no output projection, as the official forward pass', () => {
    const names = readOnnxSummary(buildLinearAttentionOnnx(shape, { seed: 1 }).bytes).initializers.map((init) => init.name);
    const weights = names.filter((name) => !name.startsWith('const.')).sort();
    expect(weights).toEqual(['k.bias', 'k.weight', 'q.bias', 'q.weight', 'v.bias', 'v.weight'].map((name) => `read_head.0.${name}`));
  });

  it('rejects a latent width that does not split into heads', () => {
    expect(() => buildLinearAttentionOnnx({ width: 16, heads: 3, latentWidth: 6 }, { seed: 1 })).toThrow(/heads/);
  });
});

/**
 * Norms start at γ = 1, β = 0, which makes LN(LN(x)) = LN(x) and every norm look alike: random γ and
 * β make a norm applied twice, skipped, or taken from the wrong layer show in the output.
 */
function withDistinctNorms(weights: VittmWeights): { weights: VittmWeights; overrides: Map<string, Float32Array> } {
  const overrides = new Map<string, Float32Array>();
  let seed = 100;
  const distinct = (name: string, center: number): Float32Array => {
    const values = randomValues(seed++, weights.output.processNormWeight.length).map((value) => center + 0.3 * value);
    overrides.set(name, values);
    return values;
  };
  const norm = (name: string) => ({ weight: distinct(`${name}.weight`, 1), bias: distinct(`${name}.bias`, 0) });
  const layers = weights.layers.map((layer, index) => {
    const [read, write] = [norm(`read_norm.${index}`), norm(`write_norm.${index}`)];
    return { ...layer, readNormWeight: read.weight, readNormBias: read.bias, writeNormWeight: write.weight, writeNormBias: write.bias };
  });
  const [processNorm, memoryFcNorm, processFcNorm] = [norm('process_norm'), norm('fc_norm'), norm('fc_norm_process')];
  const output = {
    ...weights.output,
    processNormWeight: processNorm.weight,
    processNormBias: processNorm.bias,
    memoryFcNormWeight: memoryFcNorm.weight,
    memoryFcNormBias: memoryFcNorm.bias,
    processFcNormWeight: processFcNorm.weight,
    processFcNormBias: processFcNorm.bias,
  };
  return { weights: { ...weights, layers, output }, overrides };
}

describe('tiny ViTTM against a TypeScript reference', () => {
  const tiny: VittmArchitecture = {
    id: 'vittm-tiny',
    family: 'vittm',
    depth: 2,
    width: 8,
    heads: 2,
    mlpRatio: 4,
    latentWidth: 4,
    imageSize: 32,
    classes: 5,
    memoryPatchSize: 8,
    memoryTokens: 16,
    processPatchSize: 16,
    processTokens: 4,
  };

  it.each([
    ['16 memory / 4 process tokens', tiny],
    ['pooled streams: 11 memory tokens from a 16-token grid, 3 process from 4', { ...tiny, memoryTokens: 11, processTokens: 3 }],
    ['equal grids, as in 28/28', { ...tiny, processPatchSize: 8, processTokens: 16 }],
  ])('gives both heads to 1e-4 (%s)', async (_, arch) => {
    const seed = 31;
    const { weights, overrides } = withDistinctNorms(vittmWeights(arch, { seed, weightStd }));
    const built = buildVittmOnnx(arch, { seed, weightStd, overrides });
    const session = await createSession(built.bytes);
    const batch = 2;
    const images = randomImages(7, batch, arch.imageSize);
    const result = await session.run({ [built.inputName]: images });
    const expected = Array.from({ length: batch }, (__, b) =>
      referenceVittm(imageAt(images, b), arch, weights, { layerNorm: layerNormEpsilon, linearAttention: linearAttentionEpsilon }),
    );
    const memory = result.memory_logits.data as Float32Array;
    const process = result.process_logits.data as Float32Array;
    expect(maxAbsDifference(memory, expected.flatMap((image) => image.memoryLogits))).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDifference(process, expected.flatMap((image) => image.processLogits))).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDifference(memory, process)).toBeGreaterThan(0.1);
  });

  it('holds exactly the parameters vittmParameterCount counts, one read and one write norm per layer', () => {
    const summary = readOnnxSummary(buildVittmOnnx(tiny, { seed: 1 }).bytes);
    const parameters = summary.initializers.filter((init) => init.dataType === 'float32' && !init.name.startsWith('const.'));
    const count = parameters.reduce((sum, init) => sum + init.dims.reduce((product, dim) => product * dim, 1), 0);
    expect(count).toBe(vittmParameterCount(tiny));
    const norms = parameters.map((init) => init.name).filter((name) => /^(read|write)_norm\.\d+\.weight$/.test(name));
    expect(norms.sort()).toEqual(['read_norm.0.weight', 'read_norm.1.weight', 'write_norm.0.weight', 'write_norm.1.weight']);
    expect(summary.opCounts.Softmax).toBe(tiny.depth);
    expect(summary.opCounts.Elu).toBe(4 * tiny.depth);
  });

  it('turns a patch size that does not divide the image into a UserError', () => {
    expect(() => buildVittmOnnx({ ...tiny, memoryPatchSize: 6 }, { seed: 1 })).toThrow(expect.objectContaining({ code: 'bad-patch-size' }));
    expect(() => buildVittmOnnx({ ...tiny, processTokens: 5 }, { seed: 1 })).toThrow(expect.objectContaining({ code: 'bad-token-count' }));
  });
});

async function runShapes(arch: VittmArchitecture, batches: readonly number[], seed = 1) {
  const built = buildVittmOnnx(arch, { seed });
  expect(readOnnxSummary(built.bytes).outputs).toEqual(
    built.outputNames.map((name) => ({ name, elemType: 'float32', dims: ['batch', arch.classes] })),
  );
  const session = await createSession(built.bytes);
  const outputs: Float32Array[][] = [];
  for (const batch of batches) {
    const result = await session.run({ image: randomImages(batch, batch, arch.imageSize) });
    for (const name of built.outputNames) {
      expect(result[name].dims).toEqual([batch, arch.classes]);
      expect((result[name].data as Float32Array).every(Number.isFinite)).toBe(true);
    }
    outputs.push(built.outputNames.map((name) => result[name].data as Float32Array));
  }
  return { session, outputs };
}

describe('built-in ViTTMs in onnxruntime', () => {
  it.each([
    ['16/32', { patchSetting: '16/32' as const }, 196, 49],
    ['28/28', { patchSetting: '28/28' as const }, 64, 64],
    ['100 memory and 36 process tokens (pooled from the 16- and 32-px grids)', { memoryTokens: 100, processTokens: 36 }, 100, 36],
    ['custom patch sizes 14/56', { memoryPatchSize: 14, processPatchSize: 56 }, 256, 16],
  ])('ViTTM-Ti runs %s at batch 1 and 2', async (_, options, memoryTokens, processTokens) => {
    const arch = resolveVittm('vittm-ti', options);
    expect([arch.memoryTokens, arch.processTokens]).toEqual([memoryTokens, processTokens]);
    await runShapes(arch, [1, 2]);
  });

  it('ViTTM-Ti is deterministic per seed and its two heads differ', async () => {
    const arch = resolveVittm('vittm-ti');
    const first = buildVittmOnnx(arch, { seed: 5, layers: 2 });
    // toEqual walks typed arrays element by element: megabytes take a minute, Buffer.equals a millisecond
    expect(Buffer.from(buildVittmOnnx(arch, { seed: 5, layers: 2 }).bytes).equals(first.bytes)).toBe(true);
    const images = randomImages(9, 1, arch.imageSize);
    const [a, b, other] = await Promise.all(
      [first.bytes, buildVittmOnnx(arch, { seed: 5, layers: 2 }).bytes, buildVittmOnnx(arch, { seed: 6, layers: 2 }).bytes].map(
        async (bytes) => (await createSession(bytes)).run({ image: images }),
      ),
    );
    expect(a.memory_logits.data).toEqual(b.memory_logits.data);
    expect(a.process_logits.data).toEqual(b.process_logits.data);
    expect(maxAbsDifference(a.memory_logits.data as Float32Array, other.memory_logits.data as Float32Array)).toBeGreaterThan(1e-3);
    expect(maxAbsDifference(a.memory_logits.data as Float32Array, a.process_logits.data as Float32Array)).toBeGreaterThan(1e-3);
  });

  it.each(['16/32', '28/28'] as const)('ViTTM-B (%s) gives two [batch, 1000] heads at batch 1 and 2', async (patchSetting) => {
    await runShapes(resolveVittm('vittm-b', { patchSetting }), [1, 2]);
  });
});
