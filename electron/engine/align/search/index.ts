/** One entry point for the run loop and the CLI: `--algo` name → search, saved state → search. */
import { createCosyne, restoreCosyne, type CosyneOptions } from './cosyne.js';
import { createRandomSearch, restoreRandomSearch } from './random.js';
import { createSepCmaes, restoreSepCmaes, type SepCmaesOptions } from './sep-cmaes.js';
import { createSnes, restoreSnes, type SnesOptions } from './snes.js';
import { parseSearchState } from './state-codec.js';
import type { AlgorithmName, Search, SearchOptions } from './types.js';
import { createZeroOrder, restoreZeroOrder, type ZeroOrderOptions } from './zero-order.js';

export type AnySearchOptions = SearchOptions & CosyneOptions & SnesOptions & SepCmaesOptions & ZeroOrderOptions;

const creators: Record<AlgorithmName, (options: AnySearchOptions) => Search> = {
  cosyne: createCosyne,
  snes: createSnes,
  cmaes: createSepCmaes,
  random: createRandomSearch,
  'zero-order': createZeroOrder,
};

const restorers: Record<AlgorithmName, (state: unknown) => Search> = {
  cosyne: restoreCosyne,
  snes: restoreSnes,
  cmaes: restoreSepCmaes,
  random: restoreRandomSearch,
  'zero-order': restoreZeroOrder,
};

export function createSearch(algorithm: AlgorithmName, options: AnySearchOptions): Search {
  return creators[algorithm](options);
}

/** Continues a search from `search.state()`, typically read back from a run's state.json. */
export function restoreSearch(state: unknown): Search {
  return restorers[parseSearchState(state).algorithm](state);
}

export * from './types.js';
