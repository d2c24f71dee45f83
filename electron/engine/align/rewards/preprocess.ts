/**
 * RgbImage → the float tensor an image model reads: bilinear resize, scale to [0, 1], per-channel
 * (x − mean)/std, NCHW or NHWC. Resizing follows PyTorch's `interpolate(mode='bilinear',
 * align_corners=False)` without antialiasing (half-pixel centres, edge clamped), which is what
 * torchvision's transforms did for most published scorers; exact factor-2 downsampling then averages
 * 2×2 blocks.
 */
import { checkRgbImage, type RgbImage } from '../image.js';

export type ImageLayout = 'nchw' | 'nhwc';

export interface ImageInputSpec {
  readonly width: number;
  readonly height: number;
  readonly layout: ImageLayout;
  /** per channel R, G, B, on the 0–1 scale */
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

interface Taps {
  readonly low: Int32Array;
  readonly high: Int32Array;
  readonly weight: Float64Array;
}

/** For each output coordinate: the two source coordinates and the weight of the higher one. */
export function bilinearTaps(sourceSize: number, targetSize: number): Taps {
  const scale = sourceSize / targetSize;
  const low = new Int32Array(targetSize);
  const high = new Int32Array(targetSize);
  const weight = new Float64Array(targetSize);
  for (let t = 0; t < targetSize; t++) {
    const position = Math.max(0, (t + 0.5) * scale - 0.5);
    const floor = Math.min(Math.floor(position), sourceSize - 1);
    low[t] = floor;
    high[t] = Math.min(floor + 1, sourceSize - 1);
    weight[t] = position - floor;
  }
  return { low, high, weight };
}

export function checkInputSpec(spec: ImageInputSpec): void {
  if (!Number.isInteger(spec.width) || !Number.isInteger(spec.height) || spec.width < 1 || spec.height < 1) {
    throw new RangeError(`input size must be positive integers, got ${spec.width}×${spec.height}`);
  }
  if (spec.std.some((value) => value === 0 || !Number.isFinite(value)) || spec.mean.some((value) => !Number.isFinite(value))) {
    throw new RangeError('normalisation mean must be finite and std finite and non-zero');
  }
}

/** Writes one image's tensor values at `offset` of `target` (width·height·3 floats). */
export function writeImageTensor(image: RgbImage, spec: ImageInputSpec, target: Float32Array, offset: number): void {
  checkRgbImage(image);
  const { width, height, layout, mean, std } = spec;
  const columns = bilinearTaps(image.width, width);
  const rows = bilinearTaps(image.height, height);
  const plane = width * height;
  const data = image.data;
  const rowStride = image.width * 3;
  for (let y = 0; y < height; y++) {
    const top = rows.low[y] * rowStride;
    const bottom = rows.high[y] * rowStride;
    const wy = rows.weight[y];
    for (let x = 0; x < width; x++) {
      const left = columns.low[x] * 3;
      const right = columns.high[x] * 3;
      const wx = columns.weight[x];
      for (let c = 0; c < 3; c++) {
        const upper = data[top + left + c] * (1 - wx) + data[top + right + c] * wx;
        const lower = data[bottom + left + c] * (1 - wx) + data[bottom + right + c] * wx;
        const value = (upper * (1 - wy) + lower * wy) / 255;
        const at = layout === 'nchw' ? c * plane + y * width + x : (y * width + x) * 3 + c;
        target[offset + at] = (value - mean[c]) / std[c];
      }
    }
  }
}

/** A batch of images as one tensor's data, [n, 3, h, w] or [n, h, w, 3]. */
export function imagesToTensorData(images: readonly RgbImage[], spec: ImageInputSpec): Float32Array {
  checkInputSpec(spec);
  const size = spec.width * spec.height * 3;
  const data = new Float32Array(images.length * size);
  images.forEach((image, index) => writeImageTensor(image, spec, data, index * size));
  return data;
}

export function tensorDims(count: number, spec: ImageInputSpec): number[] {
  return spec.layout === 'nchw' ? [count, 3, spec.height, spec.width] : [count, spec.height, spec.width, 3];
}
