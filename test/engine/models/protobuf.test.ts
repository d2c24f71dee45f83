import { describe, expect, it } from 'vitest';
import {
  ProtobufError,
  bytesField,
  deferredBytesField,
  encodeMessage,
  floatField,
  messageField,
  packedFloatField,
  packedVarintField,
  readFields,
  readFloat32,
  readString,
  readVarint,
  stringField,
  unpackFloats,
  unpackVarints,
  varintAsInt64,
  varintByteLength,
  varintField,
  writeVarint,
  type WireField,
} from '../../../electron/engine/models/onnx/protobuf.js';

function fieldsOf(bytes: Uint8Array): WireField[] {
  return [...readFields(bytes)];
}

function roundTripVarint(value: number | bigint): bigint {
  const buffer = new Uint8Array(varintByteLength(value));
  const end = writeVarint(buffer, 0, value);
  expect(end).toBe(buffer.length);
  const read = readVarint(buffer, 0);
  expect(read.next).toBe(buffer.length);
  return read.value;
}

describe('varints', () => {
  it('encode the textbook examples', () => {
    const encoded = encodeMessage([varintField(1, 150)]);
    expect([...encoded]).toEqual([0x08, 0x96, 0x01]);
  });

  it('round-trip small, large and negative 64-bit integers', () => {
    const values: bigint[] = [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 32n + 5n, 2n ** 53n + 1n, 2n ** 63n - 1n, -1n, -2n, -(2n ** 63n)];
    for (const value of values) expect(varintAsInt64(roundTripVarint(value))).toBe(value);
    for (const value of [0, 1, 16383, 16384, 2 ** 40, Number.MAX_SAFE_INTEGER, -1, -197]) {
      expect(Number(varintAsInt64(roundTripVarint(value)))).toBe(value);
    }
  });

  it('writes negative int64 as ten bytes, as protobuf does', () => {
    expect(varintByteLength(-1)).toBe(10);
    expect(varintByteLength(2n ** 63n)).toBe(10);
    expect(varintByteLength(127)).toBe(1);
  });

  it('rejects values that are not 64-bit integers', () => {
    expect(() => varintField(1, 1.5)).toThrow(RangeError);
    expect(() => varintField(1, 2n ** 64n)).toThrow(RangeError);
  });

  it('reports truncated and over-long varints', () => {
    expect(() => readVarint(Uint8Array.of(0x80, 0x80), 0)).toThrow(ProtobufError);
    expect(() => readVarint(new Uint8Array(11).fill(0xff), 0)).toThrow(ProtobufError);
  });
});

describe('messages', () => {
  it('round-trip every field kind, nested', () => {
    const inner = [stringField(1, 'blocks.0.attn'), varintField(2, -5), floatField(3, 0.25)];
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i % 251);
    const bytes = encodeMessage([
      varintField(1, 8),
      messageField(2, inner),
      bytesField(3, payload),
      packedVarintField(4, [0, -1, 3, 12, 64, 2n ** 40n]),
      packedFloatField(5, [1.5, -2, 3.25]),
      varintField(6, true),
      messageField(7, []),
    ]);

    const fields = fieldsOf(bytes);
    expect(fields.map((field) => field.fieldNumber)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const [version, nested, raw, ints, floats, flag, empty] = fields;
    expect(version.wireType === 0 && version.varint).toBe(8n);
    expect(flag.wireType === 0 && flag.varint).toBe(1n);
    if (nested.wireType !== 2 || raw.wireType !== 2 || ints.wireType !== 2 || floats.wireType !== 2 || empty.wireType !== 2) {
      throw new Error('expected length-delimited fields');
    }
    expect([...raw.bytes]).toEqual([...payload]);
    expect(unpackVarints(ints.bytes).map(varintAsInt64)).toEqual([0n, -1n, 3n, 12n, 64n, 2n ** 40n]);
    expect([...unpackFloats(floats.bytes)]).toEqual([1.5, -2, 3.25]);
    expect(empty.bytes.length).toBe(0);

    const innerFields = fieldsOf(nested.bytes);
    expect(innerFields[0].wireType === 2 && readString(innerFields[0].bytes)).toBe('blocks.0.attn');
    expect(innerFields[1].wireType === 0 && varintAsInt64(innerFields[1].varint)).toBe(-5n);
    expect(innerFields[2].wireType === 5 && readFloat32(innerFields[2].bytes)).toBe(0.25);
  });

  it('reads payloads as views, not copies', () => {
    const bytes = encodeMessage([bytesField(1, new Uint8Array(1000).fill(7))]);
    const [field] = fieldsOf(bytes);
    if (field.wireType !== 2) throw new Error('expected bytes');
    expect(field.bytes.buffer).toBe(bytes.buffer);
  });

  it('fills deferred payloads in place and checks their declared size', () => {
    const bytes = encodeMessage([deferredBytesField(9, 4, (target) => target.set([1, 2, 3, 4]))]);
    expect([...bytes]).toEqual([0x4a, 4, 1, 2, 3, 4]);
  });

  it('accepts unpacked repeated fields alongside packed ones', () => {
    const bytes = encodeMessage([varintField(1, 3), varintField(1, 4)]);
    expect(fieldsOf(bytes).map((field) => (field.wireType === 0 ? field.varint : null))).toEqual([3n, 4n]);
  });

  it('rejects truncated messages and unknown wire types', () => {
    const bytes = encodeMessage([bytesField(1, new Uint8Array(10))]);
    expect(() => fieldsOf(bytes.subarray(0, 6))).toThrow(ProtobufError);
    expect(() => fieldsOf(Uint8Array.of(0x0b))).toThrow(/wire type 3/);
    expect(() => fieldsOf(Uint8Array.of(0x00, 0x01))).toThrow(/field number 0/);
  });
});
