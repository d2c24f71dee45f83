/** onnxruntime plumbing shared by the pruning tests. */
import ort from 'onnxruntime-node';
import { createRng } from '../../../electron/engine/util/rng.js';

// Two cores are shared with other test runs: one thread each keeps timings of others honest.
const sessionOptions: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

export function createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, sessionOptions);
}

/** Runs `tokens` [batch, n, width] and returns every output. */
export function runTokens(
  session: ort.InferenceSession,
  input: Float32Array,
  dims: readonly number[],
): Promise<ort.InferenceSession.ReturnType> {
  return session.run({ tokens: new ort.Tensor('float32', input, dims) });
}

export function randomTokens(seed: number, batch: number, tokens: number, width: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: batch * tokens * width }, () => rng.normal());
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** One image's rows of a [batch, n, channels] tensor. */
export function imageRows(tensor: ort.Tensor, image: number): number[][] {
  const [, tokens, channels] = tensor.dims;
  const data = tensor.data as Float32Array;
  return Array.from({ length: tokens }, (_, n) =>
    Array.from(data.subarray((image * tokens + n) * channels, (image * tokens + n + 1) * channels)),
  );
}

/** [batch][n][width] rows → the flat input tensor. */
export function flatTokens(images: readonly (readonly (readonly number[])[])[]): Float32Array {
  return Float32Array.from(images.flatMap((rows) => rows.flatMap((row) => [...row])));
}

/** A float32 tensor's values as plain numbers. */
export function floats(tensor: ort.Tensor): number[] {
  return Array.from(tensor.data as Float32Array);
}
