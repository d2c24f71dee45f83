import { useCallback, useEffect, useRef } from 'react';
import type { ApiResponse } from '../../../electron/api/contract';
import { useApp } from '../app/api-context';
import { JobWatch, type JobEvent } from './job-watch';

type JobStarted = ApiResponse<'startSweep'>;

/**
 * Follows the one job a page runs: `start` listens before calling a start* function (its first
 * events may beat its answer); `follow` re-attaches to a job already running (a reloaded page).
 */
export function useJob(onJobEvent: (event: JobEvent) => void) {
  const { api } = useApp();
  const handler = useRef(onJobEvent);
  handler.current = onJobEvent;
  const watch = useRef<JobWatch | null>(null);

  useEffect(() => api.onEvent((event) => watch.current?.receive(event)), [api]);

  const start = useCallback(async (begin: () => Promise<JobStarted>): Promise<JobStarted> => {
    const next = new JobWatch((event) => handler.current(event));
    watch.current = next;
    try {
      const started = await begin();
      next.attach(started.jobId);
      return started;
    } catch (error) {
      if (watch.current === next) watch.current = null;
      throw error;
    }
  }, []);

  const follow = useCallback((jobId: string) => {
    const next = new JobWatch((event) => handler.current(event));
    next.attach(jobId);
    watch.current = next;
  }, []);

  return { start, follow };
}
