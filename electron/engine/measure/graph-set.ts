/**
 * A set of fixed-shape graphs timed against each other in one worker: the unpruned ViT encoder and
 * its pruned variants, or a user's ONNX file and the synthetic ViT built to stand in for it. Each
 * recipe is plain data a worker thread can build by itself; the timing backend's `tokens` argument
 * is the index of a graph in the set.
 */
import type { VitArchitecture } from '../models/architectures.js';
import { buildImageVitOnnx } from '../models/image-vit-onnx.js';
import { buildVitOnnx } from '../models/vit-onnx.js';
import { buildPrunedVitOnnx, type TokenReduction } from '../prune/index.js';
import type { ExecutionProvider } from './execution-providers.js';

export type GraphRecipe =
  /** token-input encoder [batch, tokens, width] at the architecture's full count; pruned inside when `reduction` is set */
  | { kind: 'vit-encoder'; arch: VitArchitecture; seed: number; reduction?: TokenReduction }
  /** image-input ViT [batch, 3, size, size] (patch embedding, CLS, position embedding, blocks, head) */
  | { kind: 'image-vit'; arch: VitArchitecture; seed: number }
  /** an ONNX file as it is (external weights beside it are found); input dims after the batch axis */
  | { kind: 'file'; path: string; inputName: string; inputDims: number[] };

export interface GraphSetOptions {
  graphs: GraphRecipe[];
  ep: ExecutionProvider;
  batch: number;
  /** seeds the inputs: graphs with the same input shape get the same input */
  seed: number;
  /** onnxruntime's default (one thread per physical core) when absent */
  intraOpThreads?: number;
  interOpThreads?: number;
}

/** What a session is created from: bytes built here, or a path (so external data resolves). */
export type GraphModel = { bytes: Uint8Array; inputName: string } | { path: string; inputName: string };

/** The input shape after the batch axis. */
export function graphInputDims(recipe: GraphRecipe): number[] {
  switch (recipe.kind) {
    case 'vit-encoder':
      return [recipe.arch.tokens, recipe.arch.width];
    case 'image-vit':
      return [3, recipe.arch.imageSize, recipe.arch.imageSize];
    case 'file':
      return recipe.inputDims;
  }
}

export function buildGraph(recipe: GraphRecipe): GraphModel {
  switch (recipe.kind) {
    case 'vit-encoder': {
      if (recipe.reduction === undefined) {
        const built = buildVitOnnx(recipe.arch, { part: 'encoder', seed: recipe.seed });
        return { bytes: built.bytes, inputName: built.inputName };
      }
      const built = buildPrunedVitOnnx(recipe.arch, { ...recipe.reduction, seed: recipe.seed });
      return { bytes: built.bytes, inputName: built.inputName };
    }
    case 'image-vit': {
      const built = buildImageVitOnnx(recipe.arch, { seed: recipe.seed });
      return { bytes: built.bytes, inputName: built.inputName };
    }
    case 'file':
      return { path: recipe.path, inputName: recipe.inputName };
  }
}

/** A short name for progress and provenance. */
export function graphLabel(recipe: GraphRecipe): string {
  switch (recipe.kind) {
    case 'vit-encoder':
      return recipe.reduction === undefined ? `${recipe.arch.id} encoder` : `${recipe.arch.id} encoder (${recipe.reduction.method})`;
    case 'image-vit':
      return `${recipe.arch.id} (image input)`;
    case 'file':
      return recipe.path;
  }
}
