import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiCallError, type ApiResponse, type RunDetail } from '../../../../electron/api/contract';
import { useApp } from '../../app/api-context';
import { useCall } from '../../app/use-call';
import { useProbe } from '../../app/use-probe';
import { LivePoints } from '../../chart/live-points';
import { StaircaseChart } from '../../chart/StaircaseChart';
import { StaircaseFeed } from '../../chart/staircase-feed';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RunFileButton } from '../../components/RunFileButton';
import type { JobEvent } from '../../jobs/job-watch';
import { useJob } from '../../jobs/use-job';
import { showProfile } from '../../profile/profile-feed';
import { ProfileSummary } from '../../profile/ProfileSummary';
import { viewProfile } from '../../profile/profile-view';
import { SweepForm, type SweepRequest } from './SweepForm';

type JobProgress = ApiResponse<'listJobs'>['jobs'][number]['progress'];
type Outcome = 'complete' | 'incomplete' | 'failed' | 'cancelled';
type JobState =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'running'; jobId: string; runId: string }
  | { state: 'ended'; runId: string; outcome: Outcome };

const OUTCOME_WORDS: Record<Outcome, string> = {
  complete: 'Sweep complete.',
  incomplete: 'Sweep ended early; the profile holds what was measured.',
  failed: 'Sweep failed.',
  cancelled: 'Sweep cancelled; what was measured is kept.',
};

export function SweepPage() {
  const { api, connection, info, navigate } = useApp();
  const models = useCall(() => api.listModels({}), [api]);
  // The runtime choice (PyTorch, TensorRT) appears only once the probe has found one working here.
  const probe = useProbe();
  const feed = useMemo(() => new StaircaseFeed(), []);
  const feeds = useMemo(() => [feed], [feed]);
  const live = useRef(new LivePoints());
  const [job, setJob] = useState<JobState>({ state: 'idle' });
  const [progress, setProgress] = useState<JobProgress>();
  const [notes, setNotes] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  const [jobError, setJobError] = useState<unknown>(null);
  const [result, setResult] = useState<RunDetail>();
  const [resultError, setResultError] = useState<unknown>(null);

  // Progress comes with every visit: keep the latest and render it at most once a frame.
  const latestProgress = useRef<JobProgress>(undefined);
  const progressFrame = useRef(0);
  const showProgress = useCallback((next: JobProgress) => {
    latestProgress.current = next;
    if (progressFrame.current !== 0) return;
    progressFrame.current = requestAnimationFrame(() => {
      progressFrame.current = 0;
      setProgress(latestProgress.current);
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(progressFrame.current), []);

  const loadResult = useCallback(
    async (runId: string) => {
      try {
        const detail = await api.getRun({ runId });
        setResult(detail);
        if (detail.documents.profile) showProfile(feed, detail.documents.profile);
      } catch (error) {
        setResultError(error);
      }
    },
    [api, feed],
  );

  const end = useCallback(
    (runId: string, outcome: Outcome) => {
      setJob({ state: 'ended', runId, outcome });
      setStatus(OUTCOME_WORDS[outcome]);
      void loadResult(runId);
    },
    [loadResult],
  );

  const onJobEvent = useCallback(
    (event: JobEvent) => {
      switch (event.type) {
        case 'job-progress':
          showProgress(event.progress);
          break;
        case 'job-note':
          setNotes((previous) => [...previous, event.text]);
          break;
        case 'sweep-visit': {
          const point = live.current.add(event);
          if (point) feed.addPoints([point]);
          break;
        }
        case 'job-done':
          end(event.runId, event.status);
          break;
        case 'job-failed':
          setJobError(new ApiCallError(event.error));
          end(event.runId, 'failed');
          break;
        case 'job-cancelled':
          end(event.runId, 'cancelled');
          break;
      }
    },
    [end, feed, showProgress],
  );
  const { start, follow } = useJob(onJobEvent);

  // Coming back to the page (or reloading it) finds this session's latest sweep: still running, or its result.
  useEffect(() => {
    let stale = false;
    api.listJobs({}).then(
      ({ jobs }) => {
        const latest = jobs.filter((candidate) => candidate.kind === 'sweep').sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
        if (stale || !latest) return;
        if (latest.state === 'running') {
          follow(latest.jobId);
          setJob({ state: 'running', jobId: latest.jobId, runId: latest.runId });
          setProgress(latest.progress);
          setStatus('A sweep is running; points appear as they are measured.');
        } else {
          if (latest.error) setJobError(new ApiCallError(latest.error));
          setJob({ state: 'ended', runId: latest.runId, outcome: latest.state });
          void loadResult(latest.runId);
        }
      },
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [api, follow, loadResult]);

  // Events sent while the connection was down are lost: ask whether the job ended meanwhile.
  const running = job.state === 'running' ? job : undefined;
  useEffect(() => {
    if (!running) return;
    return connection.onStateChange((state) => {
      if (state !== 'open') return;
      api.listJobs({}).then(({ jobs }) => {
        const mine = jobs.find((candidate) => candidate.jobId === running.jobId);
        if (!mine || mine.state === 'running') return;
        if (mine.error) setJobError(new ApiCallError(mine.error));
        end(mine.runId, mine.state);
      }, () => undefined);
    });
  }, [api, connection, running, end]);

  const startSweep = async (request: SweepRequest) => {
    setJob({ state: 'starting' });
    setActionError(null);
    setJobError(null);
    setResult(undefined);
    setResultError(null);
    setNotes([]);
    setProgress(undefined);
    live.current = new LivePoints();
    feed.clear();
    setStatus('Starting the sweep…');
    try {
      const started = await start(() => api.startSweep(request));
      setJob((current) => (current.state === 'starting' ? { state: 'running', ...started } : current));
      setStatus(`Sweeping ${request.model}; points appear as they are measured.`);
    } catch (error) {
      setJob({ state: 'idle' });
      setStatus('');
      setActionError(error);
    }
  };

  const cancel = async () => {
    if (job.state !== 'running') return;
    setActionError(null);
    try {
      await api.cancelJob({ jobId: job.jobId });
      setStatus('Cancelling: keeping what was measured…');
    } catch (error) {
      setActionError(error);
    }
  };

  // ViTTMs (memory + process tokens) are listed for the Models page; the sweep times ViTs only (ViTTMs: Models page).
  const sweepable = useMemo(() => (models.value?.models ?? []).filter((listing) => listing.memoryTokens === undefined), [models.value]);
  const profile = result?.documents.profile;
  const view = useMemo(() => (profile ? viewProfile(profile) : undefined), [profile]);
  const files = result?.files.map((file) => file.name) ?? [];
  const busy = job.state === 'starting' || job.state === 'running';

  return (
    <>
      <p className="lead">Latency against the number of tokens on this machine: plateaus, and the steps between them.</p>
      <ErrorNotice error={models.error} title="Could not list the built-in models" />
      <SweepForm models={sweepable} backends={probe.value?.backends} running={busy} onStart={startSweep} onCancel={cancel} />
      <ErrorNotice error={actionError} title={job.state === 'running' ? 'Could not cancel' : 'Could not start the sweep'} />

      <section className="panel" aria-labelledby="sweep-chart-heading">
        <h2 id="sweep-chart-heading">Staircase</h2>
        <p role="status" data-testid="sweep-status">
          {status}
        </p>
        {progress && busy ? (
          <div className="progress">
            <progress max={Math.max(progress.total, 1)} value={progress.done} aria-label="sweep progress" />
            <span>
              {progress.stage}: {progress.done}/{progress.total} · {progress.detail}
            </span>
          </div>
        ) : null}
        <ErrorNotice error={jobError} title="The sweep failed" />
        <StaircaseChart feeds={feeds} title="Latency against tokens" />
        {notes.length > 0 && !view ? (
          <ul className="notes" aria-label="Notes from the sweep">
            {notes.map((note, index) => (
              <li key={index}>{note}</li>
            ))}
          </ul>
        ) : null}
      </section>

      <ErrorNotice error={resultError} title="Could not read the sweep's results" />
      {result && profile && view ? (
        <section className="panel" aria-labelledby="sweep-result-heading">
          <h2 id="sweep-result-heading">Result</h2>
          <div className="actions">
            {files.includes('raw-timings.csv') ? <RunFileButton runId={result.run.runId} name="raw-timings.csv" label="Download raw timings (CSV)" /> : null}
            {files.includes('profile.json') ? <RunFileButton runId={result.run.runId} name="profile.json" /> : null}
            {info.functions.includes('createSchedule') ? (
              <button type="button" onClick={() => navigate({ page: 'schedule', param: result.run.runId })}>
                Make a schedule from this run
              </button>
            ) : null}
          </div>
          <ProfileSummary profile={profile} view={view} />
        </section>
      ) : null}
    </>
  );
}
