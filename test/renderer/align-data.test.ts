import { describe, expect, it } from 'vitest';
import type { CandidateRecord, GenerationSummary } from '../../electron/api/documents';
import {
  describeOperator,
  findChildren,
  findParents,
  fitnessReadout,
  fitnessSeries,
  galleryItems,
  mergeSummary,
  type GenerationCandidates,
} from '../../renderer/src/align/align-data';

function summary(generation: number, best: number | null, mean: number | null, median: number | null, bestSoFar: number | null): GenerationSummary {
  return {
    generation,
    images: 16,
    imagesTotal: 16 * (generation + 1),
    bestReward: best,
    bestCandidate: best === null ? null : 0,
    meanReward: mean,
    medianReward: median,
    bestSoFar: bestSoFar === null ? null : { generation, candidate: 0, genomeHash: `best-${generation}`, reward: bestSoFar, violation: 0 },
    improved: true,
    invalid: 0,
    infeasible: 0,
    timing: { wallMs: 1, pipelineMs: 1, rewardMs: 0, searchMs: 0, filesMs: 0 },
    candidates: `generations/${generation}/candidates.json`,
  };
}

function candidate(index: number, reward: number | null, extra: Partial<CandidateRecord> = {}): CandidateRecord {
  return { index, genomeHash: `h${index}`, image: `generations/0/${index}.png`, reward, violation: reward === null ? null : 0, operator: 'random', parents: [], ...extra };
}

describe('fitness series', () => {
  it('orders generations and keeps the latest record of a generation redone after a resume', () => {
    const redone = summary(1, 90, 95, 96, 90);
    const series = fitnessSeries([summary(1, 100, 110, 111, 100), summary(0, 120, 130, 128, 120), summary(2, null, null, null, 90), redone]);
    expect(series.generations).toEqual([0, 1, 2]);
    expect(series.best).toEqual([120, 90, null]);
    expect(series.mean).toEqual([130, 95, null]);
    expect(series.median).toEqual([128, 96, null]);
    expect(series.bestSoFar).toEqual([120, 90, 90]);
  });

  it('reads one generation out, and nothing outside the series', () => {
    const series = fitnessSeries([summary(0, 1163, 1177.5, 1177.5, 1163), summary(1, 0.4567891, null, 0.5, null)]);
    expect(fitnessReadout(series, 0)).toBe('generation 0 · best 1163 · mean 1178 · median 1178 · best so far 1163');
    expect(fitnessReadout(series, 1)).toBe('generation 1 · best 0.4568 · mean – · median 0.5000 · best so far –');
    expect(fitnessReadout(series, 2)).toBe('');
    expect(fitnessReadout(series, null)).toBe('');
  });

  it('merges a live summary into the list in generation order', () => {
    const merged = mergeSummary([summary(0, 1, 1, 1, 1), summary(2, 3, 3, 3, 3)], summary(1, 2, 2, 2, 2));
    expect(merged.map((entry) => entry.generation)).toEqual([0, 1, 2]);
  });
});

describe('gallery', () => {
  it('ranks as the search does: feasible first, then by reward in the reward\'s direction, invalid rewards last', () => {
    const candidates = [
      candidate(0, 50),
      candidate(1, null),
      candidate(2, 10),
      candidate(3, 5, { violation: 0.2 }),
      candidate(4, 30),
      candidate(5, 7, { violation: 0.1 }),
    ];
    expect(galleryItems(candidates, 'min').map((item) => item.candidate.index)).toEqual([2, 4, 0, 5, 3, 1]);
    expect(galleryItems(candidates, 'max').map((item) => item.candidate.index)).toEqual([0, 4, 2, 5, 3, 1]);
    const items = galleryItems(candidates, 'min', 'h4');
    expect(items.map((item) => item.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(items.filter((item) => item.bestOfRun).map((item) => item.candidate.index)).toEqual([4]);
    expect(items.filter((item) => !item.feasible).map((item) => item.candidate.index)).toEqual([5, 3, 1]);
  });
});

describe('lineage', () => {
  const generations: GenerationCandidates[] = [
    { generation: 0, lineageNote: 'n', candidates: [candidate(0, 10, { genomeHash: 'a' }), candidate(1, 12, { genomeHash: 'b' })] },
    { generation: 1, lineageNote: 'n', candidates: [candidate(0, 9, { genomeHash: 'c', operator: 'crossover', parents: ['a', 'b'], cut: 40 })] },
    {
      generation: 2,
      lineageNote: 'n',
      candidates: [
        candidate(0, 8, { genomeHash: 'd', operator: 'crossover', parents: ['c', 'a'], cut: 7 }),
        candidate(1, 11, { genomeHash: 'e', operator: 'permutation', parents: ['a', 'c', 'zz'] }),
      ],
    },
  ];

  it('finds each parent in the latest earlier generation that evaluated it, even several generations back', () => {
    const parents = findParents(['c', 'a', 'zz'], 2, generations);
    expect(parents[0].found).toMatchObject({ generation: 1, index: 0, reward: 9 });
    expect(parents[1].found).toMatchObject({ generation: 0, index: 0, reward: 10 });
    expect(parents[2]).toEqual({ genomeHash: 'zz' });
    // Nothing from the candidate's own generation or later counts as a parent.
    expect(findParents(['d'], 2, generations)[0].found).toBeUndefined();
  });

  it('finds the children bred from a genome in later generations', () => {
    expect(findChildren('a', 0, generations).map((child) => [child.generation, child.index])).toEqual([
      [1, 0],
      [2, 0],
      [2, 1],
    ]);
    expect(findChildren('d', 2, generations)).toEqual([]);
  });

  it('says what made a candidate', () => {
    expect(describeOperator({ operator: 'crossover', cut: 40, parents: ['a', 'b'] })).toBe('crossover of two parents cut at coordinate 40, then Gaussian mutation');
    expect(describeOperator({ operator: 'permutation', parents: ['a', 'b', 'c'] })).toContain('3 members');
    expect(describeOperator({ operator: 'initial', parents: [] })).toMatch(/^z0/);
    expect(describeOperator({ operator: 'something-new', parents: [] })).toBe('something-new');
  });
});
