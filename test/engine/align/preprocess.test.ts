import { describe, expect, it } from 'vitest';
import { bilinearTaps, imagesToTensorData } from '../../../electron/engine/align/rewards/preprocess.js';
import type { RgbImage } from '../../../electron/engine/align/image.js';

const identity = { mean: [0, 0, 0], std: [1, 1, 1] } as const;

/** 2×1 image: pixel 0 = (r0, g0, b0), pixel 1 = (r1, g1, b1). */
const pair: RgbImage = { width: 2, height: 1, data: Uint8Array.of(0, 51, 102, 255, 153, 204) };

describe('image → tensor', () => {
  it('same size is the identity, laid out NCHW or NHWC', () => {
    const spec = { width: 2, height: 1, ...identity };
    const nchw = Array.from(imagesToTensorData([pair], { ...spec, layout: 'nchw' }));
    expect(nchw).toEqual([0, 1, 0.2, 0.6, 0.4, 0.8].map((value) => expect.closeTo(value, 6)));
    const nhwc = Array.from(imagesToTensorData([pair], { ...spec, layout: 'nhwc' }));
    expect(nhwc).toEqual([0, 0.2, 0.4, 1, 0.6, 0.8].map((value) => expect.closeTo(value, 6)));
  });

  it('normalises per channel on the 0–1 scale', () => {
    const spec = { width: 2, height: 1, layout: 'nchw' as const, mean: [0.5, 0, 0] as const, std: [0.25, 1, 2] as const };
    const values = Array.from(imagesToTensorData([pair], spec));
    expect(values).toEqual([-2, 2, 0.2, 0.6, 0.2, 0.4].map((value) => expect.closeTo(value, 6)));
  });

  it('bilinear taps use half-pixel centres: factor-2 downsampling averages pairs, upsampling clamps the edges', () => {
    const down = bilinearTaps(4, 2);
    expect(Array.from(down.low)).toEqual([0, 2]);
    expect(Array.from(down.high)).toEqual([1, 3]);
    expect(Array.from(down.weight)).toEqual([0.5, 0.5]);
    const up = bilinearTaps(2, 4);
    expect(Array.from(up.low)).toEqual([0, 0, 0, 1]);
    expect(Array.from(up.high)).toEqual([1, 1, 1, 1]);
    expect(Array.from(up.weight)).toEqual([0, 0.25, 0.75, 0.25]); // last: both taps are pixel 1, the weight is moot
    const same = bilinearTaps(3, 3);
    expect(Array.from(same.weight)).toEqual([0, 0, 0]);
    expect(Array.from(same.low)).toEqual([0, 1, 2]);
  });

  it('resizes a batch to one size: a 4×2 image halves to 2×1 block means', () => {
    const image: RgbImage = { width: 4, height: 2, data: Uint8Array.from({ length: 24 }, (_, i) => i * 10) };
    const values = Array.from(imagesToTensorData([image, image], { width: 2, height: 1, layout: 'nhwc', ...identity }));
    // block of pixels (0,0),(1,0),(0,1),(1,1): red values 0, 30, 120, 150 → mean 75
    expect(values[0]).toBeCloseTo(75 / 255, 6);
    expect(values.slice(6)).toEqual(values.slice(0, 6));
  });
});
