/**
 * The image every reward reads is the one the diffusion pipelines decode into (diffusion/image.ts):
 * 8-bit RGB, row-major, three bytes per pixel, no alpha, no padding. Rewards never see latents.
 */
import type { RgbImage } from '../diffusion/image.js';

export type { RgbImage } from '../diffusion/image.js';

export function checkRgbImage(image: RgbImage, label = 'image'): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`${label}: width and height must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(`${label}: ${width}×${height} RGB needs ${width * height * 3} bytes, got ${data.length}`);
  }
}

/** An image of one colour: handy for tests and for calibrating targets. */
export function solidImage(width: number, height: number, rgb: readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = rgb[0];
    data[i + 1] = rgb[1];
    data[i + 2] = rgb[2];
  }
  return { width, height, data };
}
