/**
 * Writes a tiny random Stable Diffusion folder: the file layout, input/output names, ranks and
 * element types of a diffusers ONNX export of SD 1.5, at widths small enough to run in
 * milliseconds. It produces noise-like images, not pictures; it exists to check that the
 * pipeline, an execution provider and EdgeTune's handling of both precisions work, in tests and as
 * a user's smoke test, without downloading gigabytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attr, createGraphBuilder, type Dim, type ElemType } from '../../models/onnx/graph.js';
import { dataTypeCodes } from '../../models/onnx/schema.js';
import { clipContextLength } from '../tokenizer/clip-tokenizer.js';
import { tinyClipVocabulary } from './tokenizer-files.js';
import { addFloatInitializer, floatElemType, seededNormal, type TinyPrecision } from './weights.js';

export interface TinyStableDiffusionOptions {
  /**
   * fp32: int64 input_ids and a [1] int64 timestep (as optimum exports SD 1.5);
   * fp16: float16 weights and I/O, int32 input_ids and a [batch] float16 timestep
   * (as diffusers' fp16 conversion writes it). Between them both timestep conventions are covered.
   */
  readonly precision: TinyPrecision;
  readonly seed?: number;
  /**
   * Declare a fixed batch size on the UNet and VAE decoder (and 1 on the text encoder), as static
   * exports for Core ML, DirectML or NPUs do; default: a dynamic 'batch' axis.
   */
  readonly staticBatch?: number;
}

/** Tiny widths in place of SD 1.5's (text 768, UNet 320+, VAE 128+). */
export const tinyStableDiffusion = {
  textWidth: 32,
  unetChannels: 16,
  vaeChannels: 8,
  latentChannels: 4,
  latentSize: 8,
  vaeScaleFactor: 8,
  words: ['a', 'photo', 'of', 'the', 'cat', 'dog', 'red', 'blue', 'car', 'tree', 'painting', 'in', 'style', 'mountain', 'lake'],
} as const;

/** Stable Diffusion 1.5's scheduler_config.json, as the diffusers export copies it. */
const sd15SchedulerConfig = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.6.0',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
};

export async function writeTinyStableDiffusion(folder: string, options: TinyStableDiffusionOptions): Promise<void> {
  const seed = options.seed ?? 0;
  const { words } = tinyStableDiffusion;
  const vocabulary = tinyClipVocabulary(words);
  const vocabSize = Object.keys(vocabulary.vocab).length;
  const write = async (path: string, contents: string | Uint8Array): Promise<void> => {
    await mkdir(join(folder, path, '..'), { recursive: true });
    await writeFile(join(folder, path), contents);
  };
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  await write('model_index.json', json({
    _class_name: 'OnnxStableDiffusionPipeline',
    _diffusers_version: '0.6.0',
    feature_extractor: [null, null],
    requires_safety_checker: false,
    safety_checker: [null, null],
    scheduler: ['diffusers', 'PNDMScheduler'],
    text_encoder: ['diffusers', 'OnnxRuntimeModel'],
    tokenizer: ['transformers', 'CLIPTokenizer'],
    unet: ['diffusers', 'OnnxRuntimeModel'],
    vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
  }));
  await write('scheduler/scheduler_config.json', json(sd15SchedulerConfig));
  await write('tokenizer/vocab.json', json(vocabulary.vocab));
  await write('tokenizer/merges.txt', ['#version: 0.2', ...vocabulary.merges].join('\n') + '\n');
  await write('tokenizer/special_tokens_map.json', json({ bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>' }));
  await write('tokenizer/tokenizer_config.json', json({ model_max_length: clipContextLength, do_lower_case: true }));
  await write('unet/config.json', json({ sample_size: tinyStableDiffusion.latentSize, in_channels: tinyStableDiffusion.latentChannels }));
  await write('vae_decoder/config.json', json({ scaling_factor: 0.18215, latent_channels: 4, block_out_channels: [8, 8, 8, 8] }));
  const batch = options.staticBatch ?? 'batch';
  await write('text_encoder/model.onnx', textEncoderOnnx(options.precision, seed, vocabSize, options.staticBatch === undefined ? 'batch' : 1));
  await write('unet/model.onnx', unetOnnx(options.precision, seed, batch));
  await write('vae_decoder/model.onnx', vaeDecoderOnnx(options.precision, seed, batch));
}

/** Token and position embeddings through one tanh layer: CLIP's names, not its depth. */
function textEncoderOnnx(precision: TinyPrecision, seed: number, vocabSize: number, batch: Dim): Uint8Array {
  const width = tinyStableDiffusion.textWidth;
  const float = floatElemType(precision);
  const graph = createGraphBuilder('tiny-text-encoder');
  const weight = (name: string, dims: number[], std: number): string =>
    addFloatInitializer(graph, precision, name, dims, seededNormal(seed, `text_encoder.${name}`, dims.reduce((a, b) => a * b, 1), std));
  graph.input('input_ids', precision === 'fp16' ? 'int32' : 'int64', [batch, 'sequence']);
  graph.node('Gather', [weight('token_embedding', [vocabSize, width], 1), 'input_ids'], ['tokens'], { axis: attr.int(0) });
  graph.node('Add', ['tokens', weight('position_embedding', [clipContextLength, width], 0.3)], ['embedded']);
  graph.node('MatMul', ['embedded', weight('proj.weight', [width, width], 0.3)], ['projected']);
  graph.node('Add', ['projected', weight('proj.bias', [width], 0.1)], ['biased']);
  graph.node('Tanh', ['biased'], ['last_hidden_state']);
  graph.node('ReduceMean', ['last_hidden_state'], ['pooler_output'], { axes: attr.ints([1]), keepdims: attr.int(0) });
  graph.output('last_hidden_state', float, [batch, 'sequence', width]);
  graph.output('pooler_output', float, [batch, width]);
  return graph.toBytes();
}

/**
 * out = sample + conv(silu(conv(sample) + sin(timestep·f) + pool(encoder_hidden_states·W))).
 * Predicting roughly the input keeps DDIM's x₀ estimates bounded, as a trained ε-model does at high noise.
 */
function unetOnnx(precision: TinyPrecision, seed: number, batch: Dim): Uint8Array {
  const { unetChannels: channels, latentChannels, textWidth } = tinyStableDiffusion;
  const float = floatElemType(precision);
  const graph = createGraphBuilder('tiny-unet');
  const weight = (name: string, dims: number[], std: number): string =>
    addFloatInitializer(graph, precision, name, dims, seededNormal(seed, `unet.${name}`, dims.reduce((a, b) => a * b, 1), std));
  graph.input('sample', float, [batch, latentChannels, 'height', 'width']);
  if (precision === 'fp16') graph.input('timestep', 'float16', [batch]);
  else graph.input('timestep', 'int64', [1]);
  graph.input('encoder_hidden_states', float, [batch, 'sequence', textWidth]);

  const frequencies = Float32Array.from({ length: channels }, (_, i) => Math.exp((-Math.log(1000) * i) / channels));
  graph.node('Cast', ['timestep'], ['timestep_float'], { to: attr.int(dataTypeCodes[float]) });
  graph.initializerInt64('time_shape', [4], [-1, 1, 1, 1]);
  graph.node('Reshape', ['timestep_float', 'time_shape'], ['timestep_4d']);
  graph.node('Mul', ['timestep_4d', addFloatInitializer(graph, precision, 'time_frequencies', [1, channels, 1, 1], frequencies)], ['time_phase']);
  graph.node('Sin', ['time_phase'], ['time_embedding']);

  // Token pooling as a MatMul with fixed position weights (early tokens, where the prompt is, weigh
  // most), not ReduceMean: onnxruntime's CPU ReduceMean sums differently at batch 1 than at batch 2,
  // and the pipeline's tests require images that do not depend on the batch size.
  const poolWeights = Float32Array.from({ length: clipContextLength }, (_, position) => Math.exp(-position / 8) / 8);
  graph.node('MatMul', ['encoder_hidden_states', weight('text_proj.weight', [textWidth, channels], 0.4)], ['text_projected']);
  graph.node('MatMul', [addFloatInitializer(graph, precision, 'text_pool.weight', [1, clipContextLength], poolWeights), 'text_projected'], ['text_pooled']);
  graph.initializerInt64('text_shape', [4], [0, -1, 1, 1]);
  graph.node('Reshape', ['text_pooled', 'text_shape'], ['text_embedding']);

  const conv3x3 = { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) };
  graph.node('Conv', ['sample', weight('conv_in.weight', [channels, latentChannels, 3, 3], 0.15), weight('conv_in.bias', [channels], 0.1)], ['hidden'], conv3x3);
  graph.node('Add', ['hidden', 'time_embedding'], ['hidden_time']);
  graph.node('Add', ['hidden_time', 'text_embedding'], ['hidden_conditioned']);
  graph.node('Sigmoid', ['hidden_conditioned'], ['gate']);
  graph.node('Mul', ['hidden_conditioned', 'gate'], ['activated']);
  graph.node('Conv', ['activated', weight('conv_out.weight', [latentChannels, channels, 3, 3], 0.05), weight('conv_out.bias', [latentChannels], 0.02)], ['residual'], conv3x3);
  graph.node('Add', ['sample', 'residual'], ['out_sample']);
  graph.output('out_sample', float, [batch, latentChannels, 'height', 'width']);
  return graph.toBytes();
}

/** A learned ×8 upsampling (one transposed convolution) and a 3×3 convolution to RGB. */
function vaeDecoderOnnx(precision: TinyPrecision, seed: number, batch: Dim): Uint8Array {
  const { vaeChannels: channels, latentChannels, vaeScaleFactor: scale } = tinyStableDiffusion;
  const float: ElemType = floatElemType(precision);
  const graph = createGraphBuilder('tiny-vae-decoder');
  const weight = (name: string, dims: number[], std: number): string =>
    addFloatInitializer(graph, precision, name, dims, seededNormal(seed, `vae.${name}`, dims.reduce((a, b) => a * b, 1), std));
  graph.input('latent_sample', float, [batch, latentChannels, 'latent_height', 'latent_width']);
  graph.node(
    'ConvTranspose',
    ['latent_sample', weight('upsample.weight', [latentChannels, channels, scale, scale], 0.05), weight('upsample.bias', [channels], 0.1)],
    ['upsampled'],
    { kernel_shape: attr.ints([scale, scale]), strides: attr.ints([scale, scale]) },
  );
  graph.node('Sigmoid', ['upsampled'], ['gate']);
  graph.node('Mul', ['upsampled', 'gate'], ['activated']);
  graph.node(
    'Conv',
    ['activated', weight('conv_out.weight', [3, channels, 3, 3], 0.12), weight('conv_out.bias', [3], 0.1)],
    ['sample'],
    { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) },
  );
  graph.output('sample', float, [batch, 3, 'height', 'width']);
  return graph.toBytes();
}
