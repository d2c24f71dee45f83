/** Diffusion pipelines in onnxruntime: initial latents in, RGB images out. */
export type { RgbImage } from './image.js';
export type { DiffusionPipeline, DiffusionProgress, GenerateOptions } from './pipeline.js';
export type { SessionSettings, ExecutionProviderSpec } from './onnx/session.js';
export { SAMPLERS, type SamplerName } from './schedulers/sampler.js';
export {
  loadStableDiffusion,
  type StableDiffusionModel,
  type StableDiffusionPipelineSettings,
} from './pipelines/stable-diffusion.js';
export { loadEdgeTuneModel, type EdgeTuneDiffusionModel, type EdgeTunePipelineSettings } from './pipelines/edgetune.js';
export { EDGETUNE_DIFFUSION_MODEL_SCHEMA, type EdgeTuneModelManifest } from './models/edgetune-model.js';
export { createClipTokenizer, type ClipTokenizer, type ClipTokenizerSources } from './tokenizer/clip-tokenizer.js';
export { loadClipTokenizer } from './tokenizer/load.js';
export { float32ToFloat16Bits, float16BitsToFloat32, toFloat16Array, fromFloat16Array } from './float16.js';
export { writeTinyStableDiffusion, type TinyStableDiffusionOptions } from './tiny/tiny-stable-diffusion.js';
export { writeTinyEdgeTuneModel, type TinyEdgeTuneModelOptions } from './tiny/tiny-edgetune-model.js';
