import { samplesToRgbImages, type RgbImage } from '../../image.js';
import { runInGroups } from '../../onnx/grouped-run.js';
import { requireType, type ModelSession } from '../../onnx/session.js';
import { fixedBatch, floatTensor } from '../../onnx/tensors.js';

export interface VaeDecoder {
  decode(latents: Float32Array, images: number, latentShape: readonly number[]): Promise<RgbImage[]>;
}

/** Latents are unscaled by the VAE's scaling factor, then decoded to [-1, 1] RGB. */
export function bindVaeDecoder(vaeDecoder: ModelSession, scalingFactor: number): VaeDecoder {
  const latentInfo = vaeDecoder.inputs.get('latent_sample')!;
  const latentType = requireType(vaeDecoder.label, latentInfo, ['float32', 'float16'] as const);
  const batchOfModel = fixedBatch(latentInfo);
  return {
    async decode(latents, images, latentShape) {
      const unscaled = latents.map((value) => value / scalingFactor);
      const latentLength = unscaled.length / images;
      const output = await runInGroups(
        vaeDecoder,
        images,
        batchOfModel,
        (start, count) => ({
          latent_sample: floatTensor(latentType, unscaled.subarray(start * latentLength, (start + count) * latentLength), [count, ...latentShape]),
        }),
        'sample',
      );
      return samplesToRgbImages(output.values, output.dims, [-1, 1]);
    },
  };
}
