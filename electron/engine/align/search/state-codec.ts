/**
 * Encoding a search's state as JSON without losing a bit: vectors as base64 of little-endian bytes,
 * non-finite numbers (which JSON cannot hold) as null.
 */
import { z } from 'zod';
import { UserError } from '../../errors.js';
import { algorithmNames, SEARCH_STATE_SCHEMA, type SearchState } from './types.js';

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function bytesOf(values: Float32Array | Float64Array): Buffer {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (littleEndian) return bytes;
  const copy = Buffer.from(bytes);
  if (values instanceof Float32Array) copy.swap32();
  else copy.swap64();
  return copy;
}

export function encodeFloat32(values: Float32Array): string {
  return bytesOf(values).toString('base64');
}

export function encodeFloat64(values: Float64Array): string {
  return bytesOf(values).toString('base64');
}

function decodeBytes(text: string, width: 4 | 8, length: number, label: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length * width) {
    throw invalidState(`${label} holds ${bytes.length / width} values, expected ${length}`);
  }
  if (!littleEndian) {
    if (width === 4) bytes.swap32();
    else bytes.swap64();
  }
  return bytes;
}

export function decodeFloat32(text: string, length: number, label: string): Float32Array {
  const bytes = decodeBytes(text, 4, length, label);
  const values = new Float32Array(length);
  new Uint8Array(values.buffer).set(bytes);
  return values;
}

export function decodeFloat64(text: string, length: number, label: string): Float64Array {
  const bytes = decodeBytes(text, 8, length, label);
  const values = new Float64Array(length);
  new Uint8Array(values.buffer).set(bytes);
  return values;
}

export function encodeNumber(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function decodeNumber(value: number | null): number {
  return value === null ? Number.NaN : value;
}

export function invalidState(detail: string): UserError {
  return new UserError(
    'align-state-invalid',
    `the saved search state is not usable: ${detail}`,
    'resume from the state.json an EdgeTune align run wrote, or start a fresh run without --resume',
  );
}

const nullableNumber = z.number().nullable();

export const searchStateSchema = z.object({
  schema: z.literal(SEARCH_STATE_SCHEMA),
  algorithm: z.enum(algorithmNames as [string, ...string[]]),
  dimension: z.number().int().positive(),
  seed: z.number().int(),
  direction: z.enum(['max', 'min']),
  shell: z.boolean(),
  generation: z.number().int().nonnegative(),
  evaluations: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  infeasible: z.number().int().nonnegative(),
  best: z
    .object({ genome: z.string(), fitness: z.number(), violation: z.number().nonnegative(), generation: z.number().int().nonnegative() })
    .nullable(),
  config: z.record(z.string(), z.number()),
  core: z.record(z.string(), z.unknown()),
});

/** Checks the shared part of a state read from a file; each algorithm checks its own `config` and `core`. */
export function parseSearchState(value: unknown): SearchState {
  const parsed = searchStateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidState(`${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data as SearchState;
}

/** Parses an algorithm's `config` or `core` with its own schema, naming the broken field on failure. */
export function parsePart<T>(schema: z.ZodType<T>, value: unknown, part: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidState(`${part}.${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

export const nullableNumbers = z.array(nullableNumber);
