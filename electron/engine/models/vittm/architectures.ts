/**
 * ViTTM (Vision Token Turing Machines, arXiv 2409.07613): built-in sizes, their token layouts and
 * parameter counts. A ViTTM reads the image twice: many cheap memory tokens that only the linear
 * read/write heads touch, and few process tokens that go through the ViT blocks.
 *
 * Token layout of one stream: a patch size that divides the image (tokens = (imageSize/patch)²), or a
 * token count. A count that is a patch grid picks that patch size; any other count average-pools the
 * smallest patch grid holding at least that many tokens (see `tokenPoolingBins`). ViTTM's position
 * embeddings are learned per grid and resampled when the grid changes; synthetic weights are simply
 * drawn at the stream's final token count.
 */
import { UserError } from '../../errors.js';
import { vittmMacs } from './macs.js';

export type VittmSize = 'ti' | 's' | 'b' | 'l';
export type VittmPatchSetting = '16/32' | '28/28';

export interface VittmArchitecture {
  readonly id: string;
  readonly family: 'vittm';
  readonly depth: number;
  readonly width: number;
  readonly heads: number;
  readonly mlpRatio: number;
  /** query/key width c of the linear-attention read and write heads; ViTTM's recipes use width/4 */
  readonly latentWidth: number;
  readonly imageSize: number;
  readonly classes: number;
  readonly memoryPatchSize: number;
  /** (imageSize/memoryPatchSize)², or fewer when the patch grid is pooled */
  readonly memoryTokens: number;
  readonly processPatchSize: number;
  readonly processTokens: number;
}

/** One row of `edgetune models` for a ViTTM. */
export interface VittmListing {
  readonly id: string;
  readonly family: 'vittm';
  readonly depth: number;
  readonly width: number;
  readonly heads: number;
  readonly memoryTokens: number;
  readonly processTokens: number;
  readonly params: number;
  readonly macs: number;
}

export interface VittmTokenOptions {
  /**
   * '16/32' (default; the official code's default: 196 memory, 49 process tokens at 224) or '28/28'
   * (the README's training recipes and the released ViTTM-B-28: 64 and 64). Explicit patch sizes or
   * token counts below override it per stream.
   */
  readonly patchSetting?: VittmPatchSetting;
  readonly memoryPatchSize?: number;
  readonly processPatchSize?: number;
  /** with a patch size, pools that patch grid down to this count; alone, picks the patch size */
  readonly memoryTokens?: number;
  readonly processTokens?: number;
}

interface VittmShape {
  readonly depth: number;
  readonly width: number;
  readonly heads: number;
}

const vittmShapes: Readonly<Record<VittmSize, VittmShape>> = {
  ti: { depth: 12, width: 192, heads: 3 },
  s: { depth: 12, width: 384, heads: 6 },
  b: { depth: 12, width: 768, heads: 12 },
  l: { depth: 24, width: 1024, heads: 16 },
};

export const vittmPatchSettings: Readonly<
  Record<VittmPatchSetting, { readonly memoryPatchSize: number; readonly processPatchSize: number }>
> = {
  '16/32': { memoryPatchSize: 16, processPatchSize: 32 },
  '28/28': { memoryPatchSize: 28, processPatchSize: 28 },
};

export const vittmModelIds: readonly string[] = (Object.keys(vittmShapes) as VittmSize[]).map((size) => `vittm-${size}`);

const vittmImageSize = 224;
/** latent_size_scale = 4 in every published ViTTM recipe */
const latentWidthDivisor = 4;

export function isVittmModelId(id: string): boolean {
  return vittmModelIds.includes(id.trim().toLowerCase());
}

/** Patch sizes that tile the image exactly, largest first. */
export function patchSizesFor(imageSize: number): number[] {
  const sizes: number[] = [];
  for (let patch = imageSize; patch >= 1; patch--) if (imageSize % patch === 0) sizes.push(patch);
  return sizes;
}

export function patchGridTokens(imageSize: number, patchSize: number): number {
  const side = imageSize / patchSize;
  return side * side;
}

type Stream = 'memory' | 'process';

function checkPatchSize(stream: Stream, patchSize: number, imageSize: number): void {
  if (!Number.isInteger(patchSize) || patchSize < 1 || imageSize % patchSize !== 0) {
    throw new UserError(
      'bad-patch-size',
      `${stream} patch size ${patchSize} does not divide the ${imageSize}-pixel image`,
      `pick one of ${patchSizesFor(imageSize).reverse().join(', ')}, or ask for a token count instead`,
    );
  }
}

function checkTokenCount(stream: Stream, tokens: number, imageSize: number): void {
  const most = imageSize * imageSize;
  if (!Number.isInteger(tokens) || tokens < 1 || tokens > most) {
    throw new UserError(
      'bad-token-count',
      `${stream} token count ${tokens} is not possible for a ${imageSize}-pixel image`,
      `pick a whole number from 1 to ${most} (one token per pixel)`,
    );
  }
}

/** The patch size and token count of one stream; see the module comment for the rules. */
export function resolveStreamLayout(
  stream: Stream,
  imageSize: number,
  request: { readonly patchSize?: number; readonly tokens?: number; readonly defaultPatchSize: number },
): { readonly patchSize: number; readonly tokens: number } {
  if (request.patchSize !== undefined) {
    checkPatchSize(stream, request.patchSize, imageSize);
    const gridTokens = patchGridTokens(imageSize, request.patchSize);
    if (request.tokens === undefined) return { patchSize: request.patchSize, tokens: gridTokens };
    checkTokenCount(stream, request.tokens, imageSize);
    if (request.tokens > gridTokens) {
      throw new UserError(
        'bad-token-count',
        `${stream} stream: a ${request.patchSize}-pixel patch grid has ${gridTokens} tokens, fewer than the ${request.tokens} asked for`,
        `pooling only removes tokens: use a smaller ${stream} patch size, or give the token count alone`,
      );
    }
    return { patchSize: request.patchSize, tokens: request.tokens };
  }
  if (request.tokens !== undefined) {
    checkTokenCount(stream, request.tokens, imageSize);
    const tokens = request.tokens;
    const patchSize = patchSizesFor(imageSize).find((patch) => patchGridTokens(imageSize, patch) >= tokens);
    // checkTokenCount guarantees patch size 1 holds enough tokens
    return { patchSize: patchSize ?? 1, tokens };
  }
  checkPatchSize(stream, request.defaultPatchSize, imageSize);
  return { patchSize: request.defaultPatchSize, tokens: patchGridTokens(imageSize, request.defaultPatchSize) };
}

function sizeOf(id: string): VittmSize {
  const normalized = id.trim().toLowerCase();
  if (!vittmModelIds.includes(normalized)) {
    throw new UserError(
      'unknown-model',
      `unknown ViTTM model '${id}': built-in ViTTMs are ${vittmModelIds.join(', ')}`,
      'Pick one of the built-in ids (`edgetune models` lists them).',
    );
  }
  return normalized.slice('vittm-'.length) as VittmSize;
}

export function resolveVittm(id: string, options: VittmTokenOptions = {}): VittmArchitecture {
  const size = sizeOf(id);
  const setting = options.patchSetting ?? '16/32';
  const defaults = vittmPatchSettings[setting];
  if (defaults === undefined) {
    throw new UserError(
      'bad-patch-setting',
      `unknown ViTTM patch setting '${setting}'`,
      `use ${Object.keys(vittmPatchSettings).join(' or ')} (memory/process patch sizes), or give patch sizes per stream`,
    );
  }
  const shape = vittmShapes[size];
  const memory = resolveStreamLayout('memory', vittmImageSize, {
    patchSize: options.memoryPatchSize,
    tokens: options.memoryTokens,
    defaultPatchSize: defaults.memoryPatchSize,
  });
  const process = resolveStreamLayout('process', vittmImageSize, {
    patchSize: options.processPatchSize,
    tokens: options.processTokens,
    defaultPatchSize: defaults.processPatchSize,
  });
  return {
    id: `vittm-${size}`,
    family: 'vittm',
    ...shape,
    mlpRatio: 4,
    latentWidth: shape.width / latentWidthDivisor,
    imageSize: vittmImageSize,
    classes: 1000,
    memoryPatchSize: memory.patchSize,
    memoryTokens: memory.tokens,
    processPatchSize: process.patchSize,
    processTokens: process.tokens,
  };
}

/**
 * Contiguous runs of the patch grid's row-major tokens averaged into each output token, as
 * AdaptiveAvgPool1d draws them: run i covers [⌊i·G/N⌋, ⌈(i+1)·G/N⌉). Pooling along the sequence
 * rather than the 2-D grid (the official `downsample` embedder) makes every count reachable, prime
 * ones included; with synthetic weights only the shapes and the cost matter.
 */
export function tokenPoolingBins(gridTokens: number, tokens: number): { readonly start: number; readonly end: number }[] {
  return Array.from({ length: tokens }, (_, i) => ({
    start: Math.floor((i * gridTokens) / tokens),
    end: Math.ceil(((i + 1) * gridTokens) / tokens),
  }));
}

/**
 * Parameters the forward pass uses: two patch embeddings and position embeddings, per layer the read
 * and write norms (each shared by both streams), the read and write heads (q, k, v; the official
 * module's `proj` is never called) and a ViT block, then the process norm and two classifiers, each
 * behind its own norm. ViTTM-B gives 111.0 M (16/32) and 111.6 M (28/28), as the digest derives.
 */
export function vittmParameterCount(arch: VittmArchitecture): number {
  const { width, latentWidth } = arch;
  const hidden = arch.mlpRatio * width;
  const patchEmbedding = (patchSize: number): number => 3 * patchSize * patchSize * width + width;
  const embeddings =
    patchEmbedding(arch.memoryPatchSize) +
    patchEmbedding(arch.processPatchSize) +
    (arch.memoryTokens + arch.processTokens) * width;
  const norm = 2 * width;
  const readWriteHead = 2 * (width * latentWidth + latentWidth) + width * width + width;
  const block = 2 * norm + width * 3 * width + 3 * width + width * width + width + width * hidden + hidden + hidden * width + width;
  const layer = 2 * norm + 2 * readWriteHead + block;
  const classifier = norm + width * arch.classes + arch.classes;
  return embeddings + arch.depth * layer + norm + 2 * classifier;
}

/** The built-in ViTTMs at one patch setting, as `edgetune models` lists them. */
export function listVittmModels(patchSetting: VittmPatchSetting = '16/32'): VittmListing[] {
  return vittmModelIds.map((id) => {
    const arch = resolveVittm(id, { patchSetting });
    return {
      id: arch.id,
      family: arch.family,
      depth: arch.depth,
      width: arch.width,
      heads: arch.heads,
      memoryTokens: arch.memoryTokens,
      processTokens: arch.processTokens,
      params: vittmParameterCount(arch),
      macs: vittmMacs(arch).total,
    };
  });
}
