import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resolveModel, type VitArchitecture } from '../../../electron/engine/models/architectures.js';
import { readOnnxSummary } from '../../../electron/engine/models/onnx/reader.js';
import {
  buildVitOnnx,
  layerNormEpsilon,
  vitBlockWeights,
  vitHeadWeights,
  type VitBuildOptions,
} from '../../../electron/engine/models/vit-onnx.js';
import { createRng } from '../../../electron/engine/util/rng.js';
import { referenceBlock, referenceHead, toImages } from './reference-vit.js';

// Two cores are shared with other test runs: one thread each keeps timings of others honest.
const sessionOptions: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

async function sessionFor(arch: VitArchitecture, options: VitBuildOptions) {
  const built = buildVitOnnx(arch, options);
  return { built, session: await ort.InferenceSession.create(built.bytes, sessionOptions) };
}

function randomTokens(seed: number, batch: number, tokens: number, width: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: batch * tokens * width }, () => rng.normal());
}

async function run(session: ort.InferenceSession, input: Float32Array, dims: number[]): Promise<ort.Tensor> {
  const results = await session.run({ tokens: new ort.Tensor('float32', input, dims) });
  return results[session.outputNames[0]];
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe.each([
  ['vit-ti16', [1, 50, 197]],
  ['dinov2-s14', [1, 50, 257]],
])('%s graphs in onnxruntime', (id, tokenCounts) => {
  const arch = resolveModel(id);

  it('declare a dynamic token axis', () => {
    const built = buildVitOnnx(arch, { part: 'block', seed: 1 });
    expect(built).toMatchObject({ inputName: 'tokens', outputName: 'out', tokenAxis: 1, width: arch.width });
    const summary = readOnnxSummary(built.bytes);
    expect(summary.opsetVersion).toBe(17);
    expect(summary.inputs).toEqual([{ name: 'tokens', elemType: 'float32', dims: ['batch', 'tokens', arch.width] }]);
    expect(summary.outputs).toEqual([{ name: 'out', elemType: 'float32', dims: ['batch', 'tokens', arch.width] }]);
    expect(summary.opCounts.Gelu).toBeUndefined();
    expect(summary.opCounts.Erf).toBe(1);
  });

  it('run a block at every token count and batch, deterministically per seed', async () => {
    const { session } = await sessionFor(arch, { part: 'block', seed: 1 });
    const again = await sessionFor(arch, { part: 'block', seed: 1 });
    const other = await sessionFor(arch, { part: 'block', seed: 2 });
    for (const tokens of tokenCounts) {
      for (const batch of [1, 2]) {
        const dims = [batch, tokens, arch.width];
        const input = randomTokens(tokens * 10 + batch, batch, tokens, arch.width);
        const out = await run(session, input, dims);
        expect(out.dims).toEqual(dims);
        const values = out.data as Float32Array;
        expect(values.every(Number.isFinite)).toBe(true);
        expect(maxAbsDifference(values, input)).toBeGreaterThan(1e-3);
        expect((await run(again.session, input, dims)).data).toEqual(values);
        expect(maxAbsDifference((await run(other.session, input, dims)).data as Float32Array, values)).toBeGreaterThan(1e-3);
      }
    }
  });

  it('run the encoder to logits from the CLS token', async () => {
    const { built, session } = await sessionFor(arch, { part: 'encoder', seed: 3 });
    expect(built.outputName).toBe('logits');
    expect(readOnnxSummary(built.bytes).outputs).toEqual([{ name: 'logits', elemType: 'float32', dims: ['batch', 1000] }]);
    for (const tokens of tokenCounts) {
      for (const batch of [1, 2]) {
        const input = randomTokens(tokens + batch, batch, tokens, arch.width);
        const logits = await run(session, input, [batch, tokens, arch.width]);
        expect(logits.dims).toEqual([batch, arch.classes]);
        const values = logits.data as Float32Array;
        expect(values.every(Number.isFinite)).toBe(true);
        expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(1e-3);
      }
    }
  });
});

describe('block graph against a TypeScript reference', () => {
  const tiny: VitArchitecture = {
    id: 'tiny',
    family: 'vit',
    depth: 2,
    width: 8,
    heads: 2,
    mlpRatio: 4,
    patchSize: 16,
    imageSize: 224,
    tokens: 3,
    classes: 5,
    layerScale: false,
  };
  // Large weights make attention sharp and GELU nonlinear, so a mistake in either would show.
  const weightStd = 0.5;

  it.each([
    ['without LayerScale', tiny],
    ['with LayerScale', { ...tiny, id: 'tiny-ls', family: 'dinov2', layerScale: true } satisfies VitArchitecture],
  ])('agrees %s to 1e-4', async (_, arch) => {
    const seed = 11;
    const { session } = await sessionFor(arch, { part: 'block', seed, weightStd });
    const weights = vitBlockWeights(arch, { seed, index: 0, weightStd });
    const [batch, tokens] = [2, 3];
    const input = randomTokens(5, batch, tokens, arch.width);
    const out = (await run(session, input, [batch, tokens, arch.width])).data as Float32Array;
    const expected = toImages(input, batch, tokens, arch.width).flatMap((image) =>
      referenceBlock(image, arch, weights, layerNormEpsilon).flat(),
    );
    expect(maxAbsDifference(out, expected)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDifference(out, input)).toBeGreaterThan(0.1);
  });

  it('agrees for a two-block encoder with its head', async () => {
    const seed = 12;
    const { session } = await sessionFor(tiny, { part: 'encoder', seed, weightStd });
    const [batch, tokens] = [2, 4];
    const input = randomTokens(6, batch, tokens, tiny.width);
    const logits = (await run(session, input, [batch, tokens, tiny.width])).data as Float32Array;
    const blocks = [0, 1].map((index) => vitBlockWeights(tiny, { seed, index, weightStd }));
    const head = vitHeadWeights(tiny, { seed, weightStd });
    const expected = toImages(input, batch, tokens, tiny.width).flatMap((image) =>
      referenceHead(
        blocks.reduce((hidden, weights) => referenceBlock(hidden, tiny, weights, layerNormEpsilon), image),
        head,
        layerNormEpsilon,
      ),
    );
    expect(logits.length).toBe(batch * tiny.classes);
    expect(maxAbsDifference(logits, expected)).toBeLessThanOrEqual(1e-4);
  });

  it('stacks `blocks` blocks and gives the same weights to the same block in any graph', () => {
    const two = readOnnxSummary(buildVitOnnx(tiny, { part: 'encoder', seed: 1, blocks: 1 }).bytes);
    expect(two.opCounts.Softmax).toBe(1);
    const first = buildVitOnnx(tiny, { part: 'block', seed: 1 }).bytes;
    expect(buildVitOnnx(tiny, { part: 'block', seed: 1 }).bytes).toEqual(first);
    expect(() => buildVitOnnx(tiny, { part: 'encoder', seed: 1, blocks: 0 })).toThrow(RangeError);
    expect(() => buildVitOnnx({ ...tiny, heads: 3 }, { part: 'block', seed: 1 })).toThrow(/not divisible/);
  });

  it('draws N(0, std²) weights for large tensors', () => {
    const arch = resolveModel('vit-ti16');
    const { fc1Weight } = vitBlockWeights(arch, { seed: 4, index: 0 });
    const mean = fc1Weight.reduce((sum, value) => sum + value, 0) / fc1Weight.length;
    const variance = fc1Weight.reduce((sum, value) => sum + (value - mean) ** 2, 0) / fc1Weight.length;
    expect(Math.abs(mean)).toBeLessThan(1e-3);
    expect(Math.sqrt(variance)).toBeCloseTo(0.02, 3);
    expect(vitBlockWeights(arch, { seed: 4, index: 1 }).fc1Weight).not.toEqual(fc1Weight);
  });
});
