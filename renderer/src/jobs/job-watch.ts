import type { ApiEvent } from '../../../electron/api/contract';

export type JobEvent = Extract<ApiEvent, { jobId: string }>;

const MAX_EARLY_EVENTS = 10_000;

/**
 * Follows one job's events. A job's first events can arrive before `start*` has answered with its
 * id, so the watch listens from before the call, keeps what it cannot place yet, and replays the
 * job's own events once it knows the id.
 */
export class JobWatch {
  private jobId: string | undefined;
  private early: JobEvent[] = [];

  constructor(private readonly onJobEvent: (event: JobEvent) => void) {}

  receive(event: ApiEvent): void {
    if (!('jobId' in event)) return;
    if (this.jobId === undefined) {
      if (this.early.length < MAX_EARLY_EVENTS) this.early.push(event);
      return;
    }
    if (event.jobId === this.jobId) this.onJobEvent(event);
  }

  attach(jobId: string): void {
    this.jobId = jobId;
    const mine = this.early.filter((event) => event.jobId === jobId);
    this.early = [];
    mine.forEach(this.onJobEvent);
  }
}
