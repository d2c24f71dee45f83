import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../electron/api/contract';
import { LivePoints } from '../../renderer/src/chart/live-points';
import { JobWatch, type JobEvent } from '../../renderer/src/jobs/job-watch';

const note = (jobId: string, text: string): ApiEvent => ({ type: 'job-note', jobId, text });

describe('JobWatch', () => {
  it("replays the job's events that arrived before start* answered, and drops other jobs'", () => {
    const seen: JobEvent[] = [];
    const watch = new JobWatch((event) => seen.push(event));
    watch.receive(note('mine', 'early'));
    watch.receive(note('other', 'not mine'));
    watch.receive({ type: 'engine-status', state: 'ready', message: 'ok' });
    watch.attach('mine');
    watch.receive(note('mine', 'late'));
    watch.receive(note('other', 'still not mine'));
    expect(seen.map((event) => (event.type === 'job-note' ? event.text : event.type))).toEqual(['early', 'late']);
  });
});

describe('LivePoints', () => {
  const visit = (tokens: number, medianMs: number, phase: 'survey' | 'refine' | 'validate' = 'survey') => ({ tokens, phase, medianMs, samples: 7 });

  it('draws a count visited in several passes at the median of its visits, its band spanning them', () => {
    const live = new LivePoints();
    live.add(visit(10, 2));
    live.add(visit(10, 4));
    expect(live.add(visit(10, 3))).toEqual({ tokens: 10, medianMs: 3, p10Ms: 2, p90Ms: 4, samples: 21 });
    expect(live.add(visit(11, 1))).toMatchObject({ medianMs: 1, p10Ms: 1, p90Ms: 1 });
  });

  it('leaves whole-model validation visits off the block curve', () => {
    const live = new LivePoints();
    expect(live.add(visit(10, 40, 'validate'))).toBeUndefined();
    expect(live.add(visit(10, 2))).toMatchObject({ medianMs: 2, samples: 7 });
  });
});
