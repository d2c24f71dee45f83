/** Hand-made RgbImages for reward tests. */
import type { RgbImage } from '../../../electron/engine/align/image.js';
import { createRng } from '../../../electron/engine/util/rng.js';

export { solidImage } from '../../../electron/engine/align/image.js';

export function noiseImage(width: number, height: number, seed = 1): RgbImage {
  const rng = createRng(seed);
  return { width, height, data: Uint8Array.from({ length: width * height * 3 }, () => rng.int(256)) };
}

/** Left half one colour, right half another. */
export function splitImage(width: number, height: number, left: readonly number[], right: readonly number[]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = x < width / 2 ? left : right;
      data.set(colour, 3 * (y * width + x));
    }
  }
  return { width, height, data };
}
