/**
 * Shapes an align run for the page: the fitness series per generation, a generation's gallery in
 * the search's own ranking, and each candidate's lineage through genome hashes. Pure functions.
 */
import type { CandidateRecord, GenerationSummary } from '../../../electron/api/documents';

export type Direction = 'min' | 'max';

// ---------------------------------------------------------------- fitness

export interface FitnessSeries {
  generations: number[];
  best: (number | null)[];
  mean: (number | null)[];
  median: (number | null)[];
  /** the best reward of the run up to and including each generation */
  bestSoFar: (number | null)[];
}

/** A generation redone after a resume replaces its earlier record; generations in order. */
export function mergeSummary(summaries: readonly GenerationSummary[], summary: GenerationSummary): GenerationSummary[] {
  return [...summaries.filter((candidate) => candidate.generation !== summary.generation), summary].sort((a, b) => a.generation - b.generation);
}

export function fitnessSeries(summaries: readonly GenerationSummary[]): FitnessSeries {
  const sorted = summaries.reduce<GenerationSummary[]>(mergeSummary, []);
  return {
    generations: sorted.map((summary) => summary.generation),
    best: sorted.map((summary) => summary.bestReward),
    mean: sorted.map((summary) => summary.meanReward),
    median: sorted.map((summary) => summary.medianReward),
    bestSoFar: sorted.map((summary) => summary.bestSoFar?.reward ?? null),
  };
}

function formatReward(value: number | null): string {
  if (value === null) return '–';
  return Math.abs(value) >= 100 || Number.isInteger(value) ? value.toFixed(0) : value.toPrecision(4);
}

/** What the chart's cursor reads at one generation. */
export function fitnessReadout(series: FitnessSeries, index: number | null | undefined): string {
  if (index === null || index === undefined || index < 0 || index >= series.generations.length) return '';
  return (
    `generation ${series.generations[index]} · best ${formatReward(series.best[index])} · mean ${formatReward(series.mean[index])} · ` +
    `median ${formatReward(series.median[index])} · best so far ${formatReward(series.bestSoFar[index])}`
  );
}

export { formatReward };

// ---------------------------------------------------------------- gallery

/**
 * The search's order: candidates meeting every constraint first, better reward first among them;
 * the rest by how far they miss; invalid rewards (null) last.
 */
export function compareCandidates(a: CandidateRecord, b: CandidateRecord, direction: Direction): number {
  const validA = a.reward !== null && a.violation !== null;
  const validB = b.reward !== null && b.violation !== null;
  if (validA !== validB) return validA ? -1 : 1;
  if (!validA || !validB) return a.index - b.index;
  const feasibleA = a.violation === 0;
  const feasibleB = b.violation === 0;
  if (feasibleA !== feasibleB) return feasibleA ? -1 : 1;
  if (!feasibleA && a.violation !== b.violation) return a.violation! - b.violation!;
  if (a.reward !== b.reward) return direction === 'min' ? a.reward! - b.reward! : b.reward! - a.reward!;
  return a.index - b.index;
}

export interface GalleryItem {
  candidate: CandidateRecord;
  /** 1 = this generation's best */
  rank: number;
  /** the best candidate of the whole run so far (by genome) */
  bestOfRun: boolean;
  feasible: boolean;
}

/** A generation's candidates in the search's ranking, each with its rank. */
export function galleryItems(candidates: readonly CandidateRecord[], direction: Direction, bestGenomeHash?: string | null): GalleryItem[] {
  return [...candidates]
    .sort((a, b) => compareCandidates(a, b, direction))
    .map((candidate, index) => ({
      candidate,
      rank: index + 1,
      bestOfRun: bestGenomeHash !== undefined && bestGenomeHash !== null && candidate.genomeHash === bestGenomeHash,
      feasible: candidate.violation === 0,
    }));
}

// ---------------------------------------------------------------- lineage

export interface GenerationCandidates {
  generation: number;
  lineageNote: string;
  candidates: readonly CandidateRecord[];
}

export interface CandidateRef {
  generation: number;
  index: number;
  genomeHash: string;
  image: string;
  reward: number | null;
}

export interface ParentLink {
  genomeHash: string;
  /** where the parent was evaluated; undefined when its generation is not loaded or it was never saved (z0 of SNES) */
  found?: CandidateRef;
}

function refOf(generation: number, candidate: CandidateRecord): CandidateRef {
  return { generation, index: candidate.index, genomeHash: candidate.genomeHash, image: candidate.image, reward: candidate.reward };
}

/**
 * Each parent hash, found in the latest generation before `generation` that evaluated it (CoSyNE
 * keeps good genomes in its population for many generations, so a parent can be older than g − 1).
 */
export function findParents(parents: readonly string[], generation: number, generations: readonly GenerationCandidates[]): ParentLink[] {
  const earlier = generations.filter((entry) => entry.generation < generation).sort((a, b) => b.generation - a.generation);
  return parents.map((genomeHash) => {
    for (const entry of earlier) {
      const candidate = entry.candidates.find((item) => item.genomeHash === genomeHash);
      if (candidate) return { genomeHash, found: refOf(entry.generation, candidate) };
    }
    return { genomeHash };
  });
}

/** Candidates of later generations bred from this genome. */
export function findChildren(genomeHash: string, generation: number, generations: readonly GenerationCandidates[]): CandidateRef[] {
  return generations
    .filter((entry) => entry.generation > generation)
    .sort((a, b) => a.generation - b.generation)
    .flatMap((entry) => entry.candidates.filter((candidate) => candidate.parents.includes(genomeHash)).map((candidate) => refOf(entry.generation, candidate)));
}

/** The operator that made a candidate, in words. */
export function describeOperator(candidate: Pick<CandidateRecord, 'operator' | 'cut' | 'parents'>): string {
  switch (candidate.operator) {
    case 'initial':
      return 'z0: the seed\'s own noise, the baseline every candidate is compared with';
    case 'random':
      return 'a fresh draw of Gaussian noise';
    case 'distribution':
      return "a sample of the evolution strategy's Gaussian";
    case 'crossover':
      return `crossover of two parents${candidate.cut === undefined ? '' : ` cut at coordinate ${candidate.cut}`}, then Gaussian mutation`;
    case 'permutation':
      return `every coordinate taken from one of the ${candidate.parents.length} members of the population`;
    case 'neighbour':
      return 'a neighbour of the pivot at a fixed cosine';
    default:
      return candidate.operator;
  }
}
