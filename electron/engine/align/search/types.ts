/**
 * The one ask/tell interface every search algorithm in engine/align implements. A genome is a
 * diffusion model's flattened initial noise (Float32Array of length `dimension`); the run loop turns
 * each genome into an image, scores it and tells the fitness back.
 */
import type { Direction } from '../direction.js';

export type { Direction } from '../direction.js';

export type AlgorithmName = 'cosyne' | 'snes' | 'cmaes' | 'random' | 'zero-order';

export const algorithmNames: readonly AlgorithmName[] = ['cosyne', 'snes', 'cmaes', 'random', 'zero-order'];

export type Genome = Float32Array;

/** What every algorithm accepts; each adds its own hyperparameters. */
export interface SearchOptions {
  readonly dimension: number;
  readonly seed: number;
  /** default 'max' */
  readonly direction?: Direction;
  /** the base noise z0 the search starts from (the prompt's seed latent); drawn from `seed` when absent */
  readonly initial?: Genome;
  /** re-normalise every candidate to the Gaussian shell, norm √dimension (default false) */
  readonly shell?: boolean;
  /** candidates per generation; each algorithm has its own default */
  readonly populationSize?: number;
}

/** A scored candidate worth keeping: the best seen so far. */
export interface Elite {
  readonly genome: Genome;
  readonly fitness: number;
  /** 0 when the candidate met every constraint; otherwise how far it was outside (see rewards/combine.ts) */
  readonly violation: number;
  readonly generation: number;
}

export interface ScoredSummary {
  readonly fitness: number;
  readonly violation: number;
}

/** What one `tell` learned, for progress lines and run logs. */
export interface GenerationReport {
  readonly generation: number;
  /** candidates scored in this generation */
  readonly evaluated: number;
  /** candidates scored since the search began (NFE: images generated) */
  readonly evaluations: number;
  /** candidates whose fitness (or violation) was NaN or ±Infinity: ranked worst, never best */
  readonly invalid: number;
  /** valid candidates outside a constraint */
  readonly infeasible: number;
  /** the best candidate of this generation, by the same order the search uses; null if all were invalid */
  readonly generationBest: (ScoredSummary & { readonly index: number }) | null;
  /** mean fitness of this generation's valid candidates; NaN if none */
  readonly meanFitness: number;
  /** the best candidate seen so far; null while every candidate has been invalid */
  readonly best: (ScoredSummary & { readonly generation: number }) | null;
  readonly improved: boolean;
}

/** What made a candidate: the operator an algorithm applied. */
export type OriginOperator =
  /** z0, the base noise the search starts from */
  | 'initial'
  /** a fresh N(0, I) draw */
  | 'random'
  /** a sample of an evolution strategy's Gaussian (SNES, sep-CMA-ES) */
  | 'distribution'
  /** CoSyNE: one-point crossover of two parents at `cut`, then Gaussian mutation */
  | 'crossover'
  /** CoSyNE: every coordinate taken from one member of the population */
  | 'permutation'
  /** zero-order: a point at fixed cosine from the pivot */
  | 'neighbour';

export interface CandidateOrigin {
  readonly operator: OriginOperator;
  /** indices into the generation's `CandidateLineage.pool`; empty when the candidate has no parents */
  readonly parents: readonly number[];
  /** crossover only: the first coordinate taken from the second parent */
  readonly cut?: number;
}

/** How one generation's candidates were made, for a run's lineage record. */
export interface CandidateLineage {
  /** the genomes this generation was bred from (copies): CoSyNE's population, zero-order's pivot; often empty */
  readonly pool: Genome[];
  /** one per candidate of the last `ask`, in order */
  readonly origins: readonly CandidateOrigin[];
  /** what parents mean for this algorithm, or why it has none */
  readonly note: string;
}

export interface Search {
  readonly algorithm: AlgorithmName;
  readonly dimension: number;
  readonly direction: Direction;
  /** the generation `ask` hands out next (0 first) */
  readonly generation: number;
  /** candidates told so far */
  readonly evaluations: number;
  /** candidates told so far with NaN or ±Infinity fitness */
  readonly invalid: number;
  /**
   * This generation's candidates, as copies. Calling it again before `tell` returns the same
   * candidates, so a run loop may ask, save its state, and ask again after a restart.
   */
  ask(): Genome[];
  /** Where each candidate of the current `ask` came from; calls `ask` first if need be. */
  lineage(): CandidateLineage;
  /** One fitness per candidate of the last `ask`, in order; `violations` (≥ 0, default all 0) from constrained rewards. */
  tell(fitness: readonly number[], violations?: readonly number[]): GenerationReport;
  best(): Elite | null;
  /** A JSON-safe snapshot: `restoreSearch(JSON.parse(JSON.stringify(state())))` continues identically. */
  state(): SearchState;
}

export const SEARCH_STATE_SCHEMA = 'edgetune/align-search@1';

/**
 * A search's saved state. Genomes and vectors are base64 of little-endian Float32 (genomes) or
 * Float64 (distribution parameters) so that a restore is bit-exact; non-finite numbers are null.
 */
export interface SearchState {
  readonly schema: typeof SEARCH_STATE_SCHEMA;
  readonly algorithm: AlgorithmName;
  readonly dimension: number;
  readonly seed: number;
  readonly direction: Direction;
  readonly shell: boolean;
  readonly generation: number;
  readonly evaluations: number;
  readonly invalid: number;
  readonly infeasible: number;
  readonly best: EncodedElite | null;
  readonly config: Readonly<Record<string, number>>;
  readonly core: Readonly<Record<string, unknown>>;
}

export interface EncodedElite {
  readonly genome: string;
  readonly fitness: number;
  readonly violation: number;
  readonly generation: number;
}
