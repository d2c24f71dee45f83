import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiCallError, type ApiResponse, type JobKind, type JobProgress } from '../../../electron/api/contract';
import { useApp } from '../app/api-context';
import type { JobEvent } from './job-watch';
import { useJob } from './use-job';

export type JobOutcome = 'complete' | 'incomplete' | 'failed' | 'cancelled';

export type TrackedJobState =
  | { state: 'idle' }
  | { state: 'starting' }
  | { state: 'running'; jobId: string; runId: string }
  | { state: 'ended'; runId: string; outcome: JobOutcome };

type JobStarted = ApiResponse<'startSweep'>;

export interface TrackedJobOptions {
  /** the page picks up this session's latest job of these kinds again (a reload, or coming back to the page) */
  kinds: readonly JobKind[];
  /** the job's own events beyond progress, notes and its end (e.g. align-generation) */
  onEvent?: (event: JobEvent) => void;
  /** a job started here, or picked up again, is running: its run id */
  onRunning?: (runId: string) => void;
  onEnd?: (runId: string, outcome: JobOutcome) => void;
}

export interface TrackedJob {
  job: TrackedJobState;
  progress: JobProgress | undefined;
  notes: readonly string[];
  /** why the job failed, as the engine said it */
  jobError: unknown;
  /** a start or cancel call that failed */
  actionError: unknown;
  busy: boolean;
  start: (begin: () => Promise<JobStarted>) => Promise<JobStarted | undefined>;
  cancel: () => Promise<void>;
}

/**
 * One long job a panel runs and follows: starting it, its progress (at most one render a frame),
 * notes, failure with the engine's fix, cancelling, and finding it again after a reload or a lost
 * connection. The Sweep page predates it and keeps its own copy of this logic for its live chart.
 */
export function useTrackedJob(options: TrackedJobOptions): TrackedJob {
  const { api, connection } = useApp();
  const [job, setJob] = useState<TrackedJobState>({ state: 'idle' });
  const [progress, setProgress] = useState<JobProgress>();
  const [notes, setNotes] = useState<string[]>([]);
  const [jobError, setJobError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const optionsRef = useRef(options);
  optionsRef.current = options;

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

  const end = useCallback((runId: string, outcome: JobOutcome) => {
    setJob({ state: 'ended', runId, outcome });
    optionsRef.current.onEnd?.(runId, outcome);
  }, []);

  const onJobEvent = useCallback(
    (event: JobEvent) => {
      switch (event.type) {
        case 'job-progress':
          showProgress(event.progress);
          break;
        case 'job-note':
          setNotes((previous) => [...previous, event.text]);
          break;
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
        default:
          optionsRef.current.onEvent?.(event);
      }
    },
    [end, showProgress],
  );
  const { start: watchStart, follow } = useJob(onJobEvent);

  const kindsKey = options.kinds.join(',');
  useEffect(() => {
    let stale = false;
    const kinds = kindsKey.split(',');
    api.listJobs({}).then(
      ({ jobs }) => {
        const latest = jobs.filter((candidate) => kinds.includes(candidate.kind)).sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
        if (stale || !latest) return;
        if (latest.state === 'running') {
          follow(latest.jobId);
          setJob({ state: 'running', jobId: latest.jobId, runId: latest.runId });
          setProgress(latest.progress);
          optionsRef.current.onRunning?.(latest.runId);
        } else {
          if (latest.error) setJobError(new ApiCallError(latest.error));
          end(latest.runId, latest.state);
        }
      },
      () => undefined,
    );
    return () => {
      stale = true;
    };
  }, [api, follow, end, kindsKey]);

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

  const start = useCallback(
    async (begin: () => Promise<JobStarted>) => {
      setJob({ state: 'starting' });
      setActionError(null);
      setJobError(null);
      setNotes([]);
      setProgress(undefined);
      try {
        const started = await watchStart(begin);
        setJob((current) => (current.state === 'starting' ? { state: 'running', ...started } : current));
        optionsRef.current.onRunning?.(started.runId);
        return started;
      } catch (error) {
        setJob({ state: 'idle' });
        setActionError(error);
        return undefined;
      }
    },
    [watchStart],
  );

  const cancel = useCallback(async () => {
    if (job.state !== 'running') return;
    setActionError(null);
    try {
      await api.cancelJob({ jobId: job.jobId });
    } catch (error) {
      setActionError(error);
    }
  }, [api, job]);

  return { job, progress, notes, jobError, actionError, busy: job.state === 'starting' || job.state === 'running', start, cancel };
}
