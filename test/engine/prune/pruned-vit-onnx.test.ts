import { describe, expect, it } from 'vitest';
import type { VitArchitecture } from '../../../electron/engine/models/architectures.js';
import { buildVitOnnx, layerNormEpsilon, vitBlockWeights, vitHeadWeights } from '../../../electron/engine/models/vit-onnx.js';
import { readOnnxSummary } from '../../../electron/engine/models/onnx/reader.js';
import {
  buildPrunedVitOnnx,
  removalsPerLayer,
  tokensAfterLayers,
  type TokenReduction,
} from '../../../electron/engine/prune/index.js';
import { toImages } from '../models/reference-vit.js';
import { createSession, imageRows, maxAbsDifference, randomTokens, runTokens } from './onnx-session.js';
import { referencePrunedEncoder, type ReferenceReduction } from './reference-prune.js';

const tiny: VitArchitecture = {
  id: 'tiny',
  family: 'vit',
  depth: 4,
  width: 8,
  heads: 2,
  mlpRatio: 4,
  patchSize: 16,
  imageSize: 224,
  tokens: 13,
  classes: 5,
  layerScale: false,
};

const reductions: readonly [string, TokenReduction][] = [
  ['POMT, two layers', { method: 'pomt', layers: [{ layer: 0, remove: 3 }, { layer: 2, remove: 4 }] }],
  ['Top-K', { method: 'topk', perLayer: 2 }],
  ['ToMe', { method: 'tome', perLayer: 3 }],
];

describe('pruned encoder graphs', () => {
  it.each(reductions)('%s: every layer hands on the counted tokens, for batch 1 and 2 and other input counts', async (_, reduction) => {
    const built = buildPrunedVitOnnx(tiny, { ...reduction, seed: 2, layerOutputs: true });
    expect(built.tokensAfterLayer).toEqual(tokensAfterLayers(reduction, { depth: tiny.depth, inputTokens: tiny.tokens }));
    expect(built.layerOutputs).toHaveLength(tiny.depth);
    const session = await createSession(built.bytes);
    // the token axis stays symbolic: the same graph reduces other counts by the same rule
    for (const inputTokens of [tiny.tokens, 21]) {
      const expected = tokensAfterLayers(reduction, { depth: tiny.depth, inputTokens });
      for (const batch of [1, 2]) {
        const outputs = await runTokens(session, randomTokens(batch + inputTokens, batch, inputTokens, tiny.width), [batch, inputTokens, tiny.width]);
        expect(outputs.logits.dims).toEqual([batch, tiny.classes]);
        built.layerOutputs.forEach((names, layer) => {
          expect(outputs[names.tokens].dims).toEqual([batch, expected[layer], tiny.width]);
          if (names.sizes !== undefined) {
            const sizes = outputs[names.sizes];
            expect(sizes.dims).toEqual([batch, expected[layer], 1]);
            // every input token is counted exactly once
            for (let image = 0; image < batch; image++) {
              expect(imageRows(sizes, image).flat().reduce((sum, size) => sum + size, 0)).toBe(inputTokens);
            }
          }
        });
      }
    }
  });

  it.each([
    ['POMT', { method: 'pomt', layers: [{ layer: 0, remove: 7 }] }, [3, 3, 3, 3]],
    ['Top-K', { method: 'topk', perLayer: 2 }, [8, 6, 4, 2]],
    // layer 3 is entered with CLS and one token: nothing to match (onnxruntime's TopK dies of SIGFPE on such empty input)
    ['ToMe', { method: 'tome', perLayer: 4 }, [5, 3, 2, 2]],
  ] satisfies [string, TokenReduction, number[]][])('%s runs down to the fewest tokens it allows', async (_, reduction, counts) => {
    const inputTokens = reduction.method === 'tome' ? 9 : 10;
    const built = buildPrunedVitOnnx(tiny, { ...reduction, seed: 6, layerOutputs: true, inputTokens });
    expect(built.tokensAfterLayer).toEqual(counts);
    const dims = [2, inputTokens, tiny.width];
    const outputs = await runTokens(await createSession(built.bytes), randomTokens(3, 2, inputTokens, tiny.width), dims);
    expect(built.layerOutputs.map((names) => outputs[names.tokens].dims[1])).toEqual(counts);
    expect((outputs.logits.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('the ToMe graph declares token sizes from its first merge on', () => {
    const built = buildPrunedVitOnnx(tiny, { method: 'tome', perLayer: 1, seed: 1, layerOutputs: true });
    expect(built.layerOutputs.every((names) => names.sizes !== undefined)).toBe(true);
    expect(readOnnxSummary(built.bytes).outputs.map((output) => output.name)).toContain('blocks.0/tome/sizes');
    expect(buildPrunedVitOnnx(tiny, { method: 'tome', perLayer: 0, seed: 1, layerOutputs: true }).layerOutputs[0].sizes).toBeUndefined();
  });

  it.each([
    ['POMT with an empty schedule', { method: 'pomt', layers: [] }],
    ['POMT removing 0', { method: 'pomt', layers: [{ layer: 1, remove: 0 }] }],
    ['Top-K with r = 0', { method: 'topk', perLayer: 0 }],
    ['ToMe with r = 0', { method: 'tome', perLayer: 0 }],
  ] satisfies [string, TokenReduction][])('%s computes exactly what the unpruned graph computes', async (_, reduction) => {
    const weightStd = 0.5;
    const baseline = await createSession(buildVitOnnx(tiny, { part: 'encoder', seed: 5, weightStd }).bytes);
    const pruned = await createSession(buildPrunedVitOnnx(tiny, { ...reduction, seed: 5, weightStd }).bytes);
    const dims = [2, tiny.tokens, tiny.width];
    const input = randomTokens(9, 2, tiny.tokens, tiny.width);
    const expected = (await runTokens(baseline, input, dims)).logits.data as Float32Array;
    const actual = (await runTokens(pruned, input, dims)).logits.data as Float32Array;
    expect(maxAbsDifference(actual, expected)).toBeLessThanOrEqual(1e-6);
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(1e-2);
  });

  it('`blocks` builds a prefix of the pruned model', async () => {
    const reduction: TokenReduction = { method: 'tome', perLayer: 2 };
    const full = buildPrunedVitOnnx(tiny, { ...reduction, seed: 3, layerOutputs: true });
    const prefix = buildPrunedVitOnnx(tiny, { ...reduction, seed: 3, layerOutputs: true, blocks: 2 });
    expect(prefix.tokensAfterLayer).toEqual(full.tokensAfterLayer.slice(0, 2));
    const input = randomTokens(4, 2, tiny.tokens, tiny.width);
    const dims = [2, tiny.tokens, tiny.width];
    const fullOut = await runTokens(await createSession(full.bytes), input, dims);
    const prefixOut = await runTokens(await createSession(prefix.bytes), input, dims);
    expect(prefixOut[prefix.layerOutputs[1].tokens].data).toEqual(fullOut[full.layerOutputs[1].tokens].data);
    expect(() => buildPrunedVitOnnx(tiny, { ...reduction, seed: 3, blocks: 5 })).toThrow(RangeError);
  });

  it('refuses weight overrides that name no tensor of the graph', () => {
    const weights = new Map([['blocks.0.attn.qkv.weigth', new Float32Array(8 * 24)]]);
    expect(() => buildPrunedVitOnnx(tiny, { method: 'topk', perLayer: 1, seed: 1, weights })).toThrow(/names no tensor/);
  });

  it('refuses impossible requests before building anything', () => {
    expect(() => buildPrunedVitOnnx(tiny, { method: 'pomt', layers: [{ layer: 4, remove: 1 }], seed: 1 })).toThrow(/layer 4 does not exist/);
    expect(() => buildPrunedVitOnnx(tiny, { method: 'topk', perLayer: 3, seed: 1 })).toThrow(/Top-K dropping 3 tokens/);
    expect(() => buildPrunedVitOnnx(tiny, { method: 'tome', perLayer: 7, seed: 1 })).toThrow(/cannot merge 7/);
  });
});

describe('pruned encoder graphs against a TypeScript reference', () => {
  // Large weights make attention sharp and scores spread out, so a wrong choice of tokens would show.
  const weightStd = 0.5;
  const arch: VitArchitecture = { ...tiny, depth: 3, tokens: 11 };

  const cases: readonly [string, VitArchitecture, TokenReduction][] = [
    ['POMT, two layers', arch, { method: 'pomt', layers: [{ layer: 0, remove: 3 }, { layer: 2, remove: 2 }] }],
    ['POMT with LayerScale', { ...arch, id: 'tiny-ls', family: 'dinov2', layerScale: true }, { method: 'pomt', layers: [{ layer: 1, remove: 4 }] }],
    ['Top-K', arch, { method: 'topk', perLayer: 2 }],
    ['ToMe (sizes and proportional attention)', arch, { method: 'tome', perLayer: 3 }],
  ];

  it.each(cases)('%s agrees layer by layer and in the logits', async (_, model, reduction) => {
    const seed = 21;
    const built = buildPrunedVitOnnx(model, { ...reduction, seed, weightStd, layerOutputs: true });
    const session = await createSession(built.bytes);
    const [batch, tokens] = [2, model.tokens];
    const input = randomTokens(8, batch, tokens, model.width);
    const outputs = await runTokens(session, input, [batch, tokens, model.width]);

    const blocks = Array.from({ length: model.depth }, (_, index) => vitBlockWeights(model, { seed, index, weightStd }));
    const head = vitHeadWeights(model, { seed, weightStd });
    const referenceReduction: ReferenceReduction =
      reduction.method === 'pomt'
        ? { method: 'pomt', removals: removalsPerLayer(reduction, { depth: model.depth, inputTokens: tokens }) }
        : { method: reduction.method, perLayer: reduction.perLayer ?? 0 };
    toImages(input, batch, tokens, model.width).forEach((image, index) => {
      const expected = referencePrunedEncoder(image, model, blocks, head, referenceReduction, layerNormEpsilon);
      built.layerOutputs.forEach((names, layer) => {
        expect(maxAbsDifference(imageRows(outputs[names.tokens], index).flat(), expected.layers[layer].flat())).toBeLessThanOrEqual(1e-4);
        if (names.sizes !== undefined) expect(imageRows(outputs[names.sizes], index).flat()).toEqual(expected.sizes[layer]);
      });
      const logits = (outputs.logits.data as Float32Array).subarray(index * model.classes, (index + 1) * model.classes);
      expect(maxAbsDifference(logits, expected.logits)).toBeLessThanOrEqual(1e-4);
    });
  });
});
