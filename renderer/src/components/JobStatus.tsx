import type { TrackedJob } from '../jobs/use-tracked-job';
import { ErrorNotice } from './ErrorNotice';

export interface JobWords {
  /** what the job is, in the user's words: "validation", "alignment" */
  name: string;
  running: string;
  complete: string;
  incomplete: string;
  cancelled: string;
}

function statusText(tracked: TrackedJob, words: JobWords): string {
  const { job } = tracked;
  if (job.state === 'starting') return `Starting the ${words.name}…`;
  if (job.state === 'running') return words.running;
  if (job.state === 'ended') {
    if (job.outcome === 'failed') return `The ${words.name} failed.`;
    return words[job.outcome];
  }
  return '';
}

/**
 * A job's state where it was started: status, progress, cancel, the engine's notes and errors.
 * `showNotes` false: the result on screen lists the same notes from its document.
 */
export function JobStatus({ tracked, words, testId, showNotes = true }: { tracked: TrackedJob; words: JobWords; testId: string; showNotes?: boolean }) {
  const { job, progress, notes, busy } = tracked;
  return (
    <div className="job-status">
      <div className="actions">
        <span role="status" data-testid={testId}>
          {statusText(tracked, words)}
        </span>
        {job.state === 'running' ? (
          <button type="button" onClick={() => void tracked.cancel()}>
            Cancel the {words.name}
          </button>
        ) : null}
      </div>
      {progress && busy ? (
        <div className="progress">
          <progress max={Math.max(progress.total, 1)} value={progress.done} aria-label={`${words.name} progress`} />
          <span>
            {progress.stage}: {progress.done}/{progress.total} · {progress.detail}
          </span>
        </div>
      ) : null}
      <ErrorNotice error={tracked.actionError} title={job.state === 'running' ? 'Could not cancel' : `Could not start the ${words.name}`} />
      <ErrorNotice error={tracked.jobError} title={`The ${words.name} failed`} />
      {showNotes && notes.length > 0 ? (
        <ul className="notes" aria-label={`Notes from the ${words.name}`}>
          {notes.map((note, index) => (
            <li key={index}>{note}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
