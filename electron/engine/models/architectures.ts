/**
 * EdgeTune's built-in ViT architectures and their closed-form sizes.
 *
 * MACs count multiply-accumulates of the matrix products only: LayerNorm, softmax, GELU, residual
 * adds and biases are a few operations per activation (O(n·D)), under 1 % of a block at ViT sizes,
 * and on accelerators they are memory-bound rather than MAC-bound, so counting them would blur what
 * the number is for. The patch embedding is not counted either: EdgeTune times token-input graphs.
 */
import { UserError } from '../errors.js';

export type ModelFamily = 'vit' | 'deit' | 'dinov2';

export interface VitArchitecture {
  readonly id: string;
  readonly family: ModelFamily;
  readonly depth: number;
  readonly width: number;
  readonly heads: number;
  readonly mlpRatio: number;
  readonly patchSize: number;
  readonly imageSize: number;
  /** tokens at the full image size: patches plus the CLS token */
  readonly tokens: number;
  readonly classes: number;
  /** DINOv2 scales each residual branch by a learned per-channel vector */
  readonly layerScale: boolean;
}

/** One row of `edgetune models`. */
export interface ModelListing {
  readonly id: string;
  readonly family: ModelFamily;
  readonly depth: number;
  readonly width: number;
  readonly heads: number;
  readonly tokens: number;
  readonly params: number;
  readonly macs: number;
}

export type ModelPart = 'block' | 'encoder';

interface Shape {
  readonly depth: number;
  readonly width: number;
  readonly heads: number;
}

const vitShapes: Readonly<Record<'ti' | 's' | 'b' | 'l', Shape>> = {
  ti: { depth: 12, width: 192, heads: 3 },
  s: { depth: 12, width: 384, heads: 6 },
  b: { depth: 12, width: 768, heads: 12 },
  l: { depth: 24, width: 1024, heads: 16 },
};

function architecture(id: string, family: ModelFamily, shape: Shape, patchSize: number): VitArchitecture {
  const imageSize = 224;
  const patchesPerSide = Math.floor(imageSize / patchSize);
  return {
    id,
    family,
    ...shape,
    mlpRatio: 4,
    patchSize,
    imageSize,
    tokens: patchesPerSide * patchesPerSide + 1,
    classes: 1000,
    layerScale: family === 'dinov2',
  };
}

const builtins: readonly VitArchitecture[] = [
  architecture('vit-ti16', 'vit', vitShapes.ti, 16),
  architecture('vit-s16', 'vit', vitShapes.s, 16),
  architecture('vit-b16', 'vit', vitShapes.b, 16),
  architecture('vit-l16', 'vit', vitShapes.l, 16),
  // DeiT changed the training recipe, not the network: same shapes as ViT.
  architecture('deit-ti16', 'deit', vitShapes.ti, 16),
  architecture('deit-s16', 'deit', vitShapes.s, 16),
  architecture('deit-b16', 'deit', vitShapes.b, 16),
  architecture('deit-l16', 'deit', vitShapes.l, 16),
  architecture('dinov2-s14', 'dinov2', { depth: 12, width: 384, heads: 6 }, 14),
  architecture('dinov2-b14', 'dinov2', { depth: 12, width: 768, heads: 12 }, 14),
];

export const builtinModelIds: readonly string[] = builtins.map((arch) => arch.id);

export function resolveModel(id: string): VitArchitecture {
  const arch = builtins.find((candidate) => candidate.id === id.trim().toLowerCase());
  if (arch === undefined) {
    throw new UserError(
      'unknown-model',
      `unknown model '${id}': built-in models are ${builtinModelIds.join(', ')}`,
      'Pick one of the built-in ids (`edgetune models` lists them) or pass a .onnx file.',
    );
  }
  return arch;
}

/**
 * Parameters of the whole image classifier: patch embedding, CLS token, position embedding, blocks,
 * final norm and head. ViT-B/16 gives 86,567,656, the figure timm reports.
 */
export function parameterCount(arch: VitArchitecture): number {
  const width = arch.width;
  const hidden = arch.mlpRatio * width;
  const patchEmbedding = 3 * arch.patchSize * arch.patchSize * width + width;
  const embeddings = width + arch.tokens * width;
  const norms = 2 * 2 * width;
  const attention = width * 3 * width + 3 * width + width * width + width;
  const mlp = width * hidden + hidden + hidden * width + width;
  const layerScale = arch.layerScale ? 2 * width : 0;
  const block = norms + attention + mlp + layerScale;
  const finalNorm = 2 * width;
  const head = width * arch.classes + arch.classes;
  return patchEmbedding + embeddings + arch.depth * block + finalNorm + head;
}

export interface MacQuery {
  readonly part: ModelPart;
  readonly tokens: number;
  readonly batch: number;
}

/**
 * Multiply-accumulates of one forward pass of a token-input graph (see the module comment for what is
 * left out). A block at n tokens: qkv n·D·3D, projection n·D², MLP 2·n·D·(r·D), QKᵀ and A·V n²·D each.
 * The encoder adds the head on the CLS token only.
 */
export function countMacs(arch: VitArchitecture, query: MacQuery): number {
  const { tokens: n, batch } = query;
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`countMacs needs positive integer tokens and batch, got tokens=${n}, batch=${batch}`);
  }
  const width = arch.width;
  const block =
    batch * (n * width * 3 * width + n * width * width + 2 * n * width * (arch.mlpRatio * width) + 2 * n * n * width);
  if (query.part === 'block') return block;
  return arch.depth * block + batch * width * arch.classes;
}

export function listModels(): ModelListing[] {
  return builtins.map((arch) => ({
    id: arch.id,
    family: arch.family,
    depth: arch.depth,
    width: arch.width,
    heads: arch.heads,
    tokens: arch.tokens,
    params: parameterCount(arch),
    macs: countMacs(arch, { part: 'encoder', tokens: arch.tokens, batch: 1 }),
  }));
}
