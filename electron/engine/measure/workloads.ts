/**
 * Fixed-shape workloads: whole graphs with one input shape each (an image-input ViT or ViTTM, or the
 * token-input ViT encoder held at one token count), named by a recipe that a worker thread can build
 * by itself. Comparing models end to end means alternating between several graphs in one run, so a
 * workload backend holds a list of recipes and the timing backend's `tokens` argument picks one.
 *
 * Everything here is pure: resolving a recipe checks it and says what it is without building it.
 */
import { UserError } from '../errors.js';
import { countMacs, resolveModel, type VitArchitecture } from '../models/architectures.js';
import { buildImageVitOnnx } from '../models/image-vit-onnx.js';
import { buildVitOnnx } from '../models/vit-onnx.js';
import { isVittmModelId, resolveVittm, type VittmArchitecture, type VittmPatchSetting } from '../models/vittm/architectures.js';
import { imageVitMacs, vittmMacs } from '../models/vittm/macs.js';
import { buildVittmOnnx } from '../models/vittm/vittm-onnx.js';
import type { ExecutionProvider } from './execution-providers.js';

export type WorkloadRecipe =
  /** image-input ViT: patch embedding, CLS token, every block at the full token count, head */
  | { kind: 'vit'; id: string; seed: number }
  /** image-input ViTTM; token counts or a patch setting other than the default change its streams */
  | {
      kind: 'vittm';
      id: string;
      seed: number;
      patchSetting?: VittmPatchSetting;
      memoryTokens?: number;
      processTokens?: number;
    }
  /** the token-input ViT encoder fed `tokens` tokens: a ViT whose tokens were pruned before its first block */
  | { kind: 'vit-tokens'; id: string; seed: number; tokens: number };

export interface WorkloadRunnerOptions {
  workloads: WorkloadRecipe[];
  ep: ExecutionProvider;
  batch: number;
  /** seeds the inputs; every workload with the same input shape gets the same input */
  seed: number;
  /** onnxruntime's default (one thread per physical core) when absent */
  intraOpThreads?: number;
  interOpThreads?: number;
  /** sessions kept alive at once, least recently used released first (default 8) */
  maxSessions?: number;
  /** model bytes kept alive at once (default: a quarter of this machine's memory); the session in use always stays */
  maxSessionBytes?: number;
}

export const DEFAULT_MAX_SESSIONS = 8;

/**
 * A session holds about its model's bytes in weights, and an edge board may have 8 GB for everything;
 * a quarter keeps ViT-B and ViTTM-B both alive on such a board while a ViT-L comparison rebuilds.
 */
export function defaultMaxSessionBytes(totalMemoryBytes: number): number {
  return Math.floor(totalMemoryBytes / 4);
}

/** What a recipe is, checked, without building it. */
export interface ResolvedWorkload {
  recipe: WorkloadRecipe;
  /** short and unique within a run, e.g. 'vit-b16', 'vittm-b', 'vit-b16@82' */
  key: string;
  /** what a person reads, e.g. 'vittm-b (196 memory + 49 process tokens)' */
  label: string;
  input: 'image' | 'tokens';
  /** the input's shape after the batch axis */
  inputDims: number[];
  /** multiply-accumulates of one forward pass of the graph as timed, batch 1 */
  macs: number;
  architecture: Record<string, unknown>;
}

export interface BuiltWorkload {
  bytes: Uint8Array;
  inputName: string;
}

export function resolveWorkload(recipe: WorkloadRecipe): ResolvedWorkload {
  switch (recipe.kind) {
    case 'vit': {
      const arch = resolveVit(recipe.id);
      return {
        recipe,
        key: arch.id,
        label: `${arch.id} (image input, ${arch.tokens} tokens)`,
        input: 'image',
        inputDims: [3, arch.imageSize, arch.imageSize],
        macs: imageVitMacs(arch).total,
        architecture: vitArchitecture(arch),
      };
    }
    case 'vittm': {
      const arch = resolveVittm(recipe.id, recipe);
      const customTokens = recipe.memoryTokens !== undefined || recipe.processTokens !== undefined;
      return {
        recipe,
        key: customTokens ? `${arch.id}@${arch.memoryTokens}+${arch.processTokens}` : arch.id,
        label: `${arch.id} (image input, ${arch.memoryTokens} memory + ${arch.processTokens} process tokens)`,
        input: 'image',
        inputDims: [3, arch.imageSize, arch.imageSize],
        macs: vittmMacs(arch).total,
        architecture: vittmArchitecture(arch),
      };
    }
    case 'vit-tokens': {
      const arch = resolveVit(recipe.id);
      if (!Number.isInteger(recipe.tokens) || recipe.tokens < 1 || recipe.tokens > arch.tokens) {
        throw new UserError(
          'bad-token-count',
          `${arch.id} cannot run at ${recipe.tokens} tokens: it has ${arch.tokens}`,
          `keep a whole number of tokens from 1 to ${arch.tokens}`,
        );
      }
      return {
        recipe,
        key: `${arch.id}@${recipe.tokens}`,
        label: `${arch.id} encoder at ${recipe.tokens} tokens (token input: pruned before the first block)`,
        input: 'tokens',
        inputDims: [recipe.tokens, arch.width],
        macs: countMacs(arch, { part: 'encoder', tokens: recipe.tokens, batch: 1 }),
        architecture: { ...vitArchitecture(arch), keepTokens: recipe.tokens },
      };
    }
  }
}

export function buildWorkload(recipe: WorkloadRecipe): BuiltWorkload {
  switch (recipe.kind) {
    case 'vit': {
      const built = buildImageVitOnnx(resolveVit(recipe.id), { seed: recipe.seed });
      return { bytes: built.bytes, inputName: built.inputName };
    }
    case 'vittm': {
      const built = buildVittmOnnx(resolveVittm(recipe.id, recipe), { seed: recipe.seed });
      return { bytes: built.bytes, inputName: built.inputName };
    }
    case 'vit-tokens': {
      const built = buildVitOnnx(resolveVit(recipe.id), { part: 'encoder', seed: recipe.seed });
      return { bytes: built.bytes, inputName: built.inputName };
    }
  }
}

function resolveVit(id: string): VitArchitecture {
  if (isVittmModelId(id)) {
    throw new UserError('unknown-model', `${id} is a ViTTM, not a ViT`, `pass it as a ViTTM (--vittm ${id}) and a ViT such as vit-b16 as the model to compare with`);
  }
  return resolveModel(id);
}

function vitArchitecture(arch: VitArchitecture): Record<string, unknown> {
  return {
    id: arch.id,
    family: arch.family,
    depth: arch.depth,
    width: arch.width,
    heads: arch.heads,
    patchSize: arch.patchSize,
    imageSize: arch.imageSize,
    tokens: arch.tokens,
  };
}

function vittmArchitecture(arch: VittmArchitecture): Record<string, unknown> {
  return {
    id: arch.id,
    family: arch.family,
    depth: arch.depth,
    width: arch.width,
    heads: arch.heads,
    latentWidth: arch.latentWidth,
    imageSize: arch.imageSize,
    memoryPatchSize: arch.memoryPatchSize,
    memoryTokens: arch.memoryTokens,
    processPatchSize: arch.processPatchSize,
    processTokens: arch.processTokens,
  };
}
