import ort from 'onnxruntime-node';
import { createRng } from '../../../../electron/engine/util/rng.js';

// Two cores are shared with other test runs: one thread each keeps timings of others honest.
export const sessionOptions: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

export function createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, sessionOptions);
}

export function randomValues(seed: number, length: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.normal());
}

export function randomImages(seed: number, batch: number, imageSize: number): ort.Tensor {
  return new ort.Tensor('float32', randomValues(seed, batch * 3 * imageSize * imageSize), [batch, 3, imageSize, imageSize]);
}

/** Image `index` of a [batch, 3, size, size] tensor. */
export function imageAt(images: ort.Tensor, index: number): Float32Array {
  const length = images.dims.slice(1).reduce((product, dim) => product * dim, 1);
  return (images.data as Float32Array).subarray(index * length, (index + 1) * length);
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`comparing ${a.length} values with ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
