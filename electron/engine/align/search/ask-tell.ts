/**
 * The ask/tell shell shared by every algorithm. An algorithm is a pair of pure functions —
 * `propose` (a generation's candidates from the current core and a seeded rng) and `update` (the next
 * core from the ranked candidates) — plus JSON codecs. This module adds what they all need once:
 * per-generation seeding, the shell projection, ranking (NaN and constraints included), counting,
 * best-so-far, and save/restore.
 *
 * Each generation draws from its own rng, seeded by (seed, algorithm, generation). A restored search
 * therefore needs no rng state to continue exactly as an uninterrupted one would.
 */
import { createRng, deriveSeed, type Rng } from '../../util/rng.js';
import type { Direction } from '../direction.js';
import { checkGenome, normalGenome, projectToShell } from './genome.js';
import { compareOutcomes, outcomeClass, rankOrder } from './ranking.js';
import { decodeFloat32, encodeFloat32, parseSearchState } from './state-codec.js';
import {
  SEARCH_STATE_SCHEMA,
  type AlgorithmName,
  type CandidateLineage,
  type CandidateOrigin,
  type Elite,
  type GenerationReport,
  type Genome,
  type Search,
  type SearchState,
} from './types.js';

export type Config = Readonly<Record<string, number>>;

/** One generation's candidates with their scores and ranking, as `update` sees them. */
export interface RankedGeneration {
  readonly generation: number;
  readonly direction: Direction;
  readonly candidates: readonly Genome[];
  readonly fitness: readonly number[];
  readonly violations: readonly number[];
  /** candidate indices, best first (see ranking.ts) */
  readonly order: readonly number[];
}

/** A generation's candidates and how each was made (see CandidateLineage). */
export interface Proposal {
  readonly candidates: Genome[];
  readonly origins: CandidateOrigin[];
  /** the genomes `origins[i].parents` index into; absent when no candidate has parents */
  readonly pool?: readonly Genome[];
}

export interface Strategy<C extends Config, Core> {
  readonly algorithm: AlgorithmName;
  /** CandidateLineage.note: what parents mean for this algorithm, or why it has none */
  readonly lineageNote: string;
  propose(config: C, core: Core, rng: Rng, generation: number): Proposal;
  update(config: C, core: Core, ranked: RankedGeneration): Core;
  encodeCore(core: Core): Record<string, unknown>;
  decodeConfig(json: unknown): C;
  decodeCore(json: unknown, config: C, dimension: number): Core;
}

/** The algorithm-independent part of a search. */
export interface SearchBase {
  readonly dimension: number;
  readonly seed: number;
  readonly direction: Direction;
  readonly shell: boolean;
  readonly generation: number;
  readonly evaluations: number;
  readonly invalid: number;
  readonly infeasible: number;
  readonly best: Elite | null;
}

/** The seed of the rng a generation's candidates are drawn from. */
export function generationSeed(seed: number, algorithm: AlgorithmName, generation: number): number {
  return deriveSeed(seed, `${algorithm}:generation:${generation}`);
}

export function generationRng(seed: number, algorithm: AlgorithmName, generation: number): Rng {
  return createRng(generationSeed(seed, algorithm, generation));
}

export function freshBase(options: {
  dimension: number;
  seed: number;
  direction?: Direction;
  shell?: boolean;
}): SearchBase {
  if (!Number.isInteger(options.dimension) || options.dimension < 1) {
    throw new RangeError(`dimension must be a positive integer, got ${options.dimension}`);
  }
  if (!Number.isInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  return {
    dimension: options.dimension,
    seed: options.seed,
    direction: options.direction ?? 'max',
    shell: options.shell ?? false,
    generation: 0,
    evaluations: 0,
    invalid: 0,
    infeasible: 0,
    best: null,
  };
}

class StrategySearch<C extends Config, Core> implements Search {
  private pending: Genome[] | null = null;
  private pendingLineage: Required<Omit<Proposal, 'candidates'>> | null = null;

  constructor(
    private readonly strategy: Strategy<C, Core>,
    private base: SearchBase,
    private readonly config: C,
    private core: Core,
  ) {}

  get algorithm(): AlgorithmName {
    return this.strategy.algorithm;
  }
  get dimension(): number {
    return this.base.dimension;
  }
  get direction(): Direction {
    return this.base.direction;
  }
  get generation(): number {
    return this.base.generation;
  }
  get evaluations(): number {
    return this.base.evaluations;
  }
  get invalid(): number {
    return this.base.invalid;
  }

  ask(): Genome[] {
    if (this.pending === null) {
      const { seed, generation, shell } = this.base;
      const proposal = this.strategy.propose(this.config, this.core, generationRng(seed, this.algorithm, generation), generation);
      if (proposal.origins.length !== proposal.candidates.length) {
        throw new Error(`${this.algorithm} proposed ${proposal.candidates.length} candidates but ${proposal.origins.length} origins`);
      }
      this.pending = shell ? proposal.candidates.map(projectToShell) : proposal.candidates;
      this.pendingLineage = { origins: proposal.origins, pool: proposal.pool ?? [] };
    }
    return this.pending.map((candidate) => candidate.slice());
  }

  lineage(): CandidateLineage {
    if (this.pendingLineage === null) this.ask();
    const { origins, pool } = this.pendingLineage as Required<Omit<Proposal, 'candidates'>>;
    return { pool: pool.map((genome) => genome.slice()), origins, note: this.strategy.lineageNote };
  }

  tell(fitness: readonly number[], violations?: readonly number[]): GenerationReport {
    const candidates = this.pending;
    if (candidates === null) throw new Error('tell() called before ask(): there are no candidates to score');
    if (fitness.length !== candidates.length) {
      throw new RangeError(`tell() got ${fitness.length} fitness values for ${candidates.length} candidates`);
    }
    const violationsOrZero = violations ?? candidates.map(() => 0);
    if (violationsOrZero.length !== candidates.length) {
      throw new RangeError(`tell() got ${violationsOrZero.length} violations for ${candidates.length} candidates`);
    }
    violationsOrZero.forEach((violation, index) => {
      if (violation < 0) throw new RangeError(`violation of candidate ${index} is ${violation}; violations are ≥ 0 (0 = feasible)`);
    });
    const { direction, generation } = this.base;
    const order = rankOrder(fitness, violationsOrZero, direction);
    const classes = fitness.map((value, index) => outcomeClass(value, violationsOrZero[index]));
    const invalid = classes.filter((kind) => kind === 'invalid').length;
    const infeasible = classes.filter((kind) => kind === 'infeasible').length;
    const top = order[0];
    const topIsValid = classes[top] !== 'invalid';

    let best = this.base.best;
    let improved = false;
    if (
      topIsValid &&
      (best === null || compareOutcomes(fitness[top], violationsOrZero[top], best.fitness, best.violation, direction) < 0)
    ) {
      best = { genome: candidates[top].slice(), fitness: fitness[top], violation: violationsOrZero[top], generation };
      improved = true;
    }

    this.core = this.strategy.update(this.config, this.core, {
      generation,
      direction,
      candidates,
      fitness,
      violations: violationsOrZero,
      order,
    });
    this.pending = null;
    this.pendingLineage = null;
    this.base = {
      ...this.base,
      generation: generation + 1,
      evaluations: this.base.evaluations + candidates.length,
      invalid: this.base.invalid + invalid,
      infeasible: this.base.infeasible + infeasible,
      best,
    };

    const valid = fitness.filter((_, index) => classes[index] !== 'invalid');
    return {
      generation,
      evaluated: candidates.length,
      evaluations: this.base.evaluations,
      invalid,
      infeasible,
      generationBest: topIsValid ? { index: top, fitness: fitness[top], violation: violationsOrZero[top] } : null,
      meanFitness: valid.length === 0 ? Number.NaN : valid.reduce((sum, value) => sum + value, 0) / valid.length,
      best: best === null ? null : { fitness: best.fitness, violation: best.violation, generation: best.generation },
      improved,
    };
  }

  best(): Elite | null {
    const best = this.base.best;
    return best === null ? null : { ...best, genome: best.genome.slice() };
  }

  state(): SearchState {
    const { best, ...base } = this.base;
    return {
      schema: SEARCH_STATE_SCHEMA,
      algorithm: this.algorithm,
      ...base,
      best:
        best === null
          ? null
          : { genome: encodeFloat32(best.genome), fitness: best.fitness, violation: best.violation, generation: best.generation },
      config: { ...this.config },
      core: this.strategy.encodeCore(this.core),
    };
  }
}

export function startSearch<C extends Config, Core>(strategy: Strategy<C, Core>, base: SearchBase, config: C, core: Core): Search {
  return new StrategySearch(strategy, base, config, core);
}

/** Rebuilds a search from `state()` output (possibly read back from JSON). */
export function resumeSearch<C extends Config, Core>(strategy: Strategy<C, Core>, value: unknown): Search {
  const state = parseSearchState(value);
  if (state.algorithm !== strategy.algorithm) {
    throw new RangeError(`state is for ${state.algorithm}, not ${strategy.algorithm}`);
  }
  const config = strategy.decodeConfig(state.config);
  const core = strategy.decodeCore(state.core, config, state.dimension);
  const best =
    state.best === null
      ? null
      : { ...state.best, genome: decodeFloat32(state.best.genome, state.dimension, 'best.genome') };
  const base: SearchBase = {
    dimension: state.dimension,
    seed: state.seed,
    direction: state.direction,
    shell: state.shell,
    generation: state.generation,
    evaluations: state.evaluations,
    invalid: state.invalid,
    infeasible: state.infeasible,
    best,
  };
  return new StrategySearch(strategy, base, config, core);
}

/** z0: the caller's base noise, or one drawn from the seed; on the shell when asked for. */
export function initialGenome(options: { dimension: number; seed: number; shell?: boolean; initial?: Genome }): Genome {
  const genome =
    options.initial !== undefined ? options.initial.slice() : normalGenome(createRng(deriveSeed(options.seed, 'z0')), options.dimension);
  checkGenome(genome, options.dimension, 'initial genome');
  return options.shell ? projectToShell(genome) : genome;
}

export function checkPopulationSize(value: number, minimum: number, label = 'populationSize'): number {
  if (!Number.isInteger(value) || value < minimum) throw new RangeError(`${label} must be an integer ≥ ${minimum}, got ${value}`);
  return value;
}
