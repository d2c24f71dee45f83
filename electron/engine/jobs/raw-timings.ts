import type { Visit } from '../measure/visit.js';

/** Every timed iteration as CSV, so any statistic can be recomputed from the run folder. */
export function formatRawTimingsCsv(groups: { workload: string; visits: readonly Visit[] }[]): string {
  const lines = ['workload,phase,pass,tokens,is_reference,visit,visit_started_ms,iteration,ms'];
  for (const group of groups) {
    group.visits.forEach((visit, visitIndex) => {
      visit.timesMs.forEach((ms, iteration) => {
        lines.push(
          [group.workload, visit.phase, visit.pass, visit.tokens, visit.isReference ? 1 : 0, visitIndex, visit.startedAtMs.toFixed(3), iteration, ms.toFixed(4)].join(','),
        );
      });
    });
  }
  return `${lines.join('\n')}\n`;
}
