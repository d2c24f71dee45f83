/** Images as the diffusion pipelines hand them out: 8-bit RGB, row-major, no alpha. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width·height·3 bytes: R, G, B of the top-left pixel first */
  readonly data: Uint8Array;
}

/**
 * Planar samples [batch, 3, height, width] whose values span `valueRange` (a VAE's or a
 * pixel-space model's [-1, 1]) become RGB images; values outside the range are clamped.
 */
export function samplesToRgbImages(
  samples: Float32Array,
  dims: readonly number[],
  valueRange: readonly [number, number],
): RgbImage[] {
  const [batch, channels, height, width] = dims;
  if (dims.length !== 4 || channels !== 3) {
    throw new RangeError(`expected RGB samples [batch, 3, height, width], got [${dims.join(', ')}]`);
  }
  if (samples.length !== batch * channels * height * width) {
    throw new RangeError(`${samples.length} sample values do not fill [${dims.join(', ')}]`);
  }
  const [low, high] = valueRange;
  const scale = 255 / (high - low);
  const plane = height * width;
  const images: RgbImage[] = [];
  for (let image = 0; image < batch; image++) {
    const data = new Uint8Array(plane * 3);
    const base = image * 3 * plane;
    for (let pixel = 0; pixel < plane; pixel++) {
      for (let channel = 0; channel < 3; channel++) {
        const level = (samples[base + channel * plane + pixel] - low) * scale;
        // NaN stays NaN through min/max and is stored as 0 by the Uint8Array.
        data[pixel * 3 + channel] = Math.round(Math.min(255, Math.max(0, level)));
      }
    }
    images.push({ width, height, data });
  }
  return images;
}
