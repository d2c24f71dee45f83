/**
 * JPEG size, the paper's non-differentiable objective (after DDPO's jpeg (in)compressibility): encode at
 * quality 95 and count bytes. Minimising it rewards compressible (flat, smooth) images; maximising it
 * rewards incompressible (detailed, noisy) ones. Unbounded pressure either way reward-hacks (PGPE went
 * near-monochrome in the paper): pair it with a prompt-fidelity term or a constraint.
 */
import jpeg from 'jpeg-js';
import { checkRgbImage, type RgbImage } from '../image.js';

export const jpegQuality = 95;

export function jpegSizeBytes(image: RgbImage, quality = jpegQuality): number {
  checkRgbImage(image);
  const pixels = image.width * image.height;
  // jpeg-js reads RGBA; alpha is ignored by the encoder.
  const rgba = new Uint8Array(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    rgba[4 * p] = image.data[3 * p];
    rgba[4 * p + 1] = image.data[3 * p + 1];
    rgba[4 * p + 2] = image.data[3 * p + 2];
    rgba[4 * p + 3] = 255;
  }
  return jpeg.encode({ width: image.width, height: image.height, data: rgba }, quality).data.length;
}
