/**
 * JPEG size, the paper's non-differentiable objective (after DDPO's jpeg (in)compressibility): encode at
 * quality 95 and count bytes. Minimising it rewards compressible (flat, smooth) images; maximising it
 * rewards incompressible (detailed, noisy) ones. Unbounded pressure either way reward-hacks (PGPE went
 * near-monochrome in the paper): pair it with a prompt-fidelity term or a constraint.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import vm from 'node:vm';
import jpeg from 'jpeg-js';
import { checkRgbImage, type RgbImage } from '../image.js';

export const jpegQuality = 95;

interface JpegEncoder {
  encode(image: { width: number; height: number; data: Uint8Array }, quality: number): Uint8Array;
}

/**
 * jpeg-js rebuilds its Huffman and category tables (65,535 entries) in every `encode()` call, which
 * costs more than a small diffusion model takes to make the image. Its encoder object is reusable —
 * each `encode` resets the bit writer and DC predictors — but the package exports only the one-shot
 * function, so its encoder source is evaluated once in a sandbox to reach the constructor. The bytes
 * are jpeg-js's own; if the constructor cannot be found, every call pays for the tables as before.
 */
function reusableEncoder(): JpegEncoder | null {
  try {
    const source = readFileSync(createRequire(import.meta.url).resolve('jpeg-js/lib/encoder.js'), 'utf8');
    const sandbox: Record<string, unknown> = { module: {}, Buffer };
    vm.runInNewContext(source, sandbox, { filename: 'jpeg-js/lib/encoder.js' });
    const Encoder = sandbox.JPEGEncoder as (new (quality: number) => JpegEncoder) | undefined;
    return typeof Encoder === 'function' ? new Encoder(jpegQuality) : null;
  } catch {
    return null;
  }
}

let encoder: JpegEncoder | null | undefined;

function encodeJpeg(rgba: { width: number; height: number; data: Uint8Array }, quality: number): Uint8Array {
  if (encoder === undefined) encoder = reusableEncoder();
  return encoder === null ? jpeg.encode(rgba, quality).data : encoder.encode(rgba, quality);
}

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
  return encodeJpeg({ width: image.width, height: image.height, data: rgba }, quality).length;
}
