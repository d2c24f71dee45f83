import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, UserError } from '../../../electron/engine/errors.js';
import type { RgbImage } from '../../../electron/engine/diffusion/image.js';
import { loadEdgeTuneModel, type EdgeTuneDiffusionModel } from '../../../electron/engine/diffusion/pipelines/edgetune.js';
import { writeTinyEdgeTuneModel } from '../../../electron/engine/diffusion/tiny/tiny-edgetune-model.js';
import { createGraphBuilder } from '../../../electron/engine/models/onnx/graph.js';
import { createRng } from '../../../electron/engine/util/rng.js';

const cpu = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1 } as const;
const imageSize = 16;
const latentLength = 3 * imageSize * imageSize;

function latents(seed: number, count: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: latentLength }, () => rng.normal()));
}

function bytes(images: readonly RgbImage[]): number[][] {
  return images.map((image) => [...image.data]);
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'edgetune-model-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.each(['epsilon', 'v'] as const)('tiny EdgeTune model pipeline (%s prediction)', (prediction) => {
  let model: EdgeTuneDiffusionModel;
  beforeAll(async () => {
    const folder = join(root, prediction);
    await writeTinyEdgeTuneModel(folder, { prediction, imageSize });
    model = await loadEdgeTuneModel(folder, cpu);
  });
  afterAll(async () => model?.close());

  it('runs with the defaults of model.json: one RGB image per latent', async () => {
    const pipeline = model.pipeline();
    expect(pipeline.latentShape).toEqual([3, imageSize, imageSize]);
    expect(pipeline.steps).toBe(20);
    const images = await pipeline.generate(latents(1, 2));
    expect(images.map((image) => [image.width, image.height, image.data.length])).toEqual([
      [imageSize, imageSize, latentLength],
      [imageSize, imageSize, latentLength],
    ]);
    expect(new Set(images[0].data).size).toBeGreaterThan(20);
  });

  it('is deterministic and independent of the batch size', async () => {
    const input = latents(2, 5);
    const once = await model.pipeline({ steps: 8, batchSize: 5 }).generate(input);
    expect(bytes(await model.pipeline({ steps: 8, batchSize: 5 }).generate(input))).toEqual(bytes(once));
    expect(bytes(await model.pipeline({ steps: 8, batchSize: 2 }).generate(input))).toEqual(bytes(once));
  });

  it('runs the Euler sampler too, to a different image', async () => {
    const input = latents(3, 1);
    const euler = await model.pipeline({ steps: 8, sampler: 'euler' }).generate(input);
    const ddim = await model.pipeline({ steps: 8, sampler: 'ddim' }).generate(input);
    expect(bytes(euler)).not.toEqual(bytes(ddim));
  });

  it('does nothing once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    let progressCalls = 0;
    const run = model.pipeline({ steps: 4 }).generate(latents(4, 1), { signal: controller.signal, onProgress: () => progressCalls++ });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(progressCalls).toBe(0);
  });
});

describe('EdgeTune model folders that cannot be used', () => {
  async function folderWith(name: string, manifest: unknown, onnx?: Uint8Array | string): Promise<string> {
    const folder = join(root, name);
    await writeTinyEdgeTuneModel(folder, { imageSize });
    if (manifest !== undefined) await writeFile(join(folder, 'model.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
    if (onnx !== undefined) await writeFile(join(folder, 'denoiser.onnx'), onnx);
    return folder;
  }

  async function loadError(folder: string, executionProviders: readonly string[] = ['cpu']): Promise<UserError> {
    const error = await loadEdgeTuneModel(folder, { ...cpu, executionProviders }).then(
      () => new Error('expected loading to fail'),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }

  const goodManifest = {
    schema: 'edgetune/diffusion-model@1',
    name: 'x',
    onnx: 'denoiser.onnx',
    imageSize,
    channels: 3,
    prediction: 'epsilon',
    valueRange: [-1, 1],
    scheduler: { trainTimesteps: 1000, betaSchedule: 'linear', betaStart: 0.0001, betaEnd: 0.02, defaultSteps: 20, defaultSampler: 'ddim' },
  };

  it('names a missing model.json', async () => {
    const error = await loadError(join(root, 'no-such-model'));
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain('model.json');
    expect(error.fix).toContain('edgetune/diffusion-model@1');
  });

  it('says model.json is not JSON, or which fields are wrong', async () => {
    const notJson = await loadError(await folderWith('not-json', '{ "schema": '));
    expect(notJson.code).toBe('model-invalid');
    expect(notJson.message).toContain('model.json is not valid JSON');

    const wrongFields = await loadError(await folderWith('wrong-fields', { ...goodManifest, prediction: 'x0', scheduler: { ...goodManifest.scheduler, betaSchedule: 'sigmoid' } }));
    expect(wrongFields.code).toBe('model-invalid');
    expect(wrongFields.message).toContain('prediction');
    expect(wrongFields.message).toContain('scheduler.betaSchedule');

    const escaping = await loadError(await folderWith('escaping', { ...goodManifest, onnx: '../elsewhere.onnx' }));
    expect(escaping.message).toContain('inside the model folder');
  });

  it('accepts the contract without the optional timestepSpacing', async () => {
    const model = await loadEdgeTuneModel(await folderWith('minimal', goodManifest), cpu);
    expect(model.manifest.scheduler.timestepSpacing).toBe('trailing');
    await model.close();
  });

  it('names a missing denoiser', async () => {
    const error = await loadError(await folderWith('no-denoiser', { ...goodManifest, onnx: 'missing.onnx' }));
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain('missing.onnx');
  });

  it('reports a corrupt denoiser with the file and the execution provider', async () => {
    const garbage = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919) % 251);
    const error = await loadError(await folderWith('corrupt', undefined, garbage));
    expect(error.code).toBe('model-unreadable');
    expect(error.message).toContain('denoiser.onnx');
    expect(error.message).toContain('cpu');
    expect(error.fix).toContain('re-export');
  });

  it('lists the inputs a denoiser has when they are not the contract’s', async () => {
    const graph = createGraphBuilder('wrong-names');
    graph.input('x', 'float32', ['batch', 3, imageSize, imageSize]);
    graph.input('t', 'float32', ['batch']);
    graph.node('Identity', ['x'], ['noise_pred']);
    graph.output('noise_pred', 'float32', ['batch', 3, imageSize, imageSize]);
    const error = await loadError(await folderWith('wrong-names', undefined, graph.toBytes()));
    expect(error.code).toBe('model-unsupported');
    expect(error.message).toContain('no input named sample, timestep (it has x, t)');
    expect(error.fix).toContain('sample, timestep');
  });

  it('catches a denoiser exported for another image size than model.json says', async () => {
    const graph = createGraphBuilder('fixed-size');
    graph.input('sample', 'float32', ['batch', 3, imageSize, imageSize]);
    graph.input('timestep', 'float32', ['batch']);
    graph.node('Identity', ['sample'], ['noise_pred']);
    graph.output('noise_pred', 'float32', ['batch', 3, imageSize, imageSize]);
    const error = await loadError(await folderWith('wrong-size', { ...goodManifest, imageSize: 32 }, graph.toBytes()));
    expect(error.code).toBe('model-unsupported');
    expect(error.message).toContain(`declared [batch, 3, ${imageSize}, ${imageSize}]`);
    expect(error.message).toContain('3×32×32');
  });

  it('names the model file and the execution provider when the provider fails', async () => {
    const error = await loadError(await folderWith('provider', undefined), ['no-such-provider']);
    expect(error.code).toBe('ep-failed');
    expect(error.message).toContain('denoiser.onnx');
    expect(error.message).toContain('no-such-provider');
  });
});
