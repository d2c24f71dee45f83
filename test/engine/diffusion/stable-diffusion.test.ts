import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../../../electron/engine/errors.js';
import type { RgbImage } from '../../../electron/engine/diffusion/image.js';
import { loadStableDiffusion, type StableDiffusionModel } from '../../../electron/engine/diffusion/pipelines/stable-diffusion.js';
import type { DiffusionProgress } from '../../../electron/engine/diffusion/pipeline.js';
import { writeTinyStableDiffusion } from '../../../electron/engine/diffusion/tiny/tiny-stable-diffusion.js';
import { readOnnxFile } from '../../../electron/engine/models/onnx/reader.js';
import { createRng } from '../../../electron/engine/util/rng.js';

const cpu = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 } as const;
const steps = 6;
const latentLength = 4 * 8 * 8;

function latents(seed: number, count: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: latentLength }, () => rng.normal()));
}

function bytes(images: readonly RgbImage[]): number[][] {
  return images.map((image) => [...image.data]);
}

function meanAbsoluteDifference(a: RgbImage, b: RgbImage): number {
  return a.data.reduce((sum, value, i) => sum + Math.abs(value - b.data[i]), 0) / a.data.length;
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-sd-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each(['fp32', 'fp16'] as const)('tiny Stable Diffusion pipeline (%s)', (precision) => {
  let model: StableDiffusionModel;
  let folder: string;
  beforeAll(async () => {
    folder = join(root, precision);
    await writeTinyStableDiffusion(folder, { precision });
    model = await loadStableDiffusion(folder, cpu);
  });
  afterAll(async () => model?.close());

  it('declares the precision and the input conventions of the export it imitates', async () => {
    const unet = await readOnnxFile(join(folder, 'unet/model.onnx'));
    const textEncoder = await readOnnxFile(join(folder, 'text_encoder/model.onnx'));
    const half = precision === 'fp16';
    expect(unet.inputs.map((input) => [input.name, input.elemType, input.dims])).toEqual([
      ['sample', half ? 'float16' : 'float32', ['batch', 4, 'height', 'width']],
      ['timestep', half ? 'float16' : 'int64', half ? ['batch'] : [1]],
      ['encoder_hidden_states', half ? 'float16' : 'float32', ['batch', 'sequence', 32]],
    ]);
    expect(unet.outputs.map((output) => output.name)).toEqual(['out_sample']);
    expect(new Set(unet.initializers.filter((init) => init.dims.length > 1).map((init) => init.dataType))).toEqual(new Set([half ? 'float16' : 'float32']));
    expect(textEncoder.inputs[0]).toMatchObject({ name: 'input_ids', elemType: half ? 'int32' : 'int64' });
  });

  it('runs end to end: one 64×64 RGB image per latent', async () => {
    const pipeline = model.pipeline({ prompt: 'a photo of a cat', steps, batchSize: 2 });
    expect(pipeline.latentShape).toEqual([4, 8, 8]);
    const images = await pipeline.generate(latents(1, 3));
    expect(images).toHaveLength(3);
    for (const image of images) {
      expect([image.width, image.height, image.data.length]).toEqual([64, 64, 64 * 64 * 3]);
      expect(new Set(image.data).size).toBeGreaterThan(50);
    }
    expect(bytes(images)[0]).not.toEqual(bytes(images)[1]);
  });

  it('is deterministic: the same latents give byte-identical images', async () => {
    const pipeline = model.pipeline({ prompt: 'a red car', steps });
    const input = latents(2, 2);
    expect(bytes(await pipeline.generate(input))).toEqual(bytes(await pipeline.generate(input)));
  });

  it('at guidance scale 1 equals guidance that steers from the prompt to itself (conditional only)', async () => {
    const input = latents(3, 2);
    const conditionalOnly = await model.pipeline({ prompt: 'a blue tree', guidanceScale: 1, steps }).generate(input);
    // ε_u + s·(ε_c − ε_u) is exactly ε_c when the negative prompt is the prompt: a guided batch
    // that must reproduce the unguided one bit for bit.
    const guidedToItself = await model.pipeline({ prompt: 'a blue tree', negativePrompt: 'a blue tree', guidanceScale: 6, steps }).generate(input);
    expect(bytes(guidedToItself)).toEqual(bytes(conditionalOnly));
    const guided = await model.pipeline({ prompt: 'a blue tree', guidanceScale: 6, steps }).generate(input);
    expect(bytes(guided)).not.toEqual(bytes(conditionalOnly));
  });

  it('gives different images for different prompts from the same latents', async () => {
    const input = latents(4, 1);
    const cat = await model.pipeline({ prompt: 'a photo of a cat', steps }).generate(input);
    const dog = await model.pipeline({ prompt: 'a photo of a dog', steps }).generate(input);
    expect(meanAbsoluteDifference(cat[0], dog[0])).toBeGreaterThan(1);
  });

  it('gives the same images whatever the batch size', async () => {
    const input = latents(5, 3);
    const oneByOne = await model.pipeline({ prompt: 'a lake', steps, batchSize: 1 }).generate(input);
    const together = await model.pipeline({ prompt: 'a lake', steps, batchSize: 3 }).generate(input);
    const split = await model.pipeline({ prompt: 'a lake', steps, batchSize: 2 }).generate(input);
    expect(bytes(together)).toEqual(bytes(oneByOne));
    expect(bytes(split)).toEqual(bytes(oneByOne));
  });

  it('reports progress over all batches and stops between steps when cancelled', async () => {
    const pipeline = model.pipeline({ prompt: 'a dog', steps, batchSize: 1 });
    const seen: DiffusionProgress[] = [];
    await pipeline.generate(latents(6, 2), { onProgress: (progress) => seen.push(progress) });
    expect(seen.map((progress) => progress.step)).toEqual(Array.from({ length: 2 * steps }, (_, i) => i + 1));
    expect(new Set(seen.map((progress) => progress.steps))).toEqual(new Set([2 * steps]));

    const controller = new AbortController();
    const stepsRun: number[] = [];
    const cancelled = pipeline.generate(latents(6, 2), {
      signal: controller.signal,
      onProgress: ({ step }) => {
        stepsRun.push(step);
        if (step === 2) controller.abort();
      },
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    expect(stepsRun).toEqual([1, 2]);
  });

  it('runs the text encoder once per prompt, however many images and pipelines use it', async () => {
    const before = model.textEncoderRuns;
    const pipeline = model.pipeline({ prompt: 'a mountain painting', guidanceScale: 5, steps: 2 });
    await pipeline.generate(latents(7, 2));
    await pipeline.generate(latents(8, 3));
    // the prompt and the empty negative prompt (already embedded by earlier tests)
    expect(model.textEncoderRuns - before).toBe(1);
    await model.pipeline({ prompt: 'a mountain painting', guidanceScale: 1, steps: 2 }).generate(latents(9, 1));
    expect(model.textEncoderRuns - before).toBe(1);
    await model.pipeline({ prompt: 'the mountain painting', guidanceScale: 1, steps: 2 }).generate(latents(9, 1));
    expect(model.textEncoderRuns - before).toBe(2);
  });

  it('runs the Euler sampler too', async () => {
    const images = await model.pipeline({ prompt: 'a cat', steps, sampler: 'euler' }).generate(latents(10, 1));
    expect(new Set(images[0].data).size).toBeGreaterThan(50);
  });

  it('rejects latents of the wrong size', async () => {
    await expect(model.pipeline({ prompt: 'a cat', steps }).generate([new Float32Array(10)])).rejects.toThrow(/\[4, 8, 8\]/);
  });
});

describe('tiny Stable Diffusion across precisions and export styles', () => {
  it('gives nearly the same images in fp16 as in fp32 (same seeded weights)', async () => {
    const input = latents(11, 2);
    const generate = async (precision: 'fp32' | 'fp16'): Promise<RgbImage[]> => {
      const model = await loadStableDiffusion(join(root, precision), cpu);
      try {
        return await model.pipeline({ prompt: 'a photo of a cat', steps }).generate(input);
      } finally {
        await model.close();
      }
    };
    const [full, half] = [await generate('fp32'), await generate('fp16')];
    for (let i = 0; i < input.length; i++) {
      expect(meanAbsoluteDifference(full[i], half[i])).toBeLessThan(1);
    }
  });

  it('splits guided batches for an export with a fixed batch of 1, with the same images', async () => {
    const folder = join(root, 'static');
    await writeTinyStableDiffusion(folder, { precision: 'fp32', staticBatch: 1 });
    const input = latents(12, 2);
    const dynamicModel = await loadStableDiffusion(join(root, 'fp32'), cpu);
    const staticModel = await loadStableDiffusion(folder, cpu);
    try {
      const settings = { prompt: 'a red tree', steps, batchSize: 2 };
      expect(bytes(await staticModel.pipeline(settings).generate(input))).toEqual(bytes(await dynamicModel.pipeline(settings).generate(input)));
    } finally {
      await Promise.all([dynamicModel.close(), staticModel.close()]);
    }
  });
});

describe('Stable Diffusion folders that cannot be used', () => {
  async function loadError(folder: string, providers: readonly string[] = ['cpu']): Promise<UserError> {
    const error = await loadStableDiffusion(folder, { ...cpu, executionProviders: providers }).then(
      () => new Error('expected loading to fail'),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }

  it('names the missing model_index.json', async () => {
    const error = await loadError(join(root, 'nowhere'));
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain('model_index.json');
    expect(error.fix).toContain('optimum-cli export onnx');
  });

  it('names the model file and the execution provider when a session cannot be created', async () => {
    const error = await loadError(join(root, 'fp32'), ['no-such-provider']);
    expect(error.code).toBe('ep-failed');
    expect(error.message).toContain('text_encoder/model.onnx');
    expect(error.message).toContain('no-such-provider');
  });

  it('reports a damaged UNet as such', async () => {
    const folder = join(root, 'damaged');
    await writeTinyStableDiffusion(folder, { precision: 'fp32' });
    await writeFile(join(folder, 'unet/model.onnx'), 'not a protobuf at all');
    const error = await loadError(folder);
    expect(error.code).toBe('model-unreadable');
    expect(error.message).toContain('unet/model.onnx');
    expect(error.message).toContain('cpu');
  });

  it('refuses SDXL folders instead of failing later', async () => {
    const folder = join(root, 'sdxl');
    await writeTinyStableDiffusion(folder, { precision: 'fp32' });
    await writeFile(join(folder, 'model_index.json'), JSON.stringify({ _class_name: 'ORTStableDiffusionXLPipeline', text_encoder_2: ['x', 'y'] }));
    const error = await loadError(folder);
    expect(error.code).toBe('model-unsupported');
    expect(error.message).toContain('text_encoder_2');
  });
});
