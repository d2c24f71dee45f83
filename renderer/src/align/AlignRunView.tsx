import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { AlignDocument } from '../../../electron/api/documents';
import { formatReward, findChildren, findParents, galleryItems, type CandidateRef, type Direction } from './align-data';
import { CandidateDetail } from './CandidateDetail';
import { FitnessChart } from './FitnessChart';
import { GenerationGallery } from './GenerationGallery';
import type { AlignRunData } from './use-align-run';

/** Generations read around a candidate to find its parents and children. */
const LINEAGE_REACH = 32;

interface AlignRunViewProps {
  data: AlignRunData;
  /** from the run's align.json, or the request while the first generation is under way */
  direction: Direction;
  rewardName: string;
  running: boolean;
  /** "continue from here": more generations of this run; absent when the engine cannot */
  onContinue?: (steps: number) => void;
}

/** An align run: the reward per generation, a gallery per generation, and one candidate's detail and lineage. */
export function AlignRunView({ data, direction, rewardName, running, onContinue }: AlignRunViewProps) {
  const id = useId();
  const { summaries, generations, failures, request, runId } = data;
  const latest = summaries.at(-1)?.generation;
  const [picked, setPicked] = useState<number>();
  const [selected, setSelected] = useState<{ generation: number; index: number }>();
  const detailRef = useRef<HTMLDivElement>(null);
  // While the search runs, the gallery follows the newest generation until the user picks one.
  const generation = picked ?? latest;

  useEffect(() => {
    if (generation !== undefined) request([generation]);
  }, [generation, request, summaries]);
  useEffect(() => {
    if (!selected) return;
    const around = summaries.map((summary) => summary.generation).filter((g) => Math.abs(g - selected.generation) <= LINEAGE_REACH);
    request(around);
  }, [selected, summaries, request]);

  const bestHash = summaries.at(-1)?.bestSoFar?.genomeHash ?? null;
  const current = generation === undefined ? undefined : generations.get(generation);
  const items = useMemo(() => (current ? galleryItems(current.candidates, direction, bestHash) : undefined), [current, direction, bestHash]);
  const loaded = useMemo(() => [...generations.values()], [generations]);
  const selectedGeneration = selected ? generations.get(selected.generation) : undefined;
  const selectedCandidate = selected && selectedGeneration?.candidates.find((candidate) => candidate.index === selected.index);

  const open = (target: Pick<CandidateRef, 'generation' | 'index'>) => {
    setPicked(target.generation);
    setSelected({ generation: target.generation, index: target.index });
    requestAnimationFrame(() => detailRef.current?.querySelector<HTMLElement>('#candidate-heading')?.focus());
  };
  const generationIndex = generation === undefined ? -1 : summaries.findIndex((summary) => summary.generation === generation);
  const step = (delta: number) => {
    const next = summaries[generationIndex + delta];
    if (next) setPicked(next.generation);
  };
  const summary = generationIndex >= 0 ? summaries[generationIndex] : undefined;

  return (
    <div data-testid="align-run" data-run-id={runId}>
      <FitnessChart summaries={summaries} direction={direction} rewardName={rewardName} />
      <section aria-labelledby={`${id}-gallery`}>
        <h3 id={`${id}-gallery`}>Gallery</h3>
        {summaries.length === 0 ? (
          <p>{running ? 'The first generation is being generated and scored…' : 'This run has no finished generation.'}</p>
        ) : (
          <>
            <div className="actions generation-picker">
              <button type="button" onClick={() => step(-1)} disabled={generationIndex <= 0}>
                Previous generation
              </button>
              <label htmlFor={`${id}-generation`}>generation</label>
              <select id={`${id}-generation`} value={generation} onChange={(event) => setPicked(Number(event.target.value))}>
                {summaries.map((entry) => (
                  <option key={entry.generation} value={entry.generation}>
                    {entry.generation}
                  </option>
                ))}
              </select>
              <button type="button" onClick={() => step(1)} disabled={generationIndex < 0 || generationIndex >= summaries.length - 1}>
                Next generation
              </button>
              {picked !== undefined && running ? (
                <button type="button" onClick={() => setPicked(undefined)}>
                  Follow the newest
                </button>
              ) : null}
            </div>
            {summary ? (
              <p className="hint" data-testid="generation-summary">
                Generation {summary.generation}: {summary.images} images, best {formatReward(summary.bestReward)}, mean {formatReward(summary.meanReward)}, median{' '}
                {formatReward(summary.medianReward)}
                {summary.improved ? '; a new best of the run' : ''}
                {summary.invalid > 0 ? `; ${summary.invalid} invalid rewards ranked worst` : ''}.
              </p>
            ) : null}
            {generation !== undefined ? (
              <GenerationGallery
                runId={runId}
                generation={generation}
                items={items}
                loadError={failures.get(generation)}
                selected={selected?.generation === generation ? selected.index : undefined}
                onSelect={(index) => open({ generation, index })}
              />
            ) : null}
          </>
        )}
      </section>
      <div ref={detailRef}>
        {selected && selectedCandidate && selectedGeneration ? (
          <CandidateDetail
            runId={runId}
            generation={selected.generation}
            candidate={selectedCandidate}
            lineageNote={selectedGeneration.lineageNote}
            parents={findParents(selectedCandidate.parents, selected.generation, loaded)}
            children={findChildren(selectedCandidate.genomeHash, selected.generation, loaded)}
            onOpen={open}
            onClose={() => setSelected(undefined)}
          />
        ) : null}
      </div>
      {onContinue && !running && summaries.length > 0 ? <ContinueForm onContinue={onContinue} after={latest ?? 0} /> : null}
    </div>
  );
}

function ContinueForm({ onContinue, after }: { onContinue: (steps: number) => void; after: number }) {
  const id = useId();
  const [steps, setSteps] = useState('5');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onContinue(Number(steps));
  };
  return (
    <form className="continue-form" onSubmit={submit} aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Continue from here</h3>
      <p className="hint">The search goes on from generation {after} with the run's own settings, into the same run folder.</p>
      <div className="actions">
        <label htmlFor={`${id}-steps`}>more generations</label>
        <input id={`${id}-steps`} type="number" min={1} max={100000} value={steps} onChange={(event) => setSteps(event.target.value)} required />
        <button type="submit" className="primary">
          Continue the search
        </button>
      </div>
    </form>
  );
}

/** The reward's direction and name, from the run's document. */
export function rewardOf(document: AlignDocument | undefined): { direction: Direction; rewardName: string } | undefined {
  return document ? { direction: document.reward.direction, rewardName: document.reward.name } : undefined;
}
