import { describe, expect, it } from 'vitest';
import { builtinMeasures, findBuiltinMeasure, measureReward } from '../../../electron/engine/align/rewards/builtin.js';
import { jpegSizeBytes } from '../../../electron/engine/align/rewards/jpeg.js';
import { brightness, colourfulness, contrast, saturation } from '../../../electron/engine/align/rewards/measures.js';
import { noiseImage, solidImage, splitImage } from './images.js';

const black = solidImage(16, 16, [0, 0, 0]);
const white = solidImage(16, 16, [255, 255, 255]);
const grey = solidImage(16, 16, [128, 128, 128]);
const red = solidImage(16, 16, [255, 0, 0]);

describe('pixel measures', () => {
  it('brightness: black 0, white 1, mid-grey ≈ 0.5, pure red its luma weight', () => {
    expect(brightness(black)).toBe(0);
    expect(brightness(white)).toBeCloseTo(1, 12);
    expect(brightness(grey)).toBeCloseTo(128 / 255, 12);
    expect(brightness(red)).toBeCloseTo(0.299, 12);
  });

  it('contrast: 0 for a flat image, 0.5 for half black, half white', () => {
    expect(contrast(grey)).toBeCloseTo(0, 12);
    expect(contrast(splitImage(16, 4, [0, 0, 0], [255, 255, 255]))).toBeCloseTo(0.5, 12);
    expect(contrast(noiseImage(32, 32))).toBeGreaterThan(0.1);
  });

  it('saturation: 0 for any grey (and black), 1 for pure hues', () => {
    expect(saturation(grey)).toBe(0);
    expect(saturation(black)).toBe(0);
    expect(saturation(white)).toBe(0);
    expect(saturation(red)).toBe(1);
    expect(saturation(solidImage(4, 4, [200, 100, 100]))).toBeCloseTo(0.5, 12);
  });

  it('colourfulness (Hasler–Süsstrunk): 0 for grey, positive for colour, larger for more varied colour', () => {
    expect(colourfulness(grey)).toBe(0);
    expect(colourfulness(splitImage(16, 4, [0, 0, 0], [255, 255, 255]))).toBe(0);
    // solid red: rg = 255, yb = 127.5, no spread: M = 0.3·√(255² + 127.5²)
    expect(colourfulness(red)).toBeCloseTo(0.3 * Math.hypot(255, 127.5), 9);
    const redGreen = splitImage(16, 4, [255, 0, 0], [0, 255, 0]);
    expect(colourfulness(redGreen)).toBeGreaterThan(colourfulness(red));
    expect(colourfulness(noiseImage(32, 32))).toBeGreaterThan(colourfulness(grey));
  });

  it('rejects an image whose data does not match its size', () => {
    expect(() => brightness({ width: 4, height: 4, data: new Uint8Array(47) })).toThrow('4×4 RGB needs 48 bytes, got 47');
  });
});

describe('JPEG size', () => {
  it('is smaller for a flat image than for noise', () => {
    const flat = jpegSizeBytes(solidImage(64, 64, [90, 120, 200]));
    const noisy = jpegSizeBytes(noiseImage(64, 64));
    expect(flat).toBeGreaterThan(100); // headers alone
    expect(flat * 5).toBeLessThan(noisy);
  });

  it('is deterministic and grows with quality', () => {
    const image = noiseImage(32, 32, 2);
    expect(jpegSizeBytes(image)).toBe(jpegSizeBytes(image));
    expect(jpegSizeBytes(image, 50)).toBeLessThan(jpegSizeBytes(image, 95));
  });

  it('as the built-in reward: minimised by default (the paper), maximisable', async () => {
    const measure = findBuiltinMeasure('jpeg-size');
    if (measure === undefined) throw new Error('jpeg-size missing');
    const compressibility = measureReward(measure);
    expect(compressibility.direction).toBe('min');
    expect(compressibility.description).toContain('compressibility');
    const incompressibility = measureReward(measure, 'max');
    expect(incompressibility.name).toBe('jpeg-size:max');
    expect(incompressibility.description).toContain('incompressibility');
    const images = [solidImage(32, 32, [0, 0, 0]), noiseImage(32, 32)];
    const scores = await compressibility.score(images);
    expect(scores.values).toEqual(images.map((image) => jpegSizeBytes(image)));
    expect(scores.violations).toEqual([0, 0]);
  });
});

describe('built-in catalogue', () => {
  it('names, directions and descriptions for every measure', () => {
    expect(builtinMeasures.map((measure) => [measure.name, measure.defaultDirection])).toEqual([
      ['jpeg-size', 'min'],
      ['brightness', 'max'],
      ['contrast', 'max'],
      ['saturation', 'max'],
      ['colourfulness', 'max'],
    ]);
    for (const measure of builtinMeasures) expect(measure.description.length).toBeGreaterThan(10);
    expect(findBuiltinMeasure('colorfulness')?.name).toBe('colourfulness');
  });
});
