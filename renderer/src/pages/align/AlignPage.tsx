import { useCallback, useEffect, useState } from 'react';
import { executionProviderChoiceSchema } from '../../../../electron/api/contract';
import { useApp } from '../../app/api-context';
import { useCall } from '../../app/use-call';
import { AlignRunView } from '../../align/AlignRunView';
import { useAlignRun } from '../../align/use-align-run';
import { ErrorNotice } from '../../components/ErrorNotice';
import { JobStatus } from '../../components/JobStatus';
import type { JobEvent } from '../../jobs/job-watch';
import { useTrackedJob } from '../../jobs/use-tracked-job';
import { AlignForm, type AlignRequest } from './AlignForm';

const WORDS = {
  name: 'alignment',
  running: 'Searching: each generation is drawn and scored, then appears below.',
  complete: 'Alignment complete.',
  incomplete: 'Alignment stopped early; every finished generation is kept.',
  cancelled: 'Alignment cancelled; every finished generation is kept, and it can continue from here.',
};

/** The engine's provider names; a run started on one continues on it. */
function providerChoice(ep: unknown) {
  const parsed = executionProviderChoiceSchema.safeParse(ep);
  return parsed.success ? parsed.data : 'auto';
}

/** Search a diffusion model's initial noise for images a reward prefers, and browse what it found. */
export function AlignPage() {
  const { api, info, navigate } = useApp();
  const options = useCall(() => api.listAlignOptions({}), [api]);
  const [runId, setRunId] = useState<string>();
  const [ended, setEnded] = useState(0);
  const [loadError, setLoadError] = useState<unknown>(null);
  const data = useAlignRun(runId);

  const onEvent = useCallback(
    (event: JobEvent) => {
      if (event.type !== 'align-generation') return;
      data?.receive(event.summary, { generation: event.summary.generation, lineageNote: event.lineageNote, candidates: event.candidates });
    },
    [data],
  );
  const tracked = useTrackedJob({
    kinds: ['align'],
    onEvent,
    onRunning: setRunId,
    onEnd: (endedRunId) => {
      setRunId(endedRunId);
      setEnded((count) => count + 1);
    },
  });

  // align.json holds every finished generation: read on opening a run, and once its job ends.
  const reload = data?.reload;
  useEffect(() => {
    if (!reload) return;
    setLoadError(null);
    reload().catch(setLoadError);
  }, [reload, ended]);

  const start = (request: AlignRequest) => void tracked.start(() => api.startAlign(request));
  const document = data?.document;
  const continueRun =
    info.functions.includes('continueAlign') && runId
      ? (steps: number) => void tracked.start(() => api.continueAlign({ runId, steps, ep: providerChoice(document?.settings.ep) }))
      : undefined;

  return (
    <>
      <p className="lead">
        Searches a diffusion model's initial noise with an evolutionary algorithm for images a reward prefers, offline on this machine. Every candidate is kept with
        how to make it again.
      </p>
      <ErrorNotice error={options.error} title="Could not read what an alignment can be asked for" />
      {options.value ? <AlignForm options={options.value} running={tracked.busy} onStart={start} /> : options.loading ? <p role="status">Loading…</p> : null}
      <JobStatus tracked={tracked} words={WORDS} testId="align-status" />
      {data ? (
        <section className="panel" aria-labelledby="align-run-heading">
          <h2 id="align-run-heading">
            {document ? `${document.algorithm} on ${document.model.label}, reward ${document.reward.name}` : 'This run'}
          </h2>
          {document ? (
            <p className="lead" data-testid="align-run-summary">
              {document.generations.length} generations, {document.images} images, {(document.elapsedMs / 1000).toFixed(1)} s
              {document.stopReason ? `: ${document.stopReason}` : ''}.
              {document.baseline && document.best
                ? ` Baseline z0 ${document.baseline.reward ?? '–'} → best ${document.best.reward} (generation ${document.best.generation}).`
                : ''}
            </p>
          ) : null}
          <ErrorNotice error={loadError} title="Could not read the run" />
          <AlignRunView
            data={data}
            direction={document?.reward.direction ?? 'max'}
            rewardName={document?.reward.name ?? 'reward'}
            running={tracked.busy}
            onContinue={continueRun}
          />
          <div className="actions">
            <button type="button" onClick={() => navigate({ page: 'runs', param: data.runId })}>
              Open in Runs
            </button>
          </div>
        </section>
      ) : null}
    </>
  );
}
