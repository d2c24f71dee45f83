import type ort from 'onnxruntime-node';
import type { NoisePredictor } from '../../denoise.js';
import { applyClassifierFreeGuidance } from '../../guidance.js';
import { runInGroups } from '../../onnx/grouped-run.js';
import { requireType, type ModelSession } from '../../onnx/session.js';
import { fixedBatch, floatTensor, timestepTensor } from '../../onnx/tensors.js';
import type { PromptEmbedding } from './prompt-encoder.js';

export interface UnetBatch {
  /** prompt embeddings in the order of the model batch: [negative prompt, prompt] when guided */
  readonly prompts: readonly PromptEmbedding[];
  readonly images: number;
  readonly latentShape: readonly number[];
  /** null: no guidance, one row per image */
  readonly guidanceScale: number | null;
}

export interface Unet {
  /** latent channels the UNet declares (4 for SD 1.x/2.x) */
  readonly latentChannels: number;
  /** [height, width] when the export fixed the latent size, else null */
  readonly fixedLatentSize: readonly [number, number] | null;
  /** the noise prediction for one batch of images, guided when the batch asks for it */
  predictor(batch: UnetBatch): NoisePredictor;
}

/** Binds a UNet session to the element types and shapes its export declares. */
export function bindUnet(unet: ModelSession): Unet {
  const sampleInfo = unet.inputs.get('sample')!;
  const timestepInfo = unet.inputs.get('timestep')!;
  const contextInfo = unet.inputs.get('encoder_hidden_states')!;
  const sampleType = requireType(unet.label, sampleInfo, ['float32', 'float16'] as const);
  const timestepType = requireType(unet.label, timestepInfo, ['int64', 'int32', 'float32', 'float16'] as const);
  const contextType = requireType(unet.label, contextInfo, ['float32', 'float16'] as const);
  const [, channels, height, width] = sampleInfo.shape;
  const batchOfModel = fixedBatch(sampleInfo);

  return {
    latentChannels: typeof channels === 'number' ? channels : 4,
    fixedLatentSize: typeof height === 'number' && typeof width === 'number' ? [height, width] : null,
    predictor({ prompts, images, latentShape, guidanceScale }) {
      const rows = prompts.length * images;
      const latentLength = latentShape.reduce((product, dim) => product * dim, 1);
      const context = stackRows(prompts.map((prompt) => prompt.values), images);
      const contextRowLength = prompts[0].values.length;
      // The context is the same at every step: convert each group's slice once.
      const contextTensors = new Map<number, ort.Tensor>();
      const contextFor = (start: number, count: number): ort.Tensor => {
        let tensor = contextTensors.get(start);
        if (!tensor) {
          const slice = context.subarray(start * contextRowLength, (start + count) * contextRowLength);
          tensor = floatTensor(contextType, slice, [count, ...prompts[0].rowDims]);
          contextTensors.set(start, tensor);
        }
        return tensor;
      };
      return async (modelInput, timestep) => {
        const sample = stackRows(Array(prompts.length).fill(modelInput), 1);
        const output = await runInGroups(
          unet,
          rows,
          batchOfModel,
          (start, count) => ({
            sample: floatTensor(sampleType, sample.subarray(start * latentLength, (start + count) * latentLength), [count, ...latentShape]),
            timestep: timestepTensor(timestepInfo, timestepType, timestep, count),
            encoder_hidden_states: contextFor(start, count),
          }),
          'out_sample',
        );
        return guidanceScale === null ? output.values : applyClassifierFreeGuidance(output.values, guidanceScale);
      };
    },
  };
}

/** Each block repeated `times`, blocks one after another: [a, a, b, b] for ([a, b], 2). */
function stackRows(blocks: readonly Float32Array[], times: number): Float32Array {
  if (blocks.length === 1 && times === 1) return blocks[0];
  const blockLength = blocks[0].length;
  const out = new Float32Array(blocks.length * times * blockLength);
  blocks.forEach((block, index) => {
    for (let copy = 0; copy < times; copy++) out.set(block, (index * times + copy) * blockLength);
  });
  return out;
}
