import { useCallback, useId, useState, type FormEvent } from 'react';
import { budgetMatchSchema, executionProviderChoiceSchema, type ApiRequest, type RunDetail } from '../../../../electron/api/contract';
import type { Schedule } from '../../../../electron/engine/contracts/schedule';
import { useApp } from '../../app/api-context';
import { ErrorNotice } from '../../components/ErrorNotice';
import { JobStatus } from '../../components/JobStatus';
import { useTrackedJob } from '../../jobs/use-tracked-job';
import { ValidationView } from '../../validate/ValidationView';

type ValidateRequest = ApiRequest<'startValidate'>;

const WORDS = {
  name: 'validation',
  running: 'Timing the pruned model, Top-K, ToMe and the baseline in shuffled rounds…',
  complete: 'Validation complete.',
  incomplete: 'Validation ended early; the rounds measured are kept.',
  cancelled: 'Validation cancelled; the rounds measured are kept.',
};

/**
 * "Validate on this device": the schedule on screen (saved or not) checked end to end, with the
 * run's profile for predictions.
 */
export function ValidatePanel({ runId, schedule }: { runId: string; schedule: Schedule | undefined }) {
  const { api, navigate } = useApp();
  const id = useId();
  const [rounds, setRounds] = useState('5');
  const [ep, setEp] = useState<NonNullable<ValidateRequest['ep']>>('auto');
  const [match, setMatch] = useState<NonNullable<ValidateRequest['match']>>('token-layers');
  const [result, setResult] = useState<RunDetail>();
  const [resultError, setResultError] = useState<unknown>(null);

  const onEnd = useCallback(
    (validationRunId: string) => {
      api.getRun({ runId: validationRunId }).then(setResult, setResultError);
    },
    [api],
  );
  const tracked = useTrackedJob({ kinds: ['validate'], onEnd });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!schedule) return;
    setResult(undefined);
    setResultError(null);
    void tracked.start(() => api.startValidate({ runId, schedule, rounds: Number(rounds), ep, match }));
  };

  const validation = result?.documents.validation;
  return (
    <section className="panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Validate on this device</h2>
      <p className="lead">
        Builds the schedule's pruned model, Top-K and ToMe at the same token budget and the unpruned baseline, and times them end to end here in shuffled rounds.
      </p>
      <form onSubmit={submit} aria-label="Validation options">
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-rounds`}>rounds</label>
            <input id={`${id}-rounds`} type="number" min={1} max={1000} value={rounds} onChange={(event) => setRounds(event.target.value)} required disabled={tracked.busy} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-ep`}>execution provider</label>
            <select id={`${id}-ep`} value={ep} onChange={(event) => setEp(event.target.value as typeof ep)} disabled={tracked.busy}>
              {executionProviderChoiceSchema.options.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-match`}>match Top-K and ToMe by</label>
            <select id={`${id}-match`} value={match} onChange={(event) => setMatch(event.target.value as typeof match)} disabled={tracked.busy}>
              {budgetMatchSchema.options.map((name) => (
                <option key={name} value={name}>
                  {name === 'token-layers' ? 'tokens removed' : 'predicted latency'}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={!schedule || tracked.busy}>
            Validate on this device
          </button>
          {!schedule ? <span className="hint">Compute a schedule first.</span> : null}
        </div>
      </form>
      <JobStatus tracked={tracked} words={WORDS} testId="validate-status" showNotes={!validation} />
      <ErrorNotice error={resultError} title="Could not read the validation" />
      {result && validation ? (
        <>
          <ValidationView document={validation} />
          <div className="actions">
            <button type="button" onClick={() => navigate({ page: 'runs', param: result.run.runId })}>
              Open the validation run
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}
