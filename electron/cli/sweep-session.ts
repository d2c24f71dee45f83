import { runSweepJob, type SweepJobOptions, type SweepJobResult } from '../engine/jobs/sweep-job.js';
import { formatProfileCsv } from '../engine/staircase/csv.js';
import type { RunFolder } from '../engine/store/runs.js';
import { cancelOnInterrupt } from './cancel.js';
import type { Output } from './output.js';
import { createProgress } from './progress.js';

/** Runs a sweep with a progress bar and Ctrl-C handling, and saves its files, complete or not. */
export async function sweepWithProgress(options: Omit<SweepJobOptions, 'signal' | 'onProgress' | 'onNote'>, output: Output, run: RunFolder): Promise<SweepJobResult> {
  const bar = createProgress('sweep', { quiet: output.quiet });
  const cancel = cancelOnInterrupt(() => bar.done());
  try {
    const result = await runSweepJob({
      ...options,
      signal: cancel.signal,
      onProgress: (p) => bar.update(p.done, p.total, p.detail, p.stage),
      onNote: (note) => {
        bar.done();
        output.warn(note);
      },
    });
    bar.done();
    await saveSweep(run, result);
    if (result.failure) {
      // The partial profile is on disk; now report what stopped it.
      await run.finish('failed', result.failure.message);
      throw result.failure;
    }
    return result;
  } finally {
    cancel.dispose();
  }
}

export async function saveSweep(run: RunFolder, result: SweepJobResult): Promise<void> {
  await run.writeJson('profile.json', result.profile);
  await run.writeText('profile.csv', formatProfileCsv(result.profile.points));
  await run.writeText('raw-timings.csv', result.rawTimingsCsv);
}
