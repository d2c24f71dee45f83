/** Token reduction for ViTs: how counts change per layer (pure) and ONNX graphs that do it. */
export {
  pruneMethods,
  removalsPerLayer,
  tokensAfterLayers,
  layerTokenCounts,
  tomeMergeLimit,
  pomtRemoveLimit,
  type PruneMethod,
  type LayerRemoval,
  type TokenReduction,
  type TokenCountQuery,
  type LayerTokenCount,
} from './reduction.js';
export {
  buildPrunedVitOnnx,
  type PrunedVitBuildOptions,
  type PrunedVitOnnx,
  type LayerOutputNames,
} from './pruned-vit-onnx.js';
