/**
 * Protocol Buffers wire format: just enough to write and read ONNX models.
 *
 * Writing is two-pass: every field knows its encoded size when it is created (children are built
 * before their parents), so a whole model is written once into a single preallocated buffer. Weights
 * of a gigabyte model are never concatenated or copied more than into that buffer.
 * Reading is lazy: length-delimited payloads come back as views into the input, never copies.
 */

export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** One encoded field, tag included; `byteLength` is exact. */
export interface ProtoField {
  readonly byteLength: number;
  write(target: Uint8Array, offset: number): number;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });
const hostIsLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const twoTo64 = 1n << 64n;

/** A varint value as an unsigned 64-bit pattern: negative int64 values become their two's complement. */
function toUint64(value: number | bigint): number | bigint {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RangeError(`varint value ${value} is not an integer`);
    if (value >= 0 && Number.isSafeInteger(value)) return value;
    return toUint64(BigInt(value));
  }
  if (value < -(1n << 63n) || value >= twoTo64) throw new RangeError(`varint value ${value} does not fit 64 bits`);
  return BigInt.asUintN(64, value);
}

export function varintByteLength(value: number | bigint): number {
  let rest = toUint64(value);
  let length = 1;
  if (typeof rest === 'number') {
    while (rest >= 128) {
      rest = Math.floor(rest / 128);
      length++;
    }
    return length;
  }
  while (rest >= 128n) {
    rest >>= 7n;
    length++;
  }
  return length;
}

export function writeVarint(target: Uint8Array, offset: number, value: number | bigint): number {
  let rest = toUint64(value);
  let at = offset;
  if (typeof rest === 'number') {
    while (rest >= 128) {
      target[at++] = (rest % 128) | 0x80;
      rest = Math.floor(rest / 128);
    }
    target[at++] = rest;
    return at;
  }
  while (rest >= 128n) {
    target[at++] = Number(rest & 0x7fn) | 0x80;
    rest >>= 7n;
  }
  target[at++] = Number(rest);
  return at;
}

function tagOf(fieldNumber: number, wireType: number): number {
  if (!Number.isInteger(fieldNumber) || fieldNumber < 1 || fieldNumber > 0x1fffffff) {
    throw new RangeError(`invalid protobuf field number ${fieldNumber}`);
  }
  return fieldNumber * 8 + wireType;
}

/** int32, int64, uint64, bool and enum fields. */
export function varintField(fieldNumber: number, value: number | bigint | boolean): ProtoField {
  const tag = tagOf(fieldNumber, WireType.varint);
  const encoded = typeof value === 'boolean' ? (value ? 1 : 0) : toUint64(value);
  return {
    byteLength: varintByteLength(tag) + varintByteLength(encoded),
    write: (target, offset) => writeVarint(target, writeVarint(target, offset, tag), encoded),
  };
}

export function floatField(fieldNumber: number, value: number): ProtoField {
  const tag = tagOf(fieldNumber, WireType.fixed32);
  return {
    byteLength: varintByteLength(tag) + 4,
    write: (target, offset) => {
      const at = writeVarint(target, offset, tag);
      new DataView(target.buffer, target.byteOffset + at, 4).setFloat32(0, value, true);
      return at + 4;
    },
  };
}

/**
 * A length-delimited payload written by `fill` straight into the output buffer, so large payloads
 * (weights) can be produced on demand instead of existing twice in memory.
 */
export function deferredBytesField(
  fieldNumber: number,
  payloadByteLength: number,
  fill: (target: Uint8Array) => void,
): ProtoField {
  const tag = tagOf(fieldNumber, WireType.bytes);
  return {
    byteLength: varintByteLength(tag) + varintByteLength(payloadByteLength) + payloadByteLength,
    write: (target, offset) => {
      const at = writeVarint(target, writeVarint(target, offset, tag), payloadByteLength);
      fill(target.subarray(at, at + payloadByteLength));
      return at + payloadByteLength;
    },
  };
}

export function bytesField(fieldNumber: number, value: Uint8Array): ProtoField {
  return deferredBytesField(fieldNumber, value.byteLength, (target) => target.set(value));
}

export function stringField(fieldNumber: number, value: string): ProtoField {
  return bytesField(fieldNumber, textEncoder.encode(value));
}

export function messageField(fieldNumber: number, fields: readonly ProtoField[]): ProtoField {
  const payloadByteLength = messageByteLength(fields);
  return deferredBytesField(fieldNumber, payloadByteLength, (target) => writeFields(fields, target));
}

/** proto3's default encoding of repeated integer fields. */
export function packedVarintField(fieldNumber: number, values: readonly (number | bigint)[]): ProtoField {
  const encoded = values.map(toUint64);
  const payloadByteLength = encoded.reduce<number>((sum, value) => sum + varintByteLength(value), 0);
  return deferredBytesField(fieldNumber, payloadByteLength, (target) => {
    let at = 0;
    for (const value of encoded) at = writeVarint(target, at, value);
  });
}

export function packedFloatField(fieldNumber: number, values: ArrayLike<number>): ProtoField {
  return deferredBytesField(fieldNumber, values.length * 4, (target) => {
    const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  });
}

/**
 * Copies float32 values into a little-endian byte payload. Kept separate from packedFloatField
 * because weights come in chunks from a generator and the fast path is a plain memory copy.
 */
export function copyFloat32LittleEndian(values: Float32Array, target: Uint8Array, offset: number): void {
  if (hostIsLittleEndian) {
    target.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  const view = new DataView(target.buffer, target.byteOffset + offset, values.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
}

export function messageByteLength(fields: readonly ProtoField[]): number {
  let total = 0;
  for (const field of fields) total += field.byteLength;
  return total;
}

function writeFields(fields: readonly ProtoField[], target: Uint8Array): void {
  let at = 0;
  for (const field of fields) at = field.write(target, at);
  if (at !== target.byteLength) {
    throw new Error(`protobuf writer wrote ${at} bytes where ${target.byteLength} were computed`);
  }
}

/** Encodes a top-level message into one buffer of exactly the right size. */
export function encodeMessage(fields: readonly ProtoField[]): Uint8Array {
  const out = new Uint8Array(messageByteLength(fields));
  writeFields(fields, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

/** A field as found on the wire; `bytes` is a view into the message, for every wire type but varint. */
export type WireField =
  | { readonly fieldNumber: number; readonly wireType: 0; readonly varint: bigint }
  | { readonly fieldNumber: number; readonly wireType: 1 | 2 | 5; readonly bytes: Uint8Array };

/** Reads a varint at `offset`; returns the unsigned value and the offset after it. */
export function readVarint(bytes: Uint8Array, offset: number): { value: bigint; next: number } {
  // Numbers are exact up to 2^53; switch to bigint only for the rare long varint.
  let low = 0;
  let shift = 0;
  let at = offset;
  while (at < bytes.length && shift < 28) {
    const byte = bytes[at++];
    low += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return { value: BigInt(low), next: at };
    shift += 7;
  }
  let value = BigInt(low);
  let bigShift = BigInt(shift);
  while (at < bytes.length) {
    const byte = bytes[at++];
    value |= BigInt(byte & 0x7f) << bigShift;
    if ((byte & 0x80) === 0) {
      if (bigShift > 63n) throw new ProtobufError(`varint at byte ${offset} is longer than 10 bytes`);
      return { value: BigInt.asUintN(64, value), next: at };
    }
    bigShift += 7n;
    if (bigShift > 63n + 7n) throw new ProtobufError(`varint at byte ${offset} is longer than 10 bytes`);
  }
  throw new ProtobufError(`varint at byte ${offset} runs past the end of the message`);
}

/** Iterates the fields of one message without copying payloads. Throws ProtobufError on malformed input. */
export function* readFields(bytes: Uint8Array): Generator<WireField> {
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const tag = readVarint(bytes, at);
    at = tag.next;
    const fieldNumber = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (fieldNumber === 0) throw new ProtobufError(`field number 0 at byte ${start}`);
    if (wireType === 0) {
      const value = readVarint(bytes, at);
      at = value.next;
      yield { fieldNumber, wireType, varint: value.value };
      continue;
    }
    let length: number;
    if (wireType === 1) length = 8;
    else if (wireType === 5) length = 4;
    else if (wireType === 2) {
      const prefix = readVarint(bytes, at);
      at = prefix.next;
      if (prefix.value > BigInt(bytes.length - at)) {
        throw new ProtobufError(`field ${fieldNumber} at byte ${start} claims ${prefix.value} bytes, past the end`);
      }
      length = Number(prefix.value);
    } else {
      throw new ProtobufError(`unsupported wire type ${wireType} (field ${fieldNumber}) at byte ${start}`);
    }
    if (at + length > bytes.length) {
      throw new ProtobufError(`field ${fieldNumber} at byte ${start} runs past the end of the message`);
    }
    yield { fieldNumber, wireType, bytes: bytes.subarray(at, at + length) };
    at += length;
  }
}

/** Two's-complement view of a varint, as written for int32/int64 fields. */
export function varintAsInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** int32/int64 field as a JS number; values beyond 2^53 lose precision, as any ONNX dim would anyway. */
export function varintAsNumber(value: bigint): number {
  return Number(BigInt.asIntN(64, value));
}

export function readFloat32(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
}

export function readString(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

/** Repeated varints, whether they were written packed (one bytes field) or one field per value. */
export function unpackVarints(bytes: Uint8Array): bigint[] {
  const values: bigint[] = [];
  let at = 0;
  while (at < bytes.length) {
    const value = readVarint(bytes, at);
    values.push(value.value);
    at = value.next;
  }
  return values;
}

export function unpackFloats(bytes: Uint8Array): Float32Array {
  if (bytes.length % 4 !== 0) throw new ProtobufError(`packed float payload of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}
