import { randomUUID } from 'node:crypto';
import { CancelledError } from '../../engine/errors.js';
import type { RunFolder } from '../../engine/store/runs.js';
import type { ApiEvent, JobKind, JobProgress, JobSummary } from '../contract.js';
import { toApiError } from '../errors.js';

/** What a job's work gets: the cancel signal and ways to report. */
export interface JobContext {
  jobId: string;
  /** the run folder the job writes */
  run: RunFolder;
  signal: AbortSignal;
  progress(progress: JobProgress): void;
  note(text: string): void;
  emit(event: ApiEvent): void;
}

/** How a job's work ended, with the run's message (e.g. why an align run stopped) when it has one. */
export type JobOutcome = 'complete' | 'incomplete' | { status: 'complete' | 'incomplete'; message: string };

/** A job's work saves its files into `run` and says how it ended; throwing fails (or cancels) it. */
export type JobWork = (context: JobContext) => Promise<JobOutcome>;

interface Job {
  summary: JobSummary;
  controller: AbortController;
  finished: Promise<void>;
}

/**
 * Running and finished jobs of one engine session. Each job writes one run folder; the registry
 * marks the run finished however the job ends and announces the end as an event.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly emit: (event: ApiEvent) => void) {}

  start(kind: JobKind, runId: string, run: RunFolder, work: JobWork): string {
    const jobId = `job-${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    const summary: JobSummary = { jobId, kind, runId, state: 'running', startedAt: new Date().toISOString() };
    const context: JobContext = {
      jobId,
      run,
      signal: controller.signal,
      progress: (progress) => {
        summary.progress = progress;
        this.emit({ type: 'job-progress', jobId, kind, progress });
      },
      note: (text) => this.emit({ type: 'job-note', jobId, text }),
      emit: (event) => this.emit(event),
    };
    const runJob = async () => {
      // Started on the next turn so that the caller has the jobId before the first event.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        const outcome = await work(context);
        const status = typeof outcome === 'string' ? outcome : outcome.status;
        await run.finish(status, typeof outcome === 'string' ? undefined : outcome.message);
        this.end(summary, controller.signal.aborted ? 'cancelled' : status);
      } catch (error) {
        const cancelled = error instanceof CancelledError || controller.signal.aborted;
        await run.finish(cancelled ? 'incomplete' : 'failed', error instanceof Error ? error.message : String(error)).catch(() => undefined);
        this.end(summary, cancelled ? 'cancelled' : 'failed', error);
      }
    };
    const finished = runJob();
    this.jobs.set(jobId, { summary, controller, finished });
    return jobId;
  }

  /** false when the job has already ended (cancelling it is then a no-op). */
  cancel(jobId: string): boolean | undefined {
    const job = this.jobs.get(jobId);
    if (!job) return undefined;
    if (job.summary.state !== 'running') return false;
    job.controller.abort();
    return true;
  }

  list(): JobSummary[] {
    return [...this.jobs.values()].map((job) => ({ ...job.summary }));
  }

  runningJobFor(runId: string): string | undefined {
    return [...this.jobs.values()].find((job) => job.summary.runId === runId && job.summary.state === 'running')?.summary.jobId;
  }

  /** Cancels every running job and waits until each has saved what it had. */
  async cancelAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((job) => job.summary.state === 'running');
    for (const job of running) job.controller.abort();
    await Promise.all(running.map((job) => job.finished));
  }

  private end(summary: JobSummary, state: 'complete' | 'incomplete' | 'cancelled' | 'failed', error?: unknown): void {
    summary.state = state;
    summary.endedAt = new Date().toISOString();
    const { jobId, kind, runId } = summary;
    if (state === 'failed') {
      summary.error = toApiError(error);
      this.emit({ type: 'job-failed', jobId, kind, runId, error: summary.error });
    } else if (state === 'cancelled') {
      this.emit({ type: 'job-cancelled', jobId, kind, runId });
    } else {
      this.emit({ type: 'job-done', jobId, kind, runId, status: state });
    }
  }
}
