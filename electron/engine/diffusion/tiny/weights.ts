import type { ElemType, GraphBuilder } from '../../models/onnx/graph.js';
import { createRng, deriveSeed } from '../../util/rng.js';
import { toFloat16Array } from '../float16.js';

export type TinyPrecision = 'fp32' | 'fp16';

export function floatElemType(precision: TinyPrecision): ElemType {
  return precision === 'fp16' ? 'float16' : 'float32';
}

/** Seeded N(0, std²) values; the same (seed, name) gives the same values in every precision. */
export function seededNormal(seed: number, name: string, count: number, std: number): Float32Array {
  const rng = createRng(deriveSeed(seed, name));
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = rng.normal() * std;
  return values;
}

/** Adds a float initializer stored in the graph's precision; returns its name for use as a node input. */
export function addFloatInitializer(
  graph: GraphBuilder,
  precision: TinyPrecision,
  name: string,
  dims: readonly number[],
  values: Float32Array,
): string {
  if (precision === 'fp16') graph.initializerFloat16(name, dims, toFloat16Array(values));
  else graph.initializerFloat32(name, dims, values);
  return name;
}
