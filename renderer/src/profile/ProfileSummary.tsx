import { useState } from 'react';
import { formatMs, formatPct } from '../chart/staircase-data';

/** A synthetic or very long sweep can have hundreds of steps; the first few tell the story. */
const STEPS_SHOWN = 12;
import type { Profile, ProfileView } from './profile-view';

function regimeBadge(regime: string | undefined) {
  if (!regime) return null;
  const tone = regime === 'staircase' ? 'ok' : regime === 'noisy' || regime === 'too-few-points' ? 'warn' : '';
  return <span className={`badge ${tone}`}>{regime}</span>;
}

/** What the sweep found, in words first (regime and summary), then the steps and how they were measured. */
export function ProfileSummary({ profile, view }: { profile: Profile; view: ProfileView }) {
  const [allSteps, setAllSteps] = useState(false);
  const steps = allSteps ? profile.steps : profile.steps.slice(0, STEPS_SHOWN);
  return (
    <section aria-label="What the sweep found" data-testid="profile-summary">
      <p className="summary">
        {regimeBadge(view.regime)} <span data-testid="profile-summary-text">{view.summary ?? 'no staircase summary in this profile'}</span>
      </p>
      <p className="lead">
        {view.model}
        {view.part ? ` (${view.part})` : ''} on {view.ep}, batch {view.batch}, {profile.points.length} token counts
        {view.complete ? '' : ' — incomplete: the sweep stopped early'}
      </p>
      {view.failure ? (
        <div className="error" role="alert">
          <strong>The sweep stopped:</strong> {view.failure}
        </div>
      ) : null}

      <h3>Steps</h3>
      {profile.steps.length === 0 ? (
        <p>No steps: {view.summary ?? 'none detected'}.</p>
      ) : (
        <table data-testid="steps-table">
          <caption className="visually-hidden">Measured latency steps</caption>
          <thead>
            <tr>
              <th scope="col" className="number">tokens</th>
              <th scope="col" className="number">before</th>
              <th scope="col" className="number">after</th>
              <th scope="col" className="number">jump</th>
              <th scope="col" className="number">confidence</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((step) => (
              <tr key={step.tokens}>
                <td className="number">{step.tokens}</td>
                <td className="number">{formatMs(step.beforeMs)}</td>
                <td className="number">{formatMs(step.afterMs)}</td>
                <td className="number">+{formatPct(step.jumpPct)}</td>
                <td className="number">{Math.round(step.confidence * 100)} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {profile.steps.length > STEPS_SHOWN ? (
        <button type="button" onClick={() => setAllSteps((shown) => !shown)} aria-expanded={allSteps}>
          {allSteps ? `Show the first ${STEPS_SHOWN} steps` : `Show all ${profile.steps.length} steps`}
        </button>
      ) : null}
      {view.prediction ? <p>Prediction: {view.prediction}.</p> : null}
      {view.predicted.length > 0 ? (
        <table>
          <caption className="visually-hidden">Predicted steps beside the measured ones</caption>
          <thead>
            <tr>
              <th scope="col" className="number">predicted at</th>
              <th scope="col" className="number">predicted jump</th>
              <th scope="col">measured</th>
            </tr>
          </thead>
          <tbody>
            {view.predicted.map((step) => (
              <tr key={step.tokens}>
                <td className="number">{step.tokens}</td>
                <td className="number">+{formatPct(step.jumpPct)}</td>
                <td>{step.measured ? `yes, at ${step.measured.tokens} tokens` : 'no step measured near it'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {view.unpredictedSteps.length > 0 ? <p>Measured but not predicted: {view.unpredictedSteps.join(', ')} tokens.</p> : null}

      {view.strategy || view.fullModel || view.sweep || view.reference || view.deviceState || view.deviceStateReason ? <h3>How it was measured</h3> : null}
      <dl className="facts">
        {view.strategy ? (
          <>
            <dt>strategy</dt>
            <dd>
              {view.strategy.chosen === 'block' ? 'one block' : 'whole model'}: {view.strategy.reason}
            </dd>
          </>
        ) : null}
        {view.fullModel ? (
          <>
            <dt>whole-model check</dt>
            <dd>
              block prediction within {view.fullModel.medianAbsErrorPct.toFixed(1)} % (median, {view.fullModel.checks.length} held-out counts)
            </dd>
          </>
        ) : null}
        {view.sweep ? (
          <>
            <dt>sweep</dt>
            <dd>
              {view.sweep.passes} pass{view.sweep.passes === 1 ? '' : 'es'}, {view.sweep.visits} visits, {(view.sweep.wallMs / 1000).toFixed(1)} s, seed {view.sweep.seed}
            </dd>
          </>
        ) : null}
        {view.reference ? (
          <>
            <dt>reference</dt>
            <dd>
              {view.reference.tokens} tokens at {formatMs(view.reference.medianMs)}; the machine drifted {view.reference.driftPct.toFixed(0)} % during the sweep
            </dd>
          </>
        ) : null}
        {view.deviceState ? (
          <>
            <dt>GPU state</dt>
            <dd>
              {view.deviceState.device} ({view.deviceState.source}): {view.deviceState.throttledVisits} throttled visits
              {view.deviceState.temperatureC ? `, ${view.deviceState.temperatureC.min}–${view.deviceState.temperatureC.max} °C` : ''}
              {view.deviceState.smClockMHz ? `, SM clock ${view.deviceState.smClockMHz.min}–${view.deviceState.smClockMHz.max} MHz` : ''}
            </dd>
          </>
        ) : view.deviceStateReason ? (
          <>
            <dt>GPU state</dt>
            <dd>not recorded: {view.deviceStateReason}</dd>
          </>
        ) : null}
      </dl>
      {view.notes.length > 0 ? (
        <>
          <h3>Notes</h3>
          <ul className="notes">
            {view.notes.map((note, index) => (
              <li key={index}>{note}</li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
