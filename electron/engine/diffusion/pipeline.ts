/**
 * The pipeline contract the alignment search uses: initial noise in, images out, nothing else.
 * Both backends (EdgeTune's own pixel-space model, Stable Diffusion folders) implement it.
 */
import { CancelledError } from '../errors.js';
import type { RgbImage } from './image.js';

export interface DiffusionProgress {
  /** denoising steps done so far in this generate() call, over all batches */
  readonly step: number;
  /** denoising steps the whole call takes: steps per image batch × batches */
  readonly steps: number;
}

export interface GenerateOptions {
  /** checked between denoising steps: a step under way finishes, then generate() rejects with CancelledError */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DiffusionProgress) => void;
}

export interface DiffusionPipeline {
  /** the shape of one image's initial noise, e.g. [4, 64, 64] for Stable Diffusion 1.5 at 512² */
  readonly latentShape: readonly number[];
  /** denoising steps per image batch */
  readonly steps: number;
  /** images per model call (before classifier-free guidance doubles it) */
  readonly batchSize: number;
  /**
   * One image per initial latent, in order. The same latents give byte-identical images on the
   * same machine and execution provider. The pipeline's own arithmetic is per image, so the batch
   * size changes nothing as long as the provider's kernels do not; they may (onnxruntime's CPU
   * ReduceMean, for one, sums in a different order at batch 1), so keep it fixed within a search.
   */
  generate(latents: readonly Float32Array[], options?: GenerateOptions): Promise<RgbImage[]>;
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('image generation cancelled');
}

export function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return batchSize;
}

/** Runs one batch of initial latents, concatenated; calls `onStep` after each denoising step. */
export type BatchGenerator = (latents: Float32Array, images: number, onStep: () => void) => Promise<RgbImage[]>;

/** Splits `latents` into batches of at most `batchSize` and reports progress over the whole call. */
export async function generateInBatches(
  latents: readonly Float32Array[],
  pipeline: Pick<DiffusionPipeline, 'latentShape' | 'steps' | 'batchSize'>,
  options: GenerateOptions,
  generateBatch: BatchGenerator,
): Promise<RgbImage[]> {
  const latentLength = pipeline.latentShape.reduce((product, dim) => product * dim, 1);
  latents.forEach((latent, index) => {
    if (latent.length !== latentLength) {
      throw new RangeError(`latent ${index} has ${latent.length} values; this pipeline takes [${pipeline.latentShape.join(', ')}] = ${latentLength}`);
    }
  });
  const batches = Math.ceil(latents.length / pipeline.batchSize);
  const progress = { step: 0, steps: batches * pipeline.steps };
  const images: RgbImage[] = [];
  for (let start = 0; start < latents.length; start += pipeline.batchSize) {
    throwIfCancelled(options.signal);
    const batch = latents.slice(start, start + pipeline.batchSize);
    const joined = new Float32Array(batch.length * latentLength);
    batch.forEach((latent, index) => joined.set(latent, index * latentLength));
    const onStep = (): void => {
      progress.step++;
      options.onProgress?.({ ...progress });
    };
    images.push(...(await generateBatch(joined, batch.length, onStep)));
  }
  return images;
}
