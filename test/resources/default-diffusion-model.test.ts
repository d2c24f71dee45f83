/**
 * The diffusion model shipped in resources/: it loads, keeps its contract, is deterministic, and
 * draws images whose simple statistics are those of its training scenes, which noise cannot fake.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { loadEdgeTuneModel, type EdgeTuneDiffusionModel, type RgbImage } from '../../electron/engine/diffusion/index.js';
import { createRng } from '../../electron/engine/util/rng.js';

const folder = path.resolve(__dirname, '../../resources/models/tiny-landscapes-32');
const size = 32;

function latents(seed: number, count: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: 3 * size * size }, () => rng.normal()));
}

function heldOutScenes(): RgbImage[] {
  const index = JSON.parse(readFileSync(path.join(folder, 'heldout', 'index.json'), 'utf8')) as { file: string; shape: number[] };
  const [count, height, width] = index.shape;
  const bytes = readFileSync(path.join(folder, 'heldout', index.file));
  const stride = height * width * 3;
  return Array.from({ length: count }, (_, i) => ({ width, height, data: new Uint8Array(bytes.subarray(i * stride, (i + 1) * stride)) }));
}

const luma = (data: Uint8Array, pixel: number) => (0.299 * data[pixel * 3] + 0.587 * data[pixel * 3 + 1] + 0.114 * data[pixel * 3 + 2]) / 255;

/**
 * Set-level statistics a person would call "looks like the scenes": the colour histogram (8 bins a
 * channel), the edge density (mean absolute luma gradient) and the spatial layout (mean luma of each
 * row: bright skies above darker ground).
 */
function statistics(images: readonly RgbImage[]) {
  const histogram = new Float64Array(24);
  const rows = new Float64Array(size);
  let edges = 0;
  for (const { data } of images) {
    for (let pixel = 0; pixel < size * size; pixel++) {
      for (let channel = 0; channel < 3; channel++) histogram[channel * 8 + (data[pixel * 3 + channel] >> 5)] += 1;
      const x = pixel % size;
      const y = Math.floor(pixel / size);
      rows[y] += luma(data, pixel) / size;
      if (x + 1 < size) edges += Math.abs(luma(data, pixel + 1) - luma(data, pixel));
      if (y + 1 < size) edges += Math.abs(luma(data, pixel + size) - luma(data, pixel));
    }
  }
  const pixels = images.length * size * size;
  return {
    histogram: Array.from(histogram, (count) => count / (3 * pixels)),
    edgeDensity: edges / (images.length * 2 * size * (size - 1)),
    rows: Array.from(rows, (sum) => sum / images.length),
  };
}

type Statistics = ReturnType<typeof statistics>;

function distance(a: Statistics, b: Statistics): number {
  const histogram = a.histogram.reduce((sum, value, i) => sum + Math.abs(value - b.histogram[i]), 0);
  const edges = Math.abs(a.edgeDensity - b.edgeDensity) / b.edgeDensity;
  const layout = a.rows.reduce((sum, value, i) => sum + Math.abs(value - b.rows[i]), 0) / size;
  return histogram + edges + layout;
}

function gaussianNoiseImages(count: number): RgbImage[] {
  const rng = createRng(99);
  return Array.from({ length: count }, () => ({
    width: size,
    height: size,
    data: Uint8Array.from({ length: size * size * 3 }, () => Math.max(0, Math.min(255, Math.round(128 + 64 * rng.normal())))),
  }));
}

/** The held-out scenes' mean image, box-blurred: right on average, but no scene at all. */
function blurredMeanImage(scenes: readonly RgbImage[]): RgbImage {
  const mean = new Float64Array(size * size * 3);
  for (const { data } of scenes) data.forEach((value, i) => (mean[i] += value / scenes.length));
  const blurred = new Uint8Array(mean.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let channel = 0; channel < 3; channel++) {
        let sum = 0;
        let count = 0;
        for (let dy = -2; dy <= 2; dy++) {
          for (let dx = -2; dx <= 2; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || yy >= size || xx < 0 || xx >= size) continue;
            sum += mean[(yy * size + xx) * 3 + channel];
            count += 1;
          }
        }
        blurred[(y * size + x) * 3 + channel] = Math.round(sum / count);
      }
    }
  }
  return { width: size, height: size, data: blurred };
}

let model: EdgeTuneDiffusionModel;

beforeAll(async () => {
  model = await loadEdgeTuneModel(folder, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
});
afterAll(async () => {
  await model?.close();
});

describe('the shipped diffusion model (resources/models/tiny-landscapes-32)', () => {
  it('loads with its manifest and draws 32×32 RGB images', async () => {
    expect(model.manifest).toMatchObject({ schema: 'edgetune/diffusion-model@1', imageSize: 32, channels: 3 });
    const pipeline = model.pipeline({});
    expect(pipeline.latentShape).toEqual([3, 32, 32]);
    expect(pipeline.steps).toBeLessThanOrEqual(20);
    const [image] = await pipeline.generate(latents(1, 1));
    expect(image.width).toBe(32);
    expect(image.height).toBe(32);
    expect(image.data).toHaveLength(32 * 32 * 3);
  });

  it('gives the same image twice for the same noise', async () => {
    const noise = latents(7, 2);
    const first = await model.pipeline({ batchSize: 2 }).generate(noise);
    const second = await model.pipeline({ batchSize: 1 }).generate(noise);
    expect(Buffer.from(second[0].data).equals(Buffer.from(first[0].data))).toBe(true);
    expect(Buffer.from(second[1].data).equals(Buffer.from(first[1].data))).toBe(true);
    expect(Buffer.from(first[0].data).equals(Buffer.from(first[1].data))).toBe(false);
  });

  it("draws scenes: its samples' statistics are far closer to held-out scenes than noise or a blurred mean are", async () => {
    const scenes = heldOutScenes();
    expect(scenes.length).toBeGreaterThanOrEqual(16);
    const reference = statistics(scenes);
    const samples = await model.pipeline({ batchSize: 8 }).generate(latents(2026, 24));
    const fromSamples = distance(statistics(samples), reference);
    const fromNoise = distance(statistics(gaussianNoiseImages(24)), reference);
    const fromBlurredMean = distance(statistics([blurredMeanImage(scenes)]), reference);
    // The stated margin: samples at most half as far from the scenes as the nearer impostor.
    expect(fromSamples).toBeLessThan(0.5 * Math.min(fromNoise, fromBlurredMean));
  });
});
