import { describe, expect, it } from 'vitest';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  fromFloat16Array,
  toFloat16Array,
} from '../../../electron/engine/diffusion/float16.js';

describe('float16 conversion', () => {
  it('round-trips every half-precision value exactly', () => {
    for (let bits = 0; bits < 65536; bits++) {
      const exponent = (bits >>> 10) & 0x1f;
      const isNaN = exponent === 0x1f && (bits & 0x3ff) !== 0;
      const value = float16BitsToFloat32(bits);
      if (isNaN) expect(Number.isNaN(value)).toBe(true);
      else expect(float32ToFloat16Bits(value)).toBe(bits);
    }
  });

  it('decodes the landmarks of the format', () => {
    expect(float16BitsToFloat32(0x3c00)).toBe(1);
    expect(float16BitsToFloat32(0xc000)).toBe(-2);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
  });

  it('rounds to nearest, ties to even, as hardware does', () => {
    // 1 + 2^-11 lies halfway between 1 and the next half (1 + 2^-10): the even one is 1.
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3·2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    // Mantissa overflow carries into the exponent: just under 2 rounds up to 2.
    expect(float32ToFloat16Bits(2 - 2 ** -12)).toBe(0x4000);
  });

  it('saturates to infinity past the largest half and underflows to signed zero', () => {
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-1e9)).toBe(0xfc00);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000);
    expect(float32ToFloat16Bits(2 ** -25 * 1.5)).toBe(0x0001);
    expect(float32ToFloat16Bits(-(2 ** -30))).toBe(0x8000);
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });

  it('converts arrays both ways', () => {
    const values = Float32Array.of(0, 0.5, -1.25, 3.140625, 1000);
    expect([...fromFloat16Array(toFloat16Array(values))]).toEqual([...values]);
    expect(toFloat16Array([0.1])[0]).toBe(0x2e66);
  });
});
