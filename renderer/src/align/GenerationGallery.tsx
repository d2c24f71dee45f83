import { useId } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatReward, type GalleryItem } from './align-data';
import { useRunImage } from './use-align-run';

interface GenerationGalleryProps {
  runId: string;
  generation: number;
  items: readonly GalleryItem[] | undefined;
  loadError: unknown;
  selected: number | undefined;
  onSelect: (index: number) => void;
}

/** One generation's candidates, best first; pressing one opens its detail. */
export function GenerationGallery({ runId, generation, items, loadError, selected, onSelect }: GenerationGalleryProps) {
  const id = useId();
  if (loadError) return <ErrorNotice error={loadError} title={`Could not read generation ${generation}'s candidates`} />;
  if (!items) return <p role="status">Loading generation {generation}…</p>;
  return (
    <ul className="gallery" aria-labelledby={`${id}-label`} data-testid="gallery">
      <span id={`${id}-label`} className="visually-hidden">
        Candidates of generation {generation}, best first
      </span>
      {items.map((item) => (
        <li key={item.candidate.index}>
          <GalleryTile runId={runId} generation={generation} item={item} pressed={selected === item.candidate.index} onSelect={onSelect} />
        </li>
      ))}
    </ul>
  );
}

function GalleryTile({ runId, generation, item, pressed, onSelect }: { runId: string; generation: number; item: GalleryItem; pressed: boolean; onSelect: (index: number) => void }) {
  const { image, error } = useRunImage(runId, item.candidate.image);
  const { candidate } = item;
  const name = `generation ${generation}, candidate ${candidate.index}: rank ${item.rank}, reward ${formatReward(candidate.reward)}${item.feasible ? '' : ', misses a constraint'}${item.bestOfRun ? ', best of the run' : ''}`;
  return (
    <button type="button" aria-pressed={pressed} aria-label={name} onClick={() => onSelect(candidate.index)} data-candidate={candidate.index}>
      {image ? <img src={image.url} alt="" /> : <span className="image-placeholder">{error ? 'image unreadable' : '…'}</span>}
      <span className="caption" aria-hidden="true">
        #{item.rank} · {formatReward(candidate.reward)}
        {item.bestOfRun ? ' ★' : ''}
        {item.feasible ? '' : ' ✕'}
      </span>
    </button>
  );
}
