import type { Schedule } from '../../../electron/engine/contracts/schedule';
import { formatMs, formatPct } from '../chart/staircase-data';

/** A schedule in the words a deployment needs: how many tokens to keep, where to drop the rest, what it buys. */
export function ScheduleSummary({ schedule }: { schedule: Schedule }) {
  const removed = schedule.baselineTokens - schedule.keepTokens;
  return (
    <section aria-label="Schedule" data-testid="schedule-summary">
      <p className="summary">
        Keep <strong data-testid="keep-tokens">{schedule.keepTokens}</strong> of {schedule.baselineTokens} tokens
        {removed > 0 ? ` (remove ${removed})` : ''}: predicted <strong data-testid="predicted-ms">{formatMs(schedule.predictedMs)}</strong> instead of{' '}
        {formatMs(schedule.baselineMs)}, {schedule.predictedSpeedup.toFixed(3)}× faster.
      </p>
      <p>{schedule.reason}</p>
      <dl className="facts">
        <dt>method</dt>
        <dd>
          {schedule.method}, α = {schedule.alpha}
        </dd>
        <dt>accuracy</dt>
        <dd>{schedule.accuracySource === 'none' ? 'no accuracy curve: latency only' : schedule.accuracySource}</dd>
        <dt>layers</dt>
        <dd>{schedule.layers.length === 0 ? 'no tokens removed' : schedule.layers.map((layer) => `layer ${layer.layer}: remove ${layer.remove}`).join('; ')}</dd>
      </dl>
      {schedule.steps.length > 0 ? (
        <table>
          <caption className="visually-hidden">Steps in the profile, the one the schedule lands below marked</caption>
          <thead>
            <tr>
              <th scope="col" className="number">step at</th>
              <th scope="col" className="number">jump</th>
              <th scope="col" className="number">confidence</th>
              <th scope="col">used</th>
            </tr>
          </thead>
          <tbody>
            {schedule.steps.map((step) => (
              <tr key={step.tokens} className={step.used ? 'highlight' : undefined}>
                <td className="number">{step.tokens}</td>
                <td className="number">+{formatPct(step.jumpPct)}</td>
                <td className="number">{Math.round(step.confidence * 100)} %</td>
                <td>{step.used ? 'lands just below this step' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
