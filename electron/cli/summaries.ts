import type { Profile, Step } from '../engine/contracts/profile.js';
import type { Schedule } from '../engine/contracts/schedule.js';
import type { ProfileExtras } from '../engine/jobs/sweep-job.js';
import { renderStaircaseChart } from './terminal-chart.js';

type SavedProfile = Profile & Partial<ProfileExtras>;

export function formatProfileSummary(profile: SavedProfile, marker?: { tokens: number; label: string }): string {
  const model = typeof profile.model === 'string' ? profile.model : String(profile.model.id ?? profile.model.file ?? 'model');
  const what = profile.unit === 'block' ? 'one block' : 'whole model';
  const strategy = profile.strategy ? `strategy: ${profile.strategy.reason}` : undefined;
  const lines = [
    `${model} (${what}, batch ${profile.batch}) on ${profile.ep}${profile.complete ? '' : '  [INCOMPLETE: cancelled]'}`,
    `${profile.points.length} token counts measured${profile.sweep ? ` in ${(profile.sweep.wallMs / 1000).toFixed(1)} s, ${profile.sweep.passes} shuffled passes` : ''}` +
      (profile.reference ? `; reference ${profile.reference.tokens} tokens drifted ${profile.reference.driftPct.toFixed(1)} %` : ''),
    ...(strategy ? [strategy] : []),
    '',
    renderStaircaseChart(profile.points, { steps: profile.steps.map((step) => step.tokens), marker, title: `latency of ${what} vs tokens` }),
    '',
    profile.summary ?? '',
  ];
  if (profile.steps.length > 0) lines.push(formatSteps(profile.steps));
  if (profile.fullModel) {
    const fm = profile.fullModel;
    lines.push(
      '',
      `whole model ≈ ${fm.blockScale.toFixed(2)} × block ${fm.overheadMs >= 0 ? '+' : '−'} ${Math.abs(fm.overheadMs).toFixed(2)} ms (${fm.depth} blocks${fm.fit === 'fitted-scale' ? '; scale fitted: a block costs differently inside the whole model' : ''})`,
      `checked against the real encoder at ${fm.checks.map((c) => c.tokens).join(', ')} tokens (each held out of the fit): median |error| ${fm.medianAbsErrorPct.toFixed(1)} %`,
    );
  }
  return lines.join('\n');
}

export function formatSteps(steps: readonly Step[]): string {
  const rows = steps.map(
    (step) =>
      `  ${String(step.tokens).padStart(6)}  ${step.beforeMs.toFixed(3).padStart(9)} → ${step.afterMs.toFixed(3).padEnd(9)} ${`+${step.jumpPct.toFixed(1)} %`.padStart(9)}   ${step.confidence.toFixed(2)}${step.used ? '   ← schedule lands below this' : ''}`,
  );
  return ['  tokens   before ms → after ms      jump   confidence', ...rows].join('\n');
}

export function formatScheduleSummary(schedule: Schedule): string {
  const removed = schedule.baselineTokens - schedule.keepTokens;
  const where = schedule.layers.filter((layer) => layer.remove > 0).map((layer) => `${layer.remove} at layer ${layer.layer}`).join(', ');
  return [
    `schedule (${schedule.method}, α = ${schedule.alpha}, accuracy: ${schedule.accuracySource}):`,
    removed > 0
      ? `  keep ${schedule.keepTokens} of ${schedule.baselineTokens} tokens (remove ${where})`
      : `  keep all ${schedule.baselineTokens} tokens`,
    `  predicted ${schedule.predictedMs.toFixed(2)} ms vs ${schedule.baselineMs.toFixed(2)} ms baseline: ×${schedule.predictedSpeedup.toFixed(3)}`,
    `  why: ${schedule.reason}`,
  ].join('\n');
}
