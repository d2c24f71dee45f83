/**
 * Pixel statistics of an RgbImage, pure and cheap. Each is a measure: a number with a fixed meaning,
 * which rewards maximise, minimise, or pull toward a target.
 */
import { checkRgbImage, type RgbImage } from '../image.js';

/** ITU-R BT.601 luma weights, what PIL's convert('L') uses. */
const lumaWeights = [0.299, 0.587, 0.114] as const;

function lumaValues(image: RgbImage): Float64Array {
  checkRgbImage(image);
  const { data } = image;
  const luma = new Float64Array(image.width * image.height);
  for (let p = 0, i = 0; p < luma.length; p++, i += 3) {
    luma[p] = (lumaWeights[0] * data[i] + lumaWeights[1] * data[i + 1] + lumaWeights[2] * data[i + 2]) / 255;
  }
  return luma;
}

function meanAndStdev(values: ArrayLike<number>): { mean: number; stdev: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i] - mean) ** 2;
  return { mean, stdev: Math.sqrt(squares / values.length) };
}

/** Mean luma in [0, 1]: black 0, white 1. */
export function brightness(image: RgbImage): number {
  return meanAndStdev(lumaValues(image)).mean;
}

/** RMS contrast: standard deviation of luma, in [0, 0.5]; 0 for a flat image, 0.5 for half black, half white. */
export function contrast(image: RgbImage): number {
  return meanAndStdev(lumaValues(image)).stdev;
}

/** Mean HSV saturation, (max − min)/max per pixel, in [0, 1]: 0 for any grey, 1 for pure hues. */
export function saturation(image: RgbImage): number {
  checkRgbImage(image);
  const { data } = image;
  let sum = 0;
  for (let i = 0; i < data.length; i += 3) {
    const high = Math.max(data[i], data[i + 1], data[i + 2]);
    const low = Math.min(data[i], data[i + 1], data[i + 2]);
    if (high > 0) sum += (high - low) / high;
  }
  return sum / (image.width * image.height);
}

/**
 * Hasler & Süsstrunk (2003) colourfulness on 0–255 values: with rg = R − G and yb = ½(R + G) − B,
 * M = √(σ_rg² + σ_yb²) + 0.3·√(μ_rg² + μ_yb²). 0 for any grey image; their scale reads about
 * 15 "slightly", 33 "moderately", 45 "averagely", 59 "quite", 82 "highly", 109 "extremely" colourful.
 */
export function colourfulness(image: RgbImage): number {
  checkRgbImage(image);
  const { data } = image;
  const pixels = image.width * image.height;
  const rg = new Float64Array(pixels);
  const yb = new Float64Array(pixels);
  for (let p = 0, i = 0; p < pixels; p++, i += 3) {
    rg[p] = data[i] - data[i + 1];
    yb[p] = 0.5 * (data[i] + data[i + 1]) - data[i + 2];
  }
  const a = meanAndStdev(rg);
  const b = meanAndStdev(yb);
  return Math.hypot(a.stdev, b.stdev) + 0.3 * Math.hypot(a.mean, b.mean);
}
