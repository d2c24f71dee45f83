/**
 * What each token-reduction method does to the token count, layer by layer: a pure function of the
 * request, shared by the graph builder, the validation command and the latency predictor.
 *
 * Every method reduces inside a block, after the attention residual and before the MLP (POMT's and
 * ToMe's placement): block i's attention runs at the count that entered it, its MLP and every later
 * block at the reduced count.
 */
import { UserError } from '../errors.js';

export const pruneMethods = ['pomt', 'topk', 'tome'] as const;
export type PruneMethod = (typeof pruneMethods)[number];

/** Tokens removed at one 0-based layer, as schedule.json's `layers` lists them. */
export interface LayerRemoval {
  readonly layer: number;
  readonly remove: number;
}

export interface TokenReduction {
  readonly method: PruneMethod;
  /**
   * POMT: the schedule's layers. `remove` is the net reduction: remove + 1 patch tokens are averaged
   * into one fused token, so exactly `remove` fewer tokens continue (see schedule/pomt.ts on the
   * released code's off-by-two).
   */
  readonly layers?: readonly LayerRemoval[];
  /** Top-K: tokens dropped in every layer. ToMe: token pairs merged in every layer (its r). */
  readonly perLayer?: number;
}

export interface TokenCountQuery {
  readonly depth: number;
  /** tokens entering layer 0, CLS included */
  readonly inputTokens: number;
}

/** Tokens a layer's attention and MLP run at. */
export interface LayerTokenCount {
  readonly attentionTokens: number;
  readonly mlpTokens: number;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** ToMe pairs tokens of one half with the other, CLS excluded: at most half the patch tokens merge per layer. */
export function tomeMergeLimit(tokens: number): number {
  return Math.max(0, Math.floor((tokens - 1) / 2));
}

/**
 * POMT keeps CLS, at least one patch token and the fused token. (The released code silently skips
 * the layer when it would keep one patch token or none; we prune down to one and refuse fewer.)
 */
export function pomtRemoveLimit(tokens: number): number {
  return Math.max(0, tokens - 3);
}

function checkQuery(query: TokenCountQuery): void {
  if (!Number.isInteger(query.depth) || query.depth < 1) throw new RangeError(`depth must be a positive integer, got ${query.depth}`);
  if (!Number.isInteger(query.inputTokens) || query.inputTokens < 2) {
    throw new UserError(
      'prune-input-tokens-invalid',
      `token reduction needs at least 2 input tokens (CLS and a patch token), got ${query.inputTokens}`,
      'pass the model\'s token count, CLS included (197 for a 224 px image with 16 px patches)',
    );
  }
}

function checkMethod(reduction: TokenReduction): void {
  if (!(pruneMethods as readonly string[]).includes(reduction.method)) {
    throw new UserError(
      'prune-method-unknown',
      `unknown token-reduction method '${String(reduction.method)}'`,
      `use one of ${pruneMethods.join(', ')}`,
    );
  }
  const needsLayers = reduction.method === 'pomt';
  if (needsLayers && reduction.perLayer !== undefined) {
    throw new UserError(
      'prune-option-mismatch',
      'POMT removes tokens where a schedule says, not a fixed number per layer',
      'pass `layers` (schedule.json\'s layers field) and leave out `perLayer`',
    );
  }
  if (!needsLayers && reduction.layers !== undefined) {
    throw new UserError(
      'prune-option-mismatch',
      `${reduction.method === 'topk' ? 'Top-K' : 'ToMe'} reduces by the same r in every layer; it does not follow a schedule's layers`,
      'pass `perLayer` (r) and leave out `layers`',
    );
  }
}

function pomtRemovals(layers: readonly LayerRemoval[] | undefined, query: TokenCountQuery): number[] {
  if (!Array.isArray(layers)) {
    throw new UserError(
      'prune-schedule-missing',
      'POMT needs a schedule: which layers remove how many tokens',
      'pass `layers` as schedule.json lists them, e.g. [{ "layer": 3, "remove": 5 }]',
    );
  }
  const removals = new Array<number>(query.depth).fill(0);
  const seen = new Set<number>();
  for (const { layer, remove } of layers) {
    if (!Number.isInteger(layer) || layer < 0 || layer >= query.depth) {
      throw new UserError(
        'prune-layer-out-of-range',
        `schedule layer ${layer} does not exist: the model has layers 0 to ${query.depth - 1}`,
        `use 0-based layers below ${query.depth}, or a schedule made for this model`,
      );
    }
    if (seen.has(layer)) {
      throw new UserError('prune-layer-repeated', `schedule lists layer ${layer} twice`, 'give each layer once, with the total it removes');
    }
    if (!isCount(remove)) {
      throw new UserError('prune-remove-invalid', `layer ${layer}: remove must be a whole number ≥ 0, got ${remove}`, 'fix the schedule\'s `remove` values');
    }
    seen.add(layer);
    removals[layer] = remove;
  }
  let tokens = query.inputTokens;
  removals.forEach((remove, layer) => {
    if (remove > pomtRemoveLimit(tokens)) {
      throw new UserError(
        'prune-too-many-tokens',
        `POMT at layer ${layer} cannot remove ${remove} of its ${tokens} tokens: CLS, at least one patch token and the fused token continue, so at most ${pomtRemoveLimit(tokens)} can go`,
        'remove fewer tokens there (to keep k of N tokens, remove N − k), or fewer at earlier layers',
      );
    }
    tokens -= remove;
  });
  return removals;
}

function perLayerCount(reduction: TokenReduction): number {
  if (!isCount(reduction.perLayer)) {
    throw new UserError(
      'prune-per-layer-invalid',
      `${reduction.method === 'topk' ? 'Top-K' : 'ToMe'} needs r, the tokens reduced per layer, as a whole number ≥ 0; got ${String(reduction.perLayer)}`,
      'pass `perLayer`, e.g. 8',
    );
  }
  return reduction.perLayer;
}

function topkRemovals(r: number, query: TokenCountQuery): number[] {
  const left = query.inputTokens - r * query.depth;
  if (left < 2) {
    const largest = Math.floor((query.inputTokens - 2) / query.depth);
    throw new UserError(
      'prune-too-many-tokens',
      `Top-K dropping ${r} tokens in each of ${query.depth} layers needs ${r * query.depth} patch tokens; there are ${query.inputTokens - 1}, and at least one must continue beside CLS`,
      `use r ≤ ${largest} for ${query.inputTokens} tokens`,
    );
  }
  return new Array<number>(query.depth).fill(r);
}

/** ToMe as released: each layer merges min(r, half its patch tokens), so late layers may merge fewer than r. */
function tomeRemovals(r: number, query: TokenCountQuery): number[] {
  const limit = tomeMergeLimit(query.inputTokens);
  if (r > limit) {
    throw new UserError(
      'prune-too-many-tokens',
      `ToMe cannot merge ${r} token pairs at ${query.inputTokens} tokens: bipartite matching merges at most half of the ${query.inputTokens - 1} patch tokens, ${limit}`,
      `use r ≤ ${limit}; layers with fewer tokens then merge min(r, half their patch tokens), as ToMe does`,
    );
  }
  let tokens = query.inputTokens;
  return Array.from({ length: query.depth }, () => {
    const merged = Math.min(r, tomeMergeLimit(tokens));
    tokens -= merged;
    return merged;
  });
}

/** Tokens each layer removes (Top-K drops, ToMe merges, POMT's net reduction); throws a UserError for impossible requests. */
export function removalsPerLayer(reduction: TokenReduction, query: TokenCountQuery): number[] {
  checkQuery(query);
  checkMethod(reduction);
  switch (reduction.method) {
    case 'pomt':
      return pomtRemovals(reduction.layers, query);
    case 'topk':
      return topkRemovals(perLayerCount(reduction), query);
    case 'tome':
      return tomeRemovals(perLayerCount(reduction), query);
  }
}

/** Tokens leaving each layer (length `depth`). */
export function tokensAfterLayers(reduction: TokenReduction, query: TokenCountQuery): number[] {
  let tokens = query.inputTokens;
  return removalsPerLayer(reduction, query).map((removed) => (tokens -= removed));
}

/** Tokens each layer's attention and MLP run at: the reduction happens between them. */
export function layerTokenCounts(reduction: TokenReduction, query: TokenCountQuery): LayerTokenCount[] {
  const after = tokensAfterLayers(reduction, query);
  return after.map((mlpTokens, layer) => ({ attentionTokens: layer === 0 ? query.inputTokens : after[layer - 1], mlpTokens }));
}
