/** Float data crossing into and out of onnxruntime in the precision each model declares. */
import ort from 'onnxruntime-node';
import { UserError } from '../../errors.js';
import { fromFloat16Array, toFloat16Array } from '../float16.js';
import type { TensorInfo } from './session.js';

export type FloatType = 'float32' | 'float16';
export type IndexType = 'int32' | 'int64';
export type TimestepType = 'float32' | 'float16' | 'int32' | 'int64';

export function floatTensor(type: FloatType, values: Float32Array, dims: readonly number[]): ort.Tensor {
  return type === 'float16' ? new ort.Tensor('float16', toFloat16Array(values), dims) : new ort.Tensor('float32', values, dims);
}

export function indexTensor(type: IndexType, values: readonly number[], dims: readonly number[]): ort.Tensor {
  return type === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(values, (value) => BigInt(value)), dims)
    : new ort.Tensor('int32', Int32Array.from(values), dims);
}

/** A float output as float32, whatever precision the model computed it in. */
export function floatOutput(outputs: Record<string, ort.Tensor>, name: string, label: string): { values: Float32Array; dims: number[] } {
  const tensor = outputs[name];
  if (tensor.type === 'float32') return { values: tensor.data as Float32Array, dims: [...tensor.dims] };
  if (tensor.type === 'float16') return { values: fromFloat16Array(tensor.data as Uint16Array), dims: [...tensor.dims] };
  throw new UserError('model-unsupported', `${label}: output ${name} is ${tensor.type}; EdgeTune reads float32 or float16`, 're-export the model with float outputs');
}

/** The fixed batch size a model declares on its first axis; null when the axis is dynamic. */
export function fixedBatch(info: TensorInfo): number | null {
  const first = info.shape[0];
  return typeof first === 'number' && first > 0 ? first : null;
}

/**
 * The timestep tensor for `rows` batch rows. Exports differ: a scalar, one value the model
 * broadcasts ([1], diffusers' own ONNX pipeline), or one per row ([batch]); int64 or float.
 */
export function timestepTensor(info: TensorInfo, type: TimestepType, timestep: number, rows: number): ort.Tensor {
  const dims = info.shape.length === 0 ? [] : info.shape[0] === 1 ? [1] : [rows];
  const count = dims.length === 0 ? 1 : dims[0];
  // Euler visits fractional timesteps; an integer input gets the nearest training timestep.
  if (type === 'int64') return new ort.Tensor('int64', new BigInt64Array(count).fill(BigInt(Math.round(timestep))), dims);
  if (type === 'int32') return new ort.Tensor('int32', new Int32Array(count).fill(Math.round(timestep)), dims);
  return floatTensor(type, new Float32Array(count).fill(timestep), dims);
}
