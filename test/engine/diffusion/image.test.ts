import { describe, expect, it } from 'vitest';
import { samplesToRgbImages } from '../../../electron/engine/diffusion/image.js';

describe('samplesToRgbImages', () => {
  it('maps the value range to 0…255, clamps, and interleaves planar channels', () => {
    // one 2×1 image: R plane, G plane, B plane
    const samples = Float32Array.of(-1, 1, 0, 2, -3, 0.5);
    const [image] = samplesToRgbImages(samples, [1, 3, 1, 2], [-1, 1]);
    expect(image.width).toBe(2);
    expect(image.height).toBe(1);
    expect([...image.data]).toEqual([0, 128, 0, 255, 255, 191]);
  });

  it('honours other value ranges and splits the batch', () => {
    const samples = new Float32Array(2 * 3).fill(0.5);
    samples.fill(1, 3);
    const images = samplesToRgbImages(samples, [2, 3, 1, 1], [0, 1]);
    expect(images.map((image) => [...image.data])).toEqual([
      [128, 128, 128],
      [255, 255, 255],
    ]);
  });

  it('rejects samples that are not RGB', () => {
    expect(() => samplesToRgbImages(new Float32Array(4), [1, 4, 1, 1], [-1, 1])).toThrow(/RGB samples/);
  });
});
