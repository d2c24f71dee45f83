import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { scheduleMethodSchema } from '../../../../electron/engine/contracts/schedule';
import type { ApiRequest, ApiResponse } from '../../../../electron/api/contract';
import { useApp } from '../../app/api-context';
import { saveFile } from '../../app/download';
import { useCall } from '../../app/use-call';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDate } from '../../components/format';
import { ScheduleSummary } from '../../schedule/ScheduleSummary';
import { ValidatePanel } from './ValidatePanel';

type ScheduleRequest = ApiRequest<'createSchedule'>;
type ScheduleAnswer = ApiResponse<'createSchedule'>;
type Method = NonNullable<ScheduleRequest['method']>;

/** Runs that hold a profile: sweeps and tunes that measured something (an engine that does not list documents: by kind). */
function profileRuns(runs: ApiResponse<'listRuns'>['runs']) {
  return runs.filter(
    (run) =>
      (run.documents ? run.documents.includes('profile') : run.kind === 'sweep' || run.kind === 'tune') &&
      (run.status === 'complete' || run.status === 'incomplete'),
  );
}

export function SchedulePage({ runId: wantedRunId }: { runId?: string }) {
  const { api, info } = useApp();
  const id = useId();
  const runs = useCall(() => api.listRuns({}), [api]);
  const candidates = useMemo(() => profileRuns(runs.value?.runs ?? []), [runs.value]);
  const [runId, setRunId] = useState(wantedRunId ?? '');
  const [alpha, setAlpha] = useState(0.5);
  const [method, setMethod] = useState<Method>('pomt');
  const [maxRemovePct, setMaxRemovePct] = useState('10');
  const [maxTokens, setMaxTokens] = useState('');
  const [layer, setLayer] = useState('3');
  const [accuracy, setAccuracy] = useState<{ name: string; csv: string }>();
  const [answer, setAnswer] = useState<ScheduleAnswer>();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');

  useEffect(() => {
    if (!runId && candidates.length > 0) setRunId(candidates[0].runId);
  }, [candidates, runId]);

  const request = useCallback(
    (save: boolean): ScheduleRequest => ({
      runId,
      alpha,
      method,
      layer: Number(layer),
      maxRemoveFraction: Number(maxRemovePct) / 100,
      ...(maxTokens.trim() ? { maxTokens: Number(maxTokens) } : {}),
      ...(accuracy ? { accuracyCsv: accuracy.csv } : {}),
      save,
    }),
    [runId, alpha, method, layer, maxRemovePct, maxTokens, accuracy],
  );

  const compute = useCallback(
    async (save: boolean) => {
      if (!runId) return;
      setBusy(true);
      setError(null);
      try {
        const next = await api.createSchedule(request(save));
        setAnswer(next);
        setStatus(save && next.savedAs ? `Saved as ${next.savedAs} in ${runId}.` : `Schedule computed: keep ${next.schedule.keepTokens} of ${next.schedule.baselineTokens} tokens.`);
      } catch (failure) {
        setError(failure);
        setStatus('');
      } finally {
        setBusy(false);
      }
    },
    [api, request, runId],
  );

  // A new run shows its schedule at once; changed options wait until the user asks again.
  const computeNow = useRef(compute);
  computeNow.current = compute;
  useEffect(() => {
    setAnswer(undefined);
    if (runId) void computeNow.current(false);
  }, [runId]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void compute(false);
  };

  const exportJson = () => {
    if (!answer) return;
    saveFile('schedule.json', `${JSON.stringify(answer.schedule, null, 2)}\n`, 'application/json');
    setStatus('schedule.json downloaded.');
  };

  const readAccuracy = async (file: File | undefined) => {
    setAccuracy(file ? { name: file.name, csv: await file.text() } : undefined);
  };

  return (
    <>
      <p className="lead">
        A token-pruning schedule from a sweep's profile (POMT: keep the right edge of the plateau just below a step). Export it as JSON for your deployment.
      </p>
      <ErrorNotice error={runs.error} title="Could not list the runs" />
      {runs.value && candidates.length === 0 ? <p>No run with a profile yet: run a sweep first.</p> : null}
      <form className="panel" onSubmit={submit} aria-label="Schedule options">
        <div className="form-grid">
          <div className="field wide">
            <label htmlFor={`${id}-run`}>profile from run</label>
            <select id={`${id}-run`} value={runId} onChange={(event) => setRunId(event.target.value)}>
              {runId && !candidates.some((run) => run.runId === runId) ? <option value={runId}>{runId}</option> : null}
              {candidates.map((run) => (
                <option key={run.runId} value={run.runId}>
                  {run.label} — {run.kind}, {formatDate(run.createdAt)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-alpha`}>α (latency weight): {alpha.toFixed(2)}</label>
            <input id={`${id}-alpha`} type="range" min={0} max={1} step={0.05} value={alpha} onChange={(event) => setAlpha(Number(event.target.value))} aria-describedby={`${id}-alpha-hint`} />
            <span className="hint" id={`${id}-alpha-hint`}>
              used with an accuracy curve: 1 = latency only
            </span>
          </div>
          <div className="field">
            <label htmlFor={`${id}-method`}>method</label>
            <select id={`${id}-method`} value={method} onChange={(event) => setMethod(event.target.value as Method)}>
              {scheduleMethodSchema.options.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-budget`}>remove at most (% of tokens)</label>
            <input id={`${id}-budget`} type="number" min={0.1} max={100} step={0.1} value={maxRemovePct} onChange={(event) => setMaxRemovePct(event.target.value)} required />
          </div>
          <div className="field">
            <label htmlFor={`${id}-max`}>full token count</label>
            <input id={`${id}-max`} type="number" min={1} value={maxTokens} onChange={(event) => setMaxTokens(event.target.value)} placeholder="the model's" />
          </div>
          <div className="field">
            <label htmlFor={`${id}-layer`}>prune at layer</label>
            <input id={`${id}-layer`} type="number" min={0} value={layer} onChange={(event) => setLayer(event.target.value)} required />
          </div>
          <div className="field">
            <label htmlFor={`${id}-accuracy`}>accuracy curve (CSV: tokens,accuracy)</label>
            <input id={`${id}-accuracy`} type="file" accept=".csv,text/csv" onChange={(event) => void readAccuracy(event.target.files?.[0])} />
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={!runId || busy}>
            Compute schedule
          </button>
          <button type="button" onClick={exportJson} disabled={!answer || busy}>
            Export schedule.json
          </button>
          <button type="button" onClick={() => void compute(true)} disabled={!runId || busy}>
            Save into the run
          </button>
          <span role="status" data-testid="schedule-status">
            {busy ? 'Computing…' : status}
          </span>
        </div>
      </form>
      <ErrorNotice error={error} title="Could not make a schedule" />
      {answer ? (
        <div className="panel">
          <ScheduleSummary schedule={answer.schedule} />
        </div>
      ) : null}
      {runId && info.functions.includes('startValidate') ? <ValidatePanel runId={runId} schedule={answer?.schedule} /> : null}
    </>
  );
}
