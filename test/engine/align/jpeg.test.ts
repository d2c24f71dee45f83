import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { jpegSizeBytes } from '../../../electron/engine/align/rewards/jpeg.js';
import { createRng } from '../../../electron/engine/util/rng.js';

function rgba(image: { width: number; height: number; data: Uint8Array }) {
  const data = new Uint8Array(image.width * image.height * 4);
  for (let p = 0; p < image.width * image.height; p++) data.set([...image.data.subarray(3 * p, 3 * p + 3), 255], 4 * p);
  return { width: image.width, height: image.height, data };
}

describe('JPEG size with a reused encoder', () => {
  it("gives jpeg-js's one-shot byte count, image after image and quality after quality", () => {
    const rng = createRng(5);
    const images = [
      { width: 32, height: 32, data: Uint8Array.from({ length: 32 * 32 * 3 }, () => rng.int(256)) },
      { width: 17, height: 9, data: Uint8Array.from({ length: 17 * 9 * 3 }, (_, i) => (i * 7) & 255) },
      { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(128) },
    ];
    for (const quality of [95, 50, 95]) {
      for (const image of images) expect(jpegSizeBytes(image, quality)).toBe(jpeg.encode(rgba(image), quality).data.length);
    }
  });
});
