/**
 * IEEE 754 half precision ↔ float32. onnxruntime-node holds float16 tensors as Uint16Array bit
 * patterns (Node 20 has no Float16Array), so fp16 models are fed and read through these.
 */

const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/** The half-precision bit pattern nearest to `value`, ties to even, as hardware converts. */
export function float32ToFloat16Bits(value: number): number {
  scratchFloat[0] = value;
  const bits = scratchBits[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00;
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Below 2^-25 even rounding up cannot reach the smallest subnormal.
    if (halfExponent < -10) return sign;
    return sign | roundShiftRight(mantissa | 0x800000, 14 - halfExponent);
  }
  // A mantissa that rounds up to 0x400 carries into the exponent, which is the right answer (up to infinity).
  return sign | ((halfExponent << 10) + roundShiftRight(mantissa, 13));
}

function roundShiftRight(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

let halfTable: Float32Array | undefined;

/** All 65,536 half values decoded once: reading a batch of fp16 outputs becomes a table lookup. */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) halfTable[bits] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) halfTable[bits] = mantissa === 0 ? sign * Infinity : NaN;
    else halfTable[bits] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return halfTable;
}

export function float16BitsToFloat32(bits: number): number {
  return float16Table()[bits & 0xffff];
}

export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

export function fromFloat16Array(bits: Uint16Array): Float32Array {
  const table = float16Table();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i]];
  return out;
}
