import { afterAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../../../electron/engine/align/image.js';
import { rewardFromSpec } from '../../../electron/engine/align/reward-spec.js';
import { clipNormalisation, createClipReward } from '../../../electron/engine/align/rewards/clip.js';
import { createOnnxScorer } from '../../../electron/engine/align/rewards/onnx-scorer.js';
import type { ModelReward } from '../../../electron/engine/align/rewards/onnx-session.js';
import { isUserError, type UserError } from '../../../electron/engine/errors.js';
import { noiseImage, solidImage } from './images.js';
import { meanColourModel, meanTokenModel } from './tiny-models.js';

const sessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
const opened: ModelReward[] = [];
afterAll(async () => {
  for (const reward of opened) await reward.release();
});

async function keep<T extends ModelReward>(reward: Promise<T>): Promise<T> {
  const ready = await reward;
  opened.push(ready);
  return ready;
}

async function userErrorOfAsync(action: () => Promise<unknown>): Promise<UserError> {
  try {
    await action();
  } catch (error) {
    if (isUserError(error)) return error;
    throw error;
  }
  throw new Error('expected a UserError');
}

function channelMean(image: RgbImage, channel: number): number {
  let sum = 0;
  for (let i = channel; i < image.data.length; i += 3) sum += image.data[i];
  return sum / (image.width * image.height) / 255;
}

// 8×6 images into a 4×3 model input: an exact factor-2 downsampling, which preserves channel means.
const images = [noiseImage(8, 6, 1), noiseImage(8, 6, 2), solidImage(8, 6, [255, 0, 0]), noiseImage(8, 6, 3), solidImage(8, 6, [20, 40, 60])];

describe('ONNX image → score reward', () => {
  it('matches the closed form: the normalised mean of the red channel', async () => {
    const reward = await keep(
      createOnnxScorer({ name: 'redness', model: meanColourModel(), mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], outputIndex: 0, sessionOptions }),
    );
    expect(reward.direction).toBe('max');
    expect(reward.description).toContain("output 'scores'[0], input 4×3 NCHW");
    const scores = await reward.score(images);
    scores.values.forEach((value, index) => expect(value).toBeCloseTo((channelMean(images[index], 0) - 0.5) / 0.25, 5));
    expect(scores.violations).toEqual(images.map(() => 0));
  });

  it('reads the declared output index, in batches of any size, and from NHWC models', async () => {
    const blue = await keep(createOnnxScorer({ name: 'blueness', model: meanColourModel(), outputIndex: 2, batchSize: 2, sessionOptions }));
    const values = (await blue.score(images)).values;
    values.forEach((value, index) => expect(value).toBeCloseTo(channelMean(images[index], 2), 5));
    const nhwc = await keep(
      createOnnxScorer({ name: 'blue-nhwc', model: meanColourModel({ layout: 'nhwc' }), layout: 'nhwc', outputIndex: 2, sessionOptions }),
    );
    (await nhwc.score(images)).values.forEach((value, index) => expect(value).toBeCloseTo(values[index], 6));
  });

  it('runs a model with a fixed batch of 1 image by image, and takes a dynamic size from the declaration', async () => {
    const single = await keep(createOnnxScorer({ name: 'single', model: meanColourModel({ batch: 1 }), sessionOptions }));
    const dynamic = await keep(
      createOnnxScorer({ name: 'dynamic', model: meanColourModel({ height: 'h', width: 'w' }), width: 16, height: 12, sessionOptions }),
    );
    const expected = images.map((image) => channelMean(image, 0));
    (await single.score(images)).values.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
    // upsampling 8×6 → 16×12 by exactly 2 also preserves the mean
    (await dynamic.score(images)).values.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
  });

  it('is usable from a reward spec by its name', async () => {
    const model = await keep(createOnnxScorer({ name: 'aesthetic', model: meanColourModel(), sessionOptions }));
    const reward = rewardFromSpec('aesthetic,brightness in [0.1,0.9]', [model]);
    const scores = await reward.score(images);
    expect(scores.values[2]).toBeCloseTo(1, 5);
  });

  it('explains a model that does not fit what was declared', async () => {
    const wrongSize = await userErrorOfAsync(() => createOnnxScorer({ name: 'x', model: meanColourModel(), width: 224, sessionOptions }));
    expect(wrongSize.message).toBe("the 'x' reward model's input 'pixels' is fixed at width 4, but 224 was declared");
    expect(wrongSize.fix).toBe("declare width 4, or leave it out to use the model's own");

    const noSize = await userErrorOfAsync(() => createOnnxScorer({ name: 'x', model: meanColourModel({ height: 'h', width: 'w' }), sessionOptions }));
    expect(noSize.message).toContain("has a dynamic width, and none was declared");

    const wrongLayout = await userErrorOfAsync(() =>
      createOnnxScorer({ name: 'x', model: meanColourModel({ layout: 'nhwc', height: 6, width: 8 }), sessionOptions }),
    );
    expect(wrongLayout.message).toContain('6 channels where layout nchw puts the 3 RGB channels');
    expect(wrongLayout.fix).toContain('declare layout nhwc');

    const outOfRange = await keep(createOnnxScorer({ name: 'x', model: meanColourModel(), outputIndex: 3, sessionOptions }));
    const index = await userErrorOfAsync(() => outOfRange.score(images));
    expect(index.message).toBe("the 'x' reward model gives 3 values per image; output index 3 does not exist");

    const missing = await userErrorOfAsync(() => createOnnxScorer({ name: 'x', model: '/nonexistent/scorer.onnx' }));
    expect(missing.code).toBe('reward-model-not-found');
    expect(missing.message).toContain('/nonexistent/scorer.onnx: ENOENT');

    const garbage = await userErrorOfAsync(() => createOnnxScorer({ name: 'x', model: Uint8Array.of(1, 2, 3, 4) }));
    expect(garbage.code).toBe('reward-model-invalid');

    const badOutput = await userErrorOfAsync(() => createOnnxScorer({ name: 'x', model: meanColourModel(), outputName: 'logits' }));
    expect(badOutput.message).toBe("the 'x' reward model has no output named 'logits'; its outputs are 'scores'");
  });
});

describe('CLIP-style reward', () => {
  const table = [
    [0, 0, 0],
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 1, 1],
  ];
  const identity = { mean: [0, 0, 0] as const, std: [1, 1, 1] as const };
  const rgbMeans = (image: RgbImage) => [0, 1, 2].map((channel) => channelMean(image, channel));
  const cos = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i], 0) / (Math.hypot(...a) * Math.hypot(...b));

  it('cosine between the image embedding and a precomputed text embedding', async () => {
    const reward = await keep(createClipReward({ imageEncoder: meanColourModel(), ...identity, text: { embedding: [1, 0, 0] }, sessionOptions }));
    expect(reward.name).toBe('clip');
    expect(reward.direction).toBe('max');
    const values = (await reward.score(images)).values;
    values.forEach((value, index) => expect(value).toBeCloseTo(cos(rgbMeans(images[index]), [1, 0, 0]), 5));
    expect(values[2]).toBeCloseTo(1, 6); // pure red
  });

  it('uses CLIP normalisation unless told otherwise', async () => {
    const reward = await keep(createClipReward({ imageEncoder: meanColourModel(), text: { embedding: [0, 1, 1] }, sessionOptions }));
    const values = (await reward.score(images)).values;
    values.forEach((value, index) => {
      const normalised = rgbMeans(images[index]).map((mean, c) => (mean - clipNormalisation.mean[c]) / clipNormalisation.std[c]);
      expect(value).toBeCloseTo(cos(normalised, [0, 1, 1]), 5);
    });
  });

  it('encodes the prompt’s token ids with a text encoder once', async () => {
    // tokens 1, 4, 4 → mean of rows (1,0,0), (1,1,1), (1,1,1) = (1, ⅔, ⅔)
    const reward = await keep(
      createClipReward({ imageEncoder: meanColourModel(), ...identity, text: { encoder: meanTokenModel(table), tokenIds: [1, 4, 4] }, sessionOptions }),
    );
    const values = (await reward.score(images)).values;
    values.forEach((value, index) => expect(value).toBeCloseTo(cos(rgbMeans(images[index]), [1, 2 / 3, 2 / 3]), 5));
  });

  it('feeds an attention mask when the text encoder has one', async () => {
    // padded to 4 tokens; the mask leaves out the padding (token 3, blue)
    const reward = await keep(
      createClipReward({
        imageEncoder: meanColourModel(),
        ...identity,
        text: { encoder: meanTokenModel(table, { attentionMask: true, length: 4 }), tokenIds: [1, 2, 3, 3], attentionMask: [1, 1, 0, 0] },
        sessionOptions,
      }),
    );
    const values = (await reward.score(images)).values;
    values.forEach((value, index) => expect(value).toBeCloseTo(cos(rgbMeans(images[index]), [0.5, 0.5, 0]), 5));
  });

  it('explains token and embedding mismatches', async () => {
    const length = await userErrorOfAsync(() =>
      createClipReward({ imageEncoder: meanColourModel(), text: { encoder: meanTokenModel(table, { length: 77 }), tokenIds: [1, 2] } }),
    );
    expect(length.message).toBe('the CLIP text encoder takes exactly 77 tokens; got 2');
    expect(length.fix).toContain('pad (or truncate) the token ids to 77');

    const widths = await keep(createClipReward({ imageEncoder: meanColourModel(), text: { embedding: [1, 0, 0, 0] }, sessionOptions }));
    const mismatch = await userErrorOfAsync(() => widths.score(images));
    expect(mismatch.message).toContain('gives 3-value embeddings but the text embedding has 4');

    const zero = await userErrorOfAsync(() => createClipReward({ imageEncoder: meanColourModel(), text: { embedding: [0, 0, 0] } }));
    expect(zero.code).toBe('reward-text-embedding');
  });

  it('returns NaN, not a number, for an image whose embedding is zero', async () => {
    const reward = await keep(createClipReward({ imageEncoder: meanColourModel(), ...identity, text: { embedding: [1, 0, 0] }, sessionOptions }));
    const [value] = (await reward.score([solidImage(8, 6, [0, 0, 0])])).values;
    expect(Number.isNaN(value)).toBe(true);
  });
});
