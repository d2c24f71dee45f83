/**
 * Writes a tiny random EdgeTune diffusion model folder (model.json + denoiser.onnx) that follows
 * the contract of the real one: for tests, and for checking a provider without the shipped model.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attr, createGraphBuilder } from '../../models/onnx/graph.js';
import { EDGETUNE_DIFFUSION_MODEL_SCHEMA, type EdgeTuneModelManifest } from '../models/edgetune-model.js';
import { addFloatInitializer, seededNormal } from './weights.js';

export interface TinyEdgeTuneModelOptions {
  readonly prediction?: 'epsilon' | 'v';
  readonly imageSize?: number;
  readonly seed?: number;
  readonly name?: string;
}

const hiddenChannels = 8;

export async function writeTinyEdgeTuneModel(folder: string, options: TinyEdgeTuneModelOptions = {}): Promise<EdgeTuneModelManifest> {
  const imageSize = options.imageSize ?? 32;
  const manifest: EdgeTuneModelManifest = {
    schema: EDGETUNE_DIFFUSION_MODEL_SCHEMA,
    name: options.name ?? 'tiny-random',
    onnx: 'denoiser.onnx',
    imageSize,
    channels: 3,
    prediction: options.prediction ?? 'epsilon',
    valueRange: [-1, 1],
    scheduler: {
      trainTimesteps: 1000,
      betaSchedule: 'linear',
      betaStart: 0.0001,
      betaEnd: 0.02,
      defaultSteps: 20,
      defaultSampler: 'ddim',
      timestepSpacing: 'trailing',
    },
  };
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(folder, manifest.onnx), denoiserOnnx(options.seed ?? 0));
  return manifest;
}

/** noise_pred = sample + conv(silu(conv(sample) + sin(timestep·f))): float32 [B, 3, H, W] and [B]. */
function denoiserOnnx(seed: number): Uint8Array {
  const graph = createGraphBuilder('tiny-edgetune-denoiser');
  const weight = (name: string, dims: number[], std: number): string =>
    addFloatInitializer(graph, 'fp32', name, dims, seededNormal(seed, name, dims.reduce((a, b) => a * b, 1), std));
  graph.input('sample', 'float32', ['batch', 3, 'height', 'width']);
  graph.input('timestep', 'float32', ['batch']);
  const frequencies = Float32Array.from({ length: hiddenChannels }, (_, i) => Math.exp((-Math.log(1000) * i) / hiddenChannels));
  graph.initializerInt64('time_shape', [4], [-1, 1, 1, 1]);
  graph.node('Reshape', ['timestep', 'time_shape'], ['timestep_4d']);
  graph.node('Mul', ['timestep_4d', addFloatInitializer(graph, 'fp32', 'time_frequencies', [1, hiddenChannels, 1, 1], frequencies)], ['time_phase']);
  graph.node('Sin', ['time_phase'], ['time_embedding']);
  const conv3x3 = { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) };
  graph.node('Conv', ['sample', weight('conv_in.weight', [hiddenChannels, 3, 3, 3], 0.2), weight('conv_in.bias', [hiddenChannels], 0.1)], ['hidden'], conv3x3);
  graph.node('Add', ['hidden', 'time_embedding'], ['hidden_time']);
  graph.node('Sigmoid', ['hidden_time'], ['gate']);
  graph.node('Mul', ['hidden_time', 'gate'], ['activated']);
  graph.node('Conv', ['activated', weight('conv_out.weight', [3, hiddenChannels, 3, 3], 0.05), weight('conv_out.bias', [3], 0.02)], ['residual'], conv3x3);
  graph.node('Add', ['sample', 'residual'], ['noise_pred']);
  graph.output('noise_pred', 'float32', ['batch', 3, 'height', 'width']);
  return graph.toBytes();
}
