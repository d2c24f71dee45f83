import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { resolveModel, type VitArchitecture } from '../../../../electron/engine/models/architectures.js';
import { buildImageVitOnnx, imageVitEmbeddingWeights } from '../../../../electron/engine/models/image-vit-onnx.js';
import { readOnnxSummary } from '../../../../electron/engine/models/onnx/reader.js';
import { buildVitOnnx } from '../../../../electron/engine/models/vit-onnx.js';
import { createSession, imageAt, maxAbsDifference, randomImages } from './helpers.js';
import { referencePatchEmbedding } from './reference-vittm.js';

/** [batch, tokens, width] embeddings: CLS then patch tokens, plus position embeddings. */
function referenceEmbeddings(images: ort.Tensor, arch: VitArchitecture, seed: number): Float32Array {
  const w = imageVitEmbeddingWeights(arch, { seed });
  const batch = images.dims[0];
  const out = new Float32Array(batch * arch.tokens * arch.width);
  for (let b = 0; b < batch; b++) {
    const patches = referencePatchEmbedding(imageAt(images, b), arch.imageSize, arch.patchSize, w.patchWeight, w.patchBias);
    const tokens = [Array.from(w.clsToken), ...patches];
    tokens.forEach((token, n) =>
      token.forEach((value, j) => {
        out[(b * arch.tokens + n) * arch.width + j] = value + w.positionEmbedding[n * arch.width + j];
      }),
    );
  }
  return out;
}

describe('image-input ViT', () => {
  it.each([
    ['vit-ti16', 2],
    ['dinov2-s14', 1],
  ])('%s equals the token-input encoder fed its patch, CLS and position embeddings (2 blocks)', async (id, blocks) => {
    const arch = resolveModel(id);
    const seed = 41;
    const built = buildImageVitOnnx(arch, { seed, blocks });
    expect(built).toMatchObject({ inputName: 'image', outputName: 'logits', imageSize: 224, tokens: arch.tokens });
    const summary = readOnnxSummary(built.bytes);
    expect(summary.inputs).toEqual([{ name: 'image', elemType: 'float32', dims: ['batch', 3, 224, 224] }]);
    expect(summary.outputs).toEqual([{ name: 'logits', elemType: 'float32', dims: ['batch', arch.classes] }]);
    const imageSession = await createSession(built.bytes);
    const tokenSession = await createSession(buildVitOnnx(arch, { part: 'encoder', seed, blocks }).bytes);
    for (const batch of [1, 2]) {
      const images = randomImages(batch, batch, arch.imageSize);
      const fromImage = (await imageSession.run({ image: images })).logits;
      expect(fromImage.dims).toEqual([batch, arch.classes]);
      const embeddings = new ort.Tensor('float32', referenceEmbeddings(images, arch, seed), [batch, arch.tokens, arch.width]);
      const fromTokens = (await tokenSession.run({ tokens: embeddings })).logits;
      expect(maxAbsDifference(fromImage.data as Float32Array, fromTokens.data as Float32Array)).toBeLessThanOrEqual(1e-4);
      expect(Math.max(...(fromImage.data as Float32Array).map(Math.abs))).toBeGreaterThan(1e-2);
    }
  });

  it('runs ViT-B/16 at full depth, batch 1 and 2', async () => {
    const arch = resolveModel('vit-b16');
    const session = await createSession(buildImageVitOnnx(arch, { seed: 1 }).bytes);
    for (const batch of [1, 2]) {
      const logits = (await session.run({ image: randomImages(batch, batch, 224) })).logits;
      expect(logits.dims).toEqual([batch, 1000]);
      expect((logits.data as Float32Array).every(Number.isFinite)).toBe(true);
    }
  });

  it('turns a patch size that does not divide the image into a UserError', () => {
    const arch = { ...resolveModel('vit-ti16'), patchSize: 15 };
    expect(() => buildImageVitOnnx(arch, { seed: 1 })).toThrow(expect.objectContaining({ code: 'bad-patch-size' }));
  });
});
